"""The national overview at 5,000 projects: time and peak memory of each format, cold and cached.

    .venv/bin/python -m bench.overview                    # SQLite, 5,000 records, the sector edition
    .venv/bin/python -m bench.overview --db postgresql --records 5000 --edition published

Steps (a fresh database each time):

1. Generate the records as bench/find.py does (bulk inserts, as approval leaves them), then give each an
   answer about its enablers and barriers (for the quotes) and mark 5% as notable practice.
2. For each format (the web page, the PDF, the Word document), in a subprocess of its own, signed in through
   Flask's test client: the first request (nothing made yet in that process: Find's index is read, the report
   built, the document made) and a second one (made once per data version: the kept copy), with the
   subprocess's peak resident memory (VmHWM, reset after signing in).
3. The baseline, measured the same way in the same run: the CSV download of the same records.

Targets (issue 16): HTML < 5 s, PDF < 30 s, Word < 15 s, memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.find import EMAIL, PASSWORD, _rss_mb, _status_mb, generate
from bench.server import ROOT, fresh_database
from bench.service_setup import make_app

FORMATS = {"html": "/find/overview", "pdf": "/find/overview.pdf", "docx": "/find/overview.docx"}
BASELINE = "/find/download.csv"
TARGETS = {"html": 5.0, "pdf": 30.0, "docx": 15.0}
TARGET_MB = 300.0
NOTABLE_SHARE = 0.05


def enrich(database_url: str) -> int:
    """Enablers' and barriers' answers for the quotes, and some notable practice. Returns how many notable."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import NotablePractice, Record, User
    from app.services.find.demo_records import BARRIERS_SAID, ENABLERS_SAID, NOTABLE_SAID

    rng = random.Random(16)
    app = make_app(database_url)
    notable = 0
    with app.app_context():
        reviewer = db.session.scalar(select(User).limit(1))
        for record in db.session.scalars(select(Record)):
            record.answers = {
                **record.answers,
                "enablers_details": rng.choice(ENABLERS_SAID),
                "barriers_details": rng.choice(BARRIERS_SAID),
            }
            themes = (record.facets or {}).get("themes") or []
            if themes and rng.random() < NOTABLE_SHARE:
                db.session.add(
                    NotablePractice(
                        submission_id=record.submission_id,
                        themes=themes[:1],
                        reason=NOTABLE_SAID,
                        chosen_by=reviewer,
                    )
                )
                notable += 1
        db.session.commit()
    return notable


def measure_once(database_url: str, path: str) -> dict:
    """In this process: sign in, then ask for `path` twice. Prints its figures as JSON."""
    app = make_app(database_url)
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    if client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD}).status_code != 302:
        raise RuntimeError("signing in failed")
    Path("/proc/self/clear_refs").write_text("5")  # the peak from here on is the overview's alone
    baseline = _rss_mb()
    timings, size = [], 0
    for _ in range(2):
        started = time.perf_counter()
        response = client.get(path)
        size = len(response.get_data())
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return {
        "first_s": timings[0],
        "kept_s": timings[1],
        "bytes": size,
        "baseline_mb": baseline,
        "peak_mb": _status_mb("VmHWM"),
    }


def in_subprocess(database_url: str, path: str) -> dict:
    command = [sys.executable, "-m", "bench.overview", "--measure", path, "--url", database_url]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(output.stdout.strip().splitlines()[-1])


def run(kind: str, records: int, edition: str) -> dict:
    with tempfile.TemporaryDirectory() as workdir, fresh_database(kind, Path(workdir)) as url:
        print(f"[{kind}] generating {records:,} records", file=sys.stderr, flush=True)
        generate(url, records)
        notable = enrich(url)
        results = {"database": kind, "records": records, "edition": edition, "notable": notable}
        results["baseline_csv"] = in_subprocess(url, BASELINE)
        for name, path in FORMATS.items():
            print(f"[{kind}] {name}", file=sys.stderr, flush=True)
            results[name] = in_subprocess(url, f"{path}?edition={edition}")
            print(f"[{kind}] {name}: {json.dumps(results[name])}", file=sys.stderr, flush=True)
        return results


def report(results: dict) -> str:
    base = results["baseline_csv"]["first_s"]
    lines = [
        f"Overview of {results['records']:,} records on {results['database']}, {results['edition']} edition "
        f"({results['notable']} notable practice); baseline: CSV download of the same records, "
        f"{base:.2f} s, {results['baseline_csv']['peak_mb']:.0f} MB peak.",
        "| format | first (s) | x CSV | target (s) | kept copy (s) | size (KB) | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in FORMATS:
        r = results[name]
        lines.append(
            f"| {name} | {r['first_s']:.2f} | {r['first_s'] / base:.1f} | {TARGETS[name]:.0f} | "
            f"{r['kept_s']:.3f} | {r['bytes'] / 1024:.0f} | {r['peak_mb']:.0f} (target {TARGET_MB:.0f}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--edition", choices=("published", "sector"), default="sector")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure_once(args.url, args.measure)))
        return 0
    results = run(args.db, args.records, args.edition)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
