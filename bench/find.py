"""Find at scale: 100,000 records, the search page beside Datasette, and the downloads' time and memory.

    .venv/bin/python -m bench.find                       # both databases, 100,000 records
    FIND_BENCH_RECORDS=10000 .venv/bin/python -m bench.find --db sqlite --duration 6   # a quick run

For each database kind (a fresh database each time):

1. Generate the records quickly (bulk inserts; the vocabulary of app/services/find/demo_records.py)
   as approval leaves them: submission, revision, partners, record, its facet values and (SQLite) its
   full-text row.
2. Search: GET /find?q=WORD from our service under gunicorn (signed in, so public and sector records), WORD
   matching about a fifth of the records. The page shows every filter facet with its counts (nine, not only
   the three compared). Single client: p50/p95 over sequential requests. The counts of region, stage and
   themes shown on the page are checked against a direct count over a copy of the data.
3. Datasette, from the same virtual environment, serves that copy: one SQLite file with the records the same
   person may see, region and stage as columns, themes as a JSON array, and an FTS5 table made by sqlite-utils
   (porter stemming, as ours). It answers /bench/records.json?_search=...&_searchmode=raw&_facet=region
   &_facet=stage&_facet_array=themes&_facet_size=max&_size=20 with the same FTS expression ours uses, so it
   matches the same records; its counts are checked too (complete, none truncated or timed out: the facet
   time limit is raised to 10 s; facet suggestions are off, as they are work ours does not do).
4. Throughput: 10 concurrent clients on each in turn, in alternating slices, same run.
5. Downloads: CSV, XLSX and JSON of about 10,000 records (one region) and of every visible record, each in a
   subprocess of its own through Flask's test client; time, and the subprocess's peak RSS (resident memory).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

from bench.load import Browser
from bench.server import (
    POSTGRESQL_SERVER,
    ROOT,
    Workers,
    free_port,
    fresh_database,
    gunicorn,
    process_tree_cpu,
)
from bench.service_setup import make_app

RECORDS = int(os.environ.get("FIND_BENCH_RECORDS", "100000"))
CLIENTS = 10
EMAIL, PASSWORD = "reader@bench.example.org", "bench-password-2026"
# Words tried as queries; those matching 15-25% of the records are used, in turn.
CANDIDATE_WORDS = ("representatives", "evaluate", "finance", "governance", "vulnerable", "relationships")
# Words searched once each (9-50% of the records), for a search no process has done since the last change.
FRESH_WORDS = (
    "training", "estates", "vehicles", "control", "response", "procurement", "drones", "cardiac",
    "finance", "governance", "vulnerable", "shared", "ambulance", "station", "officers", "savings",
)  # fmt: skip
CHANGES = 8  # records changed, one at a time, each followed by a search
COMPARED_FACETS = ("region", "stage", "themes")
TARGET_P95_MS = 50.0
TARGET_RATIO = 5.0
TARGET_EXPORT_MB = 150.0
COUNT_LABEL = re.compile(r'for="([a-z_]+)-([^"]+)">[^<]*<span class="app-count">\((\d+)\)</span>')
TOTAL = re.compile(r'id="results-heading">([\d,]+) project')


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# 1. The records.


def generate(database_url: str, count: int) -> dict:
    """Schema, organisations, three rounds, a reader, and `count` approved records. Returns timings."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from app.extensions import db
    from app.models import (
        Organisation,
        Record,
        RecordFacet,
        Revision,
        Role,
        Sector,
        Submission,
        SubmissionPartner,
    )
    from app.models.base import utcnow
    from app.questionnaires.loader import default_questionnaire
    from app.services.find import demo_records
    from app.services.find import publishing as records
    from app.services.find import record_index as search_index
    from app.services.organisations.files import load_seed_organisations
    from app.services.people import accounts
    from app.services.rounds import deadlines as rounds

    app = make_app(database_url)
    started = time.perf_counter()
    with app.app_context():
        import logging
        import warnings

        logging.disable(logging.INFO)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Skipped unsupported reflection")
            upgrade(directory=str(ROOT / "migrations"))
        logging.disable(logging.NOTSET)
        load_seed_organisations()
        version = rounds.default_version()
        now = utcnow()
        round_list = [
            rounds.create_round(
                title=f"Collaboration return {year}",
                opens_at=now.replace(year=year, month=4, day=1),
                deadline=now.replace(year=year, month=6, day=30),
                version=version,
            )
            for year in (2024, 2025, 2026)
        ]
        approver = accounts.create_user(
            email="approver@bench.example.org", name="Approver", role=Role.REVIEWER
        )
        accounts.create_user(email=EMAIL, name="Reader", role=Role.REVIEWER, password=PASSWORD)
        db.session.flush()
        questionnaire = default_questionnaire()
        choices = {q.id: [c.value for c in q.choices] for q in questionnaire.questions if q.choices}
        organisations = [
            o
            for o in db.session.scalars(
                select(Organisation).where(Organisation.sector.in_(demo_records.PARTNER_SECTORS))
            )
            if o.region is not None
        ]
        names = {str(o.id): o.name for o in db.session.scalars(select(Organisation))}
        by_region: dict[object, list] = {}
        for organisation in organisations:
            by_region.setdefault(organisation.region, []).append(organisation)
        rng = random.Random(2026)
        rows: dict[str, list[dict]] = {"submissions": [], "revisions": [], "partners": [], "records": []}
        facet_pairs: list[tuple[int, list[tuple[str, str]]]] = []
        numbers: dict[tuple[str, str], int] = {}
        made_at = time.perf_counter()

        def flush_rows() -> None:
            for model, key in (
                (Submission, "submissions"),
                (Revision, "revisions"),
                (SubmissionPartner, "partners"),
                (Record, "records"),
            ):
                if rows[key]:
                    db.session.execute(insert(model), rows[key])
                    rows[key].clear()
            wanted = {pair for _, pairs in facet_pairs for pair in pairs if pair not in numbers}
            if wanted:
                numbers.update(search_index.facet_value_ids(wanted))
            links = [
                {"record_id": i, "facet_value_id": numbers[p]} for i, pairs in facet_pairs for p in pairs
            ]
            if links:
                db.session.execute(insert(RecordFacet), links)
            facet_pairs.clear()

        partner_id = 0
        for n in range(1, count + 1):
            lead = rng.choice(organisations)
            neighbours = [o for o in by_region[lead.region] if o.sector != lead.sector] or [lead]
            partners = rng.sample(neighbours, k=min(len(neighbours), rng.randint(1, 2)))
            partners = [p for p in partners if p.id != lead.id]
            theme, short, summary = rng.choice(demo_records.ACTIVITIES)
            place = lead.name.split(" ")[0]
            by_role = demo_records._answers(
                rng, choices, theme, f"{place} {short}", summary, lead, partners, n
            )
            # The demo answers are keyed by role; a record holds them by question id.
            answers = {}
            for key, value in by_role.items():
                question = questionnaire.with_role(key) or questionnaire.question(key)
                if question is not None:
                    answers[question.id] = value
            round_ = round_list[n % len(round_list)]
            when = round_.opens_at + timedelta(days=60, seconds=rng.randint(0, 200 * 86400))
            submission = SimpleNamespace(organisation=lead, round_id=round_.id, round=round_)
            facets = records.facets_for(questionnaire, answers, submission, partners)
            rows["submissions"].append(
                {
                    "id": n,
                    "reference": f"CP-{round_.opens_at.year}-{n:06d}",
                    "round_id": round_.id,
                    "organisation_id": lead.id,
                    "created_by_id": approver.id,
                    "questionnaire_version_id": version.id,
                    "status": "approved",
                    "name": answers["project_name"],
                    "answers": answers,
                    "page_states": {},
                    "edit_version": 1,
                    "created_at": when,
                    "updated_at": when,
                    "submitted_at": when,
                }
            )
            rows["revisions"].append(
                {
                    "id": n,
                    "submission_id": n,
                    "number": 1,
                    "questionnaire_version_id": version.id,
                    "answers": answers,
                    "submitted_by_id": approver.id,
                    "created_at": when,
                }
            )
            for partner in partners:
                partner_id += 1
                rows["partners"].append(
                    {
                        "id": partner_id,
                        "submission_id": n,
                        "organisation_id": partner.id,
                        "confirmation": "confirmed",
                    }
                )
            rows["records"].append(
                {
                    "id": n,
                    "submission_id": n,
                    "revision_id": n,
                    "round_id": round_.id,
                    "organisation_id": lead.id,
                    "name": answers["project_name"],
                    "summary": answers["summary"],
                    "answers": answers,
                    "facets": facets,
                    "search_text": records.search_text_for(
                        questionnaire, answers, [lead.name, *(p.name for p in partners)], names
                    ),
                    "sharing": answers["sharing"],
                    "approved_by_id": approver.id,
                    "approved_at": when,
                    "updated_at": when,
                }
            )
            facet_pairs.append((n, search_index.filter_values(facets)))
            if n % 2000 == 0:
                flush_rows()
        flush_rows()
        inserted_at = time.perf_counter()
        for first in range(1, count + 1, 2000):  # the full-text index, as approval writes it
            search_index.index_text(list(range(first, min(first + 2000, count + 1))))
        if db.engine.dialect.name == "postgresql":
            for table in ("submissions", "revisions", "submission_partners", "records"):
                db.session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count + partner_id})")
                )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    _ = Sector  # the partner sectors come from demo_records
    done = time.perf_counter()
    return {
        "records": count,
        "set_up_s": made_at - started,
        "insert_s": inserted_at - made_at,
        "index_s": done - inserted_at,
        "total_s": done - started,
    }


def datasette_copy(database_url: str, path: Path) -> tuple[list[str], dict]:
    """The records a signed-in reader may see, as Datasette would serve them, with an FTS5 table made by
    sqlite-utils. Returns the query words that match 15-25% of them, and their direct counts."""
    import sqlite_utils
    from sqlalchemy import create_engine, text

    from bench.service_setup import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(database_url))
    target = sqlite_utils.Database(path)
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=5000).execute(
            text(
                "SELECT r.id, r.name, r.summary, o.name AS lead, r.facets, r.search_text FROM records r "
                "JOIN organisations o ON o.id = r.organisation_id WHERE r.sharing IN ('public', 'sector') "
                "ORDER BY r.id"
            )
        )

        def rows():
            for id_, name, summary, lead, facets, search_text in result:
                facets = json.loads(facets) if isinstance(facets, str) else facets
                (region,) = facets["region"]  # one region each: lead and partners are neighbours
                (stage,) = facets["stage"]
                yield {
                    "id": id_,
                    "name": name,
                    "summary": summary,
                    "lead_organisation": lead,
                    "region": region,
                    "stage": stage,
                    "themes": json.dumps(facets["themes"]),
                    "search_text": search_text,
                }

        target["records"].insert_all(rows(), pk="id", batch_size=5000)
    engine.dispose()
    target["records"].enable_fts(["name", "search_text"], tokenize="porter")
    total = target.execute("SELECT count(*) FROM records").fetchone()[0]
    words, direct = [], {}
    for word in CANDIDATE_WORDS:
        counts = direct_counts(path, fts_expression(word))
        if 0.15 <= counts["total"] / total <= 0.25:
            words.append(word)
            direct[word] = counts
    target.close()
    if not words:
        raise SystemExit(f"None of {CANDIDATE_WORDS} matches 15-25% of the records")
    return words, direct


def fts_expression(word: str) -> str:
    """The FTS5 expression our service makes of one word (app/services/find/record_index.py)."""
    return f'"{word}"*'


# Plain SQL over the copy, for the counts the pages must show (":e" is the FTS5 expression).
DIRECT_SQL = {
    "total": "SELECT NULL, count(*) FROM records "
    "WHERE id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH :e)",
    "region": "SELECT region, count(*) FROM records "
    "WHERE id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH :e) GROUP BY region",
    "stage": "SELECT stage, count(*) FROM records "
    "WHERE id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH :e) GROUP BY stage",
    "themes": "SELECT j.value, count(*) FROM records, json_each(records.themes) j "
    "WHERE records.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH :e) GROUP BY j.value",
}


def direct_counts(path: Path, expression: str) -> dict:
    """Region, stage and theme counts of the matching records, straight from the copy with plain SQL."""
    connection = sqlite3.connect(path)
    counts = {
        key: dict(connection.execute(sql, {"e": expression}).fetchall()) for key, sql in DIRECT_SQL.items()
    }
    connection.close()
    counts["total"] = counts["total"][None]
    return counts


# 2-4. Serving and measuring.


@contextmanager
def datasette(path: Path, workdir: Path):
    """Datasette from this virtual environment, serving the copy read-only (immutable, its fastest mode)."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "datasette"),
        "serve", "-i", str(path), "-h", "127.0.0.1", "-p", str(port),
        "--setting", "facet_time_limit_ms", "10000",
        "--setting", "sql_time_limit_ms", "10000",
        "--setting", "suggest_facets", "off",
        "--setting", "default_facet_size", "1000",
    ]  # fmt: skip
    log = workdir / "datasette.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    server = SimpleNamespace(name="datasette", port=port, process=process, log=log)
    try:
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            if process.poll() is not None:
                raise RuntimeError(f"datasette exited at start:\n{log.read_text()}")
            try:
                if Browser(port, timeout=2).request("GET", "/-/versions.json").status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ours_path(word: str) -> str:
    return "/find?" + urlencode({"q": word})


def datasette_path(word: str) -> str:
    return "/bench/records.json?" + urlencode(
        [
            ("_search", fts_expression(word)),
            ("_searchmode", "raw"),
            ("_facet", "region"),
            ("_facet", "stage"),
            ("_facet_array", "themes"),
            ("_facet_size", "max"),
            ("_size", "20"),
        ]
    )


def signed_in_browser(port: int) -> Browser:
    browser = Browser(port)
    page = browser.request("GET", "/sign-in")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1).decode()
    answer = browser.request("POST", "/sign-in", {"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    if answer.status != 302:
        raise RuntimeError(f"signing in answered {answer.status}")
    return browser


def ours_counts(body: bytes) -> dict:
    page = body.decode()
    counts: dict = {"total": int(TOTAL.search(page).group(1).replace(",", ""))}
    for facet, value, n in COUNT_LABEL.findall(page):
        counts.setdefault(facet, {})[value] = int(n)
    return counts


def datasette_counts(body: bytes) -> dict:
    data = json.loads(body)
    counts: dict = {"total": data["filtered_table_rows_count"]}
    for facet in COMPARED_FACETS:
        result = data["facet_results"][facet]
        if result.get("truncated"):
            counts[f"{facet} truncated"] = True
        counts[facet] = {str(item["value"]): item["count"] for item in result["results"]}
    if data.get("facets_timed_out"):
        counts["timed out"] = data["facets_timed_out"]
    return counts


def compare(label: str, got: dict, direct: dict) -> list[str]:
    problems = []
    if got.get("total") != direct["total"]:
        problems.append(f"{label}: total {got.get('total')} != direct {direct['total']}")
    for facet in COMPARED_FACETS:
        if got.get(facet) != direct[facet]:
            problems.append(f"{label}: {facet} counts differ from the direct count")
    problems += [f"{label}: {key}" for key in got if "truncated" in key or key == "timed out"]
    return problems


@dataclass
class Latency:
    samples: list[float] = field(default_factory=list)

    def pct(self, p: float) -> float:
        if not self.samples:
            return math.nan
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)] * 1000


def single_client(port: int, paths: list[str], browser: Browser, seconds: float) -> Latency:
    latency = Latency()
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end or len(latency.samples) < 20:
        started = time.perf_counter()
        answer = browser.request("GET", paths[n % len(paths)])
        if answer.status != 200:
            raise RuntimeError(f"{paths[n % len(paths)]} answered {answer.status}")
        latency.samples.append(time.perf_counter() - started)
        n += 1
    return latency


def fresh_words(port: int, browser: Browser) -> Latency:
    """Each word searched once: no process has its matches yet (each of ours asks the full-text engine)."""
    latency = Latency()
    for word in FRESH_WORDS:
        started = time.perf_counter()
        answer = browser.request("GET", ours_path(word))
        if answer.status != 200:
            raise RuntimeError(f"{word} answered {answer.status}")
        latency.samples.append(time.perf_counter() - started)
    return latency


def after_change(database_url: str, port: int, paths: list[str], browser: Browser) -> Latency:
    """A record changes (as an approval would change it), then a search: the process that answers reads
    Find's index again and searches for the words again."""
    from sqlalchemy import create_engine, text

    from bench.service_setup import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(database_url))
    latency = Latency()
    for n in range(CHANGES):
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE records SET updated_at = updated_at WHERE id = :id"), {"id": n + 1}
            )
        started = time.perf_counter()
        answer = browser.request("GET", paths[n % len(paths)])
        if answer.status != 200:
            raise RuntimeError(f"after a change {paths[0]} answered {answer.status}")
        latency.samples.append(time.perf_counter() - started)
    engine.dispose()
    # Every process reads the index again before the throughput runs.
    single_client(port, paths, browser, 2)
    return latency


@dataclass
class Throughput:
    requests: int = 0
    seconds: float = 0.0
    errors: Counter = field(default_factory=Counter)
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else math.nan


def concurrent(
    port: int, paths: list[str], cookies: dict, seconds: float, pid: int, into: Throughput
) -> None:
    done = Counter()
    stop = threading.Event()

    def client(number: int) -> None:
        browser = Browser(port)
        browser.cookies = dict(cookies)
        n = number
        while not stop.is_set():
            try:
                answer = browser.request("GET", paths[n % len(paths)])
                done["ok" if answer.status == 200 else f"status {answer.status}"] += 1
            except OSError as error:
                done[type(error).__name__] += 1
            n += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    cpu_before = process_tree_cpu(pid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    into.seconds += time.perf_counter() - started
    into.cpu += process_tree_cpu(pid) - cpu_before
    into.requests += done.pop("ok", 0)
    into.errors.update(done)


# 5. Downloads.


def export_once(database_url: str, fmt: str, query: str) -> dict:
    """In this process: one download through the test client, read to the end. Prints its figures as JSON."""
    app = make_app(database_url)
    # Streamed, however many records: the worker's downloads are measured by bench/downloads.py.
    app.config.update(WTF_CSRF_ENABLED=False, FIND_DOWNLOAD_WORKER_ABOVE={})
    client = app.test_client()
    answer = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"signing in answered {answer.status_code}")
    # Signing in hashes a password with scrypt, which takes tens of MB for a moment: the peak is reset after
    # it (Linux: writing 5 to clear_refs resets VmHWM), so that it is the download's alone.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = _rss_mb()
    started = time.perf_counter()
    response = client.get(f"/find/download.{fmt}?{query}", buffered=False)
    size, rows = 0, 0
    for chunk in response.response:
        size += len(chunk)
        if fmt == "csv":
            rows += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    response.close()
    elapsed = time.perf_counter() - started
    peak = _status_mb("VmHWM")
    return {
        "seconds": elapsed,
        "bytes": size,
        "rows": rows - 1 if rows else None,
        "baseline_mb": baseline,
        "peak_mb": peak,
    }


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return math.nan


def export_in_subprocess(database_url: str, fmt: str, query: str) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench.find",
        "--export",
        fmt,
        "--export-query",
        query,
        "--url",
        database_url,
    ]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(output.stdout.strip().splitlines()[-1])


def visible_counts(database_url: str) -> dict:
    from sqlalchemy import create_engine, text

    from bench.service_setup import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as connection:
        total = connection.execute(
            text("SELECT count(*) FROM records WHERE sharing IN ('public', 'sector')")
        ).scalar()
        region = connection.execute(
            text(
                "SELECT o.region, count(*) FROM records r JOIN organisations o ON o.id = r.organisation_id "
                "WHERE r.sharing IN ('public', 'sector') GROUP BY o.region "
                "ORDER BY abs(count(*) - :ten) LIMIT 1"
            ),
            {"ten": 10_000 * total / RECORDS if RECORDS < 100_000 else 10_000},
        ).first()
    engine.dispose()
    return {"total": total, "region": region[0], "region_count": region[1]}


# The run.


@dataclass
class Run:
    database: str
    generation: dict = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    match_share: float = math.nan
    single: Latency = field(default_factory=Latency)
    datasette_single: Latency = field(default_factory=Latency)
    fresh_words: Latency = field(default_factory=Latency)
    after_change: Latency = field(default_factory=Latency)
    ours: Throughput = field(default_factory=Throughput)
    theirs: Throughput = field(default_factory=Throughput)
    problems: list[str] = field(default_factory=list)
    exports: dict = field(default_factory=dict)
    visible: dict = field(default_factory=dict)
    queries: int | None = None

    @property
    def ratio(self) -> float:
        return self.ours.rate / self.theirs.rate if self.theirs.rate else math.nan


def run_database(kind: str, args: argparse.Namespace) -> Run:
    run = Run(kind)
    with (
        tempfile.TemporaryDirectory(prefix="bench-find-") as tmp,
        fresh_database(kind, Path(tmp), args.postgresql_url) as url,
        ExitStack() as stack,
    ):
        workdir = Path(tmp)
        say(f"[{kind}] generating {RECORDS:,} records")
        run.generation = generate(url, RECORDS)
        say(
            f"[{kind}] generated in {run.generation['total_s']:.1f} s; "
            "copying the visible records for Datasette"
        )
        copy = workdir / "bench.db"
        run.words, direct = datasette_copy(url, copy)
        run.visible = visible_counts(url)
        run.match_share = sum(direct[w]["total"] for w in run.words) / len(run.words) / RECORDS
        run.queries = count_queries(url, run.words[0])
        ours = stack.enter_context(
            gunicorn(
                "ours",
                "wsgi:app",
                database_url=url,
                ready_path="/health",
                workers=Workers(4, 4),
                workdir=workdir,
            )
        )
        theirs = stack.enter_context(datasette(copy, workdir))
        browser = signed_in_browser(ours.port)
        ours_paths = [ours_path(w) for w in run.words]
        their_paths = [datasette_path(w) for w in run.words]
        for word, path, their in zip(run.words, ours_paths, their_paths, strict=True):
            run.problems += compare(
                f"ours {word!r}", ours_counts(browser.request("GET", path).body), direct[word]
            )
            answer = Browser(theirs.port).request("GET", their)
            run.problems += compare(f"Datasette {word!r}", datasette_counts(answer.body), direct[word])
        say(f"[{kind}] words {run.words}, {100 * run.match_share:.0f}% of all records each; single client")
        single_client(ours.port, ours_paths, browser, 2)  # warm-up
        run.single = single_client(ours.port, ours_paths, browser, args.duration / 2)
        single_client(theirs.port, their_paths, Browser(theirs.port), 2)
        run.datasette_single = single_client(
            theirs.port, their_paths, Browser(theirs.port), args.duration / 2
        )
        say(f"[{kind}] words not searched before, and the first search after a change")
        run.fresh_words = fresh_words(ours.port, browser)
        run.after_change = after_change(url, ours.port, ours_paths, browser)
        say(f"[{kind}] {CLIENTS} concurrent clients, {args.slices} alternating slices")
        for _ in range(args.slices):
            concurrent(
                ours.port,
                ours_paths,
                browser.cookies,
                args.duration / args.slices,
                ours.process.pid,
                run.ours,
            )
            concurrent(
                theirs.port, their_paths, {}, args.duration / args.slices, theirs.process.pid, run.theirs
            )
        stack.close()
        log = ours.log.read_text(errors="replace")
        if "Traceback" in log:
            run.problems.append("our server logged a traceback")
        say(f"[{kind}] downloads")
        for label, query in (("region", urlencode({"region": run.visible["region"]})), ("all", "")):
            for fmt in ("csv", "xlsx", "json"):
                run.exports[(label, fmt)] = export_in_subprocess(url, fmt, query)
    return run


def count_queries(database_url: str, word: str) -> int:
    """The SQL statements of one search page, signed in (Flask's test client), once this process has read
    Find's index and searched for the word (the first page after a change also reads the index)."""
    from sqlalchemy import event

    from app.extensions import db

    app = make_app(database_url)
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:
        statements.append(1)

    client.get(ours_path(word))
    event.listen(engine, "before_cursor_execute", count)
    client.get(ours_path(word))
    event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        db.engine.dispose()
    return len(statements)


def report(runs: list[Run], args: argparse.Namespace) -> str:
    lines = [
        f"Find at scale: {RECORDS:,} records; ours under gunicorn -w 4 -k gthread --threads 4, Datasette "
        f"(one process) beside it; {os.cpu_count()} CPUs shared by both, the load generator and the database",
        "",
        "| db | words (share of records) | ours p50 / p95 ms | Datasette p50 / p95 ms | ours req/s "
        "| Datasette req/s | ours/Datasette | server CPU ms/req, ours / Datasette | queries per page "
        "| counts |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        counts = "complete, equal to direct counts" if not run.problems else "; ".join(run.problems)
        ours_cpu = 1000 * run.ours.cpu / run.ours.requests if run.ours.requests else math.nan
        their_cpu = 1000 * run.theirs.cpu / run.theirs.requests if run.theirs.requests else math.nan
        lines.append(
            f"| {run.database} | {', '.join(run.words)} ({100 * run.match_share:.0f}%) | "
            f"{run.single.pct(50):.1f} / {run.single.pct(95):.1f} | "
            f"{run.datasette_single.pct(50):.1f} / {run.datasette_single.pct(95):.1f} | "
            f"{run.ours.rate:.1f} | {run.theirs.rate:.1f} | {run.ratio:.2f} | "
            f"{ours_cpu:.0f} / {their_cpu:.0f} | {run.queries} | {counts} |"
        )
    lines += [
        "",
        f"Ours, cold: {len(FRESH_WORDS)} words searched once each (no process has their matches), and "
        f"{CHANGES} searches each straight after a record changed (the answering process reads the index "
        "again and searches again):",
        "",
        "| db | new words p50 / p95 / max ms | after a change p50 / max ms |",
        "|---|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.database} | {run.fresh_words.pct(50):.0f} / {run.fresh_words.pct(95):.0f} / "
            f"{run.fresh_words.pct(100):.0f} | "
            f"{run.after_change.pct(50):.0f} / {run.after_change.pct(100):.0f} |"
        )
    lines += [
        "",
        "| db | download | records | CSV s / peak MB | XLSX s / peak MB | JSON s / peak MB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        for label in ("region", "all"):
            count = run.visible["region_count"] if label == "region" else run.visible["total"]
            cells = [
                f"{run.exports[(label, f)]['seconds']:.1f} / {run.exports[(label, f)]['peak_mb']:.0f}"
                for f in ("csv", "xlsx", "json")
            ]
            name = f"one region ({run.visible['region']})" if label == "region" else "every visible record"
            lines.append(f"| {run.database} | {name} | {count:,} | {' | '.join(cells)} |")
    lines += [
        "",
        "Peak RSS is the whole subprocess's (Python, the app, its libraries); before the download each had "
        + ", ".join(
            f"{min(e['baseline_mb'] for e in run.exports.values()):.0f}-"
            f"{max(e['baseline_mb'] for e in run.exports.values()):.0f} MB ({run.database})"
            for run in runs
        ),
    ]
    lines += [
        "",
        "Generation: "
        + "; ".join(
            f"{run.database} {run.generation['total_s']:.0f} s (inserts {run.generation['insert_s']:.0f} s, "
            f"index and analyse {run.generation['index_s']:.0f} s)"
            for run in runs
        ),
    ]
    lines += [
        "",
        f"Targets: single-client p95 < {TARGET_P95_MS:g} ms; ours/Datasette >= {TARGET_RATIO:g} at "
        f"{CLIENTS} clients; counts complete; downloads' peak RSS < {TARGET_EXPORT_MB:g} MB, flat with size",
    ]
    for run in runs:
        peaks = {
            label: max(run.exports[(label, f)]["peak_mb"] for f in ("csv", "xlsx", "json"))
            for label in ("region", "all")
        }
        checks = [
            (run.single.pct(95) < TARGET_P95_MS, f"p95 {run.single.pct(95):.1f} ms"),
            (run.ratio >= TARGET_RATIO, f"ratio {run.ratio:.2f}"),
            (not (run.problems or run.ours.errors or run.theirs.errors), "counts complete, no errors"),
            (peaks["all"] < TARGET_EXPORT_MB and peaks["all"] < peaks["region"] * 1.25,
             f"download peak {peaks['region']:.0f} MB at ~10k, {peaks['all']:.0f} MB at all"),
        ]  # fmt: skip
        lines.append(
            f"  {run.database}: " + "; ".join(f"{text} {'met' if ok else 'NOT MET'}" for ok, text in checks)
        )
        if run.ours.errors or run.theirs.errors:
            lines.append(f"  errors: ours {dict(run.ours.errors)}, Datasette {dict(run.theirs.errors)}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.find", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per server (default 20)")
    parser.add_argument("--slices", type=int, default=4, help="alternating slices of each (default 4)")
    parser.add_argument("--postgresql-url", default=POSTGRESQL_SERVER)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    # Internal: one download in a subprocess of its own, for its peak memory.
    parser.add_argument("--export", help=argparse.SUPPRESS)
    parser.add_argument("--export-query", default="", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.export:
        print(json.dumps(export_once(args.url, args.export, args.export_query)))
        return 0
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    runs = [run_database(kind, args) for kind in kinds]
    print(report(runs, args))
    if args.json:
        figures = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "records": RECORDS,
            "runs": [
                {
                    "database": r.database,
                    "generation": r.generation,
                    "words": r.words,
                    "single_ms": {"p50": r.single.pct(50), "p95": r.single.pct(95)},
                    "datasette_single_ms": {
                        "p50": r.datasette_single.pct(50),
                        "p95": r.datasette_single.pct(95),
                    },
                    "fresh_words_ms": {"p50": r.fresh_words.pct(50), "p95": r.fresh_words.pct(95)},
                    "after_change_ms": {"p50": r.after_change.pct(50), "max": r.after_change.pct(100)},
                    "ours_rps": r.ours.rate,
                    "datasette_rps": r.theirs.rate,
                    "ratio": r.ratio,
                    "problems": r.problems,
                    "queries_per_page": r.queries,
                    "exports": {f"{k[0]} {k[1]}": v for k, v in r.exports.items()},
                }
                for r in runs
            ],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
