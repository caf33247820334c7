"""Downloads of everything: the rate (records a second) and peak memory of the CSV, XLSX and JSON downloads.

    .venv/bin/python -m bench.downloads      # both databases, 100,000 records (about 90,000 visible)
    .venv/bin/python -m bench.downloads --db sqlite --keep /tmp/dl   # keep the generated database for a rerun
    .venv/bin/python -m bench.downloads --url sqlite:////tmp/dl/bench.sqlite   # measure an existing one

The records are generated as bench/find.py does (same generator). Each download runs in a subprocess of its
own, signed in (public and sector records: about 90% of them), through Flask's test client with the worker
threshold switched off, so that the streamed download of every record is what is measured; then the same file
is made as the worker makes it (app/services/find/download_jobs.py). Peak RSS is the subprocess's VmHWM, reset
after signing in (scrypt takes tens of MB for a moment). Targets (issue 17): CSV at least 20,000 records a
second, XLSX at least 5,000, peak under 150 MB and flat with size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.find import EMAIL, PASSWORD, _rss_mb, _status_mb, generate, say, visible_counts
from bench.server import POSTGRESQL_SERVER, ROOT, fresh_database
from bench.service_setup import make_app

RECORDS = int(os.environ.get("DOWNLOAD_BENCH_RECORDS", "100000"))
FORMATS = ("csv", "xlsx", "json")
TARGETS = {"csv": 20_000.0, "xlsx": 5_000.0}
TARGET_MB = 150.0


def download_once(database_url: str, fmt: str, how: str) -> dict:
    """In this process: one download of every visible record, streamed (`how` "stream") or made as the worker
    makes it ("worker"). Returns its figures."""
    app = make_app(database_url)
    app.config.update(WTF_CSRF_ENABLED=False, FIND_DOWNLOAD_WORKER_ABOVE={})
    client = app.test_client()
    answer = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"signing in answered {answer.status_code}")
    Path("/proc/self/clear_refs").write_text("5")
    baseline = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    if how == "stream":
        response = client.get(f"/find/download.{fmt}", buffered=False)
        if response.status_code != 200:
            raise RuntimeError(f"the download answered {response.status_code}")
        for chunk in response.response:
            size += len(chunk)
        response.close()
    else:
        size = _worker_file(app, fmt)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "bytes": size,
        "baseline_mb": baseline,
        "peak_mb": _status_mb("VmHWM"),
    }


def _worker_file(app, fmt: str) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services.find import download_jobs
    from app.services.find.search import FindQuery
    from app.services.find.visibility import SIGNED_IN

    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email=EMAIL))
        job = download_jobs.request(fmt, FindQuery(), SIGNED_IN, by=user, total=0)
        db.session.commit()
        download_jobs.run_pending()
        db.session.refresh(job)
        path = download_jobs.file_path(job)
        size = path.stat().st_size
        path.unlink()
        return size


def in_subprocess(database_url: str, fmt: str, how: str) -> dict:
    command = [sys.executable, "-m", "bench.downloads", "--one", fmt, "--how", how, "--url", database_url]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure(kind: str, url: str, args: argparse.Namespace) -> list[dict]:
    visible = visible_counts(url)["total"]
    say(f"[{kind}] {visible:,} visible records; load average {os.getloadavg()[0]:.2f}")
    results = []
    for how in args.how:
        for fmt in args.formats:
            figures = in_subprocess(url, fmt, how)
            figures.update(
                db=kind, format=fmt, how=how, records=visible, load=os.getloadavg()[0],
                rate=visible / figures["seconds"], cpu_rate=visible / figures["cpu_seconds"],
            )  # fmt: skip
            say(
                f"[{kind}] {how} {fmt}: {figures['seconds']:.1f} s, {figures['rate']:,.0f} records/s "
                f"({figures['cpu_rate']:,.0f} a CPU second), "
                f"peak {figures['peak_mb']:.0f} MB (from {figures['baseline_mb']:.0f}), "
                f"{figures['bytes'] / 1e6:.1f} MB, load {figures['load']:.2f}"
            )
            results.append(figures)
    return results


def report(results: list[dict]) -> str:
    lines = [
        "| db | made | format | records | seconds | records/s | per CPU s | target | peak RSS MB (before) "
        "| MB | load |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        target = TARGETS.get(r["format"])
        met = "" if target is None else f"{target:,.0f} {'met' if r['rate'] >= target else 'NOT met'}"
        lines.append(
            f"| {r['db']} | {r['how']} | {r['format']} | {r['records']:,} | {r['seconds']:.1f} | "
            f"{r['rate']:,.0f} | {r['cpu_rate']:,.0f} | {met} | "
            f"{r['peak_mb']:.0f} ({r['baseline_mb']:.0f}) | {r['bytes'] / 1e6:.1f} | {r['load']:.2f} |"
        )
    worst = max((r["peak_mb"] for r in results), default=0.0)
    lines.append(f"\nPeak RSS at most {worst:.0f} MB (target under {TARGET_MB:g} MB).")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--url", help="measure this database, already generated (skips generating)")
    parser.add_argument("--keep", type=Path, help="generate the SQLite database in this folder and keep it")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--how", nargs="+", choices=("stream", "worker"), default=["stream", "worker"])
    parser.add_argument("--postgresql-url", default=POSTGRESQL_SERVER)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--one", choices=FORMATS, help=argparse.SUPPRESS)  # internal: one download
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.one:
        print(json.dumps(download_once(args.url, args.one, args.how[0])))
        return 0
    results: list[dict] = []
    if args.url:
        results += measure("sqlite" if args.url.startswith("sqlite") else "postgresql", args.url, args)
    else:
        kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
        for kind in kinds:
            with ExitStack() as stack:
                folder = args.keep if args.keep and kind == "sqlite" else None
                if folder is None:
                    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-dl-")))
                folder.mkdir(parents=True, exist_ok=True)
                url = stack.enter_context(fresh_database(kind, folder, args.postgresql_url))
                say(f"[{kind}] generating {RECORDS:,} records")
                say(f"[{kind}] generated in {generate(url, RECORDS)['total_s']:.0f} s")
                results += measure(kind, url, args)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
