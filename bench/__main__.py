"""`make bench` (`.venv/bin/python -m bench`): the questionnaire's hot path under load, beside bare Flask.

For each database kind (a fresh database each time): prepare our service's data, count the queries of each
page of the cycle, then serve the bare app and ours in turn with the same gunicorn settings and drive each
with the same number of virtual users for the same time. Prints a table; --json keeps the figures.

    .venv/bin/python -m bench --db sqlite --duration 10 --users 20
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import fmean

from bench import bare_app, load
from bench.server import POSTGRESQL_SERVER, Workers, fresh_database, gunicorn
from bench.service_setup import PageCost, count_queries, prepare

# name, gunicorn target, the path that answers once it is up
APPS = (("bare", "bench.bare_app:create_app()", "/page"), ("ours", "wsgi:app", "/health"))
# Warm-up before each slice after the first: the users are signed in already; let the load settle.
LATER_WARMUP = 1.0
TARGET_RATIO = 1 / 3
TARGET_P95_MS = 100.0
# The project's own budget (tests/integration/test_submit_robustness.py).
QUERY_BUDGET = {"GET": 6, "POST": 8}


@dataclass
class Measurement:
    database: str
    app: str
    outcome: load.Outcome
    log_problems: dict[str, int]
    log_excerpt: str = ""


@dataclass
class DatabaseRun:
    database: str
    measurements: dict[str, Measurement] = field(default_factory=dict)
    costs: list[PageCost] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        ours, bare = self.measurements.get("ours"), self.measurements.get("bare")
        if not ours or not bare or not bare.outcome.rate:
            return math.nan
        return ours.outcome.rate / bare.outcome.rate

    @property
    def cpu_ratio(self) -> float:
        """ours/bare as the servers' CPU per cycle predicts it: steadier than throughput on a busy machine."""
        ours, bare = self.measurements.get("ours"), self.measurements.get("bare")
        if not ours or not bare:
            return math.nan
        return bare.outcome.server_cpu_ms_per_cycle() / ours.outcome.server_cpu_ms_per_cycle()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=float, default=20, help="seconds measured per app (default 20)")
    parser.add_argument("--slices", type=int, default=5, help="alternating slices of each (default 5)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before measuring (default 3)")
    parser.add_argument("--users", type=int, default=20, help="concurrent virtual users (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument(
        "--postgresql-url", default=POSTGRESQL_SERVER, help="a server whose user may create databases"
    )
    parser.add_argument(
        "--rate",
        type=float,
        help="open loop: cycles arriving per second, evenly spaced, each taken by a free user (--users of "
        "them); latency counts from when a cycle was due. Without it, a closed loop: users click at once",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_database(kind: str, args: argparse.Namespace) -> DatabaseRun:
    """Both apps served at once; measured in turn, in alternating slices, so that whatever else the machine
    is doing weighs on both alike."""
    workers = Workers(args.workers, args.threads)
    result = DatabaseRun(kind)
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmp,
        fresh_database(kind, Path(tmp), args.postgresql_url) as url,
        ExitStack() as servers,
    ):
        workdir = Path(tmp)
        say(f"[{kind}] preparing the service's database: {args.users} leads, each with a draft project")
        leads, spare = prepare(url, args.users)
        result.costs = count_queries(url, spare)
        page_bytes = round(fmean(cost.get_bytes for cost in result.costs))
        bare_app.create_schema(url)
        started, plans, outcomes = {}, {}, {}
        for name, target, ready in APPS:
            started[name] = servers.enter_context(
                gunicorn(
                    name, target, database_url=url, ready_path=ready, workers=workers, workdir=workdir,
                    extra_env={"BARE_PAGE_BYTES": str(page_bytes)},
                )
            )  # fmt: skip
            plans[name] = load.plans_for(name, leads)
        slice_seconds = args.duration / args.slices
        say(f"[{kind}] {workers.describe()}, {args.users} users; {args.slices} slices of {slice_seconds:g} s "
            f"per app, after {args.warmup:g} s of warm-up")  # fmt: skip
        for number in range(args.slices):
            for name, server in started.items():
                warmup = args.warmup if number == 0 else LATER_WARMUP
                if args.rate:
                    outcome = load.run_open(
                        server.port, plans[name], rate=args.rate, warmup=warmup, duration=slice_seconds,
                        cpu_probe=server.cpu_seconds,
                    )  # fmt: skip
                else:
                    outcome = load.run(
                        server.port, plans[name], warmup=warmup, duration=slice_seconds,
                        cpu_probe=server.cpu_seconds,
                    )  # fmt: skip
                outcomes[name] = outcomes[name].merge(outcome) if name in outcomes else outcome
        servers.close()  # stop both servers before reading their logs
        for name, server in started.items():
            problems = server.problems()
            excerpt = server.log_tail(30) if any(problems.values()) else ""
            result.measurements[name] = Measurement(kind, name, outcomes[name], problems, excerpt)
    return result


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def report(runs: list[DatabaseRun], args: argparse.Namespace) -> str:
    lines = [
        f"Hot path under load: {args.users} users"
        + (f" taking {args.rate:g} cycles/s arriving at a fixed rate (open loop)" if args.rate else "")
        + f", {Workers(args.workers, args.threads).describe()}, "
        f"{args.duration:g} s measured per app in {args.slices} alternating slices, "
        f"{os.cpu_count()} CPUs shared by the servers and the load generator",
        "cycle = GET a page, POST its answers (saved, 302), GET the next page; "
        "server CPU = gunicorn's CPU time per cycle",
        "",
        f"{'database':<11}{'app':<5}{'cycles/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'GET/POST/next p50':>19}{'server CPU ms':>14}{'errors':>7}{'ours/bare':>10}",
    ]
    for run in runs:
        for name in ("bare", "ours"):
            o = run.measurements[name].outcome
            steps = "/".join(ms(o.latency_ms(50, step)) for step in range(3))
            ratio = f"{run.ratio:.2f}" if name == "ours" and not math.isnan(run.ratio) else ""
            lines.append(
                f"{run.database:<11}{name:<5}{o.rate:>9.1f}{ms(o.latency_ms(50)):>8}{ms(o.latency_ms(95)):>8}"
                f"{ms(o.latency_ms(99)):>8}{steps:>19}{ms(o.server_cpu_ms_per_cycle()):>14}"
                f"{o.error_count:>7}{ratio:>10}"
            )
    for run in runs:
        ours, bare = run.measurements["ours"].outcome, run.measurements["bare"].outcome
        lines.append(
            f"Load generator on {run.database}: {100 * bare.client_cpu / bare.duration:.0f}% of a CPU beside "
            f"bare, {100 * ours.client_cpu / ours.duration:.0f}% beside ours. Ours takes "
            f"{ours.server_cpu_ms_per_cycle() / bare.server_cpu_ms_per_cycle():.1f}x bare's server CPU per "
            f"cycle: CPU-bound, ours/bare would be {run.cpu_ratio:.2f}"
        )
    lines += ["", "Targets: ours/bare >= 0.33, p95 < 100 ms, no errors"]
    for run in runs:
        ours = run.measurements["ours"].outcome
        checks = [
            ("rate", run.ratio >= TARGET_RATIO, f"ratio {run.ratio:.2f}"),
            ("p95", ours.latency_ms(95) < TARGET_P95_MS, f"p95 {ms(ours.latency_ms(95))} ms"),
            ("errors", ours.error_count == 0 and run.measurements["bare"].outcome.error_count == 0,
             f"{ours.error_count} errors"),
        ]  # fmt: skip
        verdict = "; ".join(f"{text} {'met' if ok else 'NOT MET'}" for _, ok, text in checks)
        lines.append(f"  {run.database}: {verdict}")
    for run in runs:
        gets = [c.get_queries for c in run.costs]
        posts = [c.post_queries for c in run.costs]
        sizes = [c.get_bytes for c in run.costs]
        lines.append(
            f"Queries per request on {run.database} (budget {QUERY_BUDGET['GET']} GET, "
            f"{QUERY_BUDGET['POST']} POST): GET {min(gets)}-{max(gets)}, POST {min(posts)}-{max(posts)} "
            f"over {len(run.costs)} pages; page sizes {min(sizes):,}-{max(sizes):,} bytes "
            f"(mean {round(fmean(sizes)):,}; the bare page is made the same size)"
        )
    for run in runs:
        for m in run.measurements.values():
            if m.outcome.errors:
                lines.append(f"Errors, {run.database} {m.app}:")
                lines += [f"  {count:>6} x {reason}" for reason, count in m.outcome.errors.most_common()]
            if any(m.log_problems.values()):
                found = ", ".join(f"{count} {label}" for label, count in m.log_problems.items() if count)
                lines.append(f"gunicorn log, {run.database} {m.app}: {found}; last lines:")
                lines += ["  | " + line for line in m.log_excerpt.splitlines()]
    return "\n".join(lines)


def as_json(runs: list[DatabaseRun], args: argparse.Namespace) -> dict:
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "runs": [
            {
                "database": run.database,
                "ratio": run.ratio,
                "ratio_by_server_cpu": run.cpu_ratio,
                "query_counts": [vars(cost) for cost in run.costs],
                "apps": {
                    name: {
                        "cycles": len(m.outcome.good),
                        "cycles_per_second": m.outcome.rate,
                        "p50_ms": m.outcome.latency_ms(50),
                        "p95_ms": m.outcome.latency_ms(95),
                        "p99_ms": m.outcome.latency_ms(99),
                        "mean_ms": m.outcome.mean_ms(),
                        "step_p50_ms": [m.outcome.latency_ms(50, step) for step in range(3)],
                        "server_cpu_ms_per_cycle": m.outcome.server_cpu_ms_per_cycle(),
                        "load_generator_cpu_share": m.outcome.client_cpu / m.outcome.duration,
                        "errors": dict(m.outcome.errors),
                        "log_problems": m.log_problems,
                    }
                    for name, m in run.measurements.items()
                },
            }
            for run in runs
        ],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.users < 1 or args.duration <= 0 or args.slices < 1:
        raise SystemExit("--users, --duration and --slices must be positive")
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    runs = [run_database(kind, args) for kind in kinds]
    print(report(runs, args))
    if args.json:
        args.json.write_text(json.dumps(as_json(runs, args), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
