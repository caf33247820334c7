"""Find under a realistic mix of searches, beside Datasette: many different words, filters and match rates.

    .venv/bin/python -m bench.find_mix                       # both databases, 10,000 and 100,000 records
    .venv/bin/python -m bench.find_mix --db sqlite --records 10000 --duration 20

bench/find.py searches a few words again and again (its figures are the repeated-search line); real readers
search many different words with different filters. The mix (our own generator, SEED):

- WORD_SETS distinct word sets drawn from the records' own words (an FTS5 vocabulary of the Datasette copy,
  without stemming), their match rates spread evenly from 0.1% to 40% of the records a reader may see;
  30% one word and 70% two words;
- REQUESTS requests over them (each set at least once); a third with one or two filters (region, stage,
  theme); 5% ask for page 2 (Datasette: the first 40 rows, as it pages by keyset);
- the fresh single-client series walks the mix once, ours and Datasette in turn for each search, so that
  nearly every search is one neither has seen; p50/p95 overall and p95 by match-rate band;
- throughput: CLIENTS concurrent clients, each walking the mix in its own shuffled order, ours and Datasette
  in alternating slices of the same run (gunicorn -w 4 -k gthread --threads 4, as bench/find.py).
"""

from __future__ import annotations

import argparse
import math
import random
import sqlite3
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.find import (
    Latency,
    datasette,
    datasette_copy,
    generate,
    ours_counts,
    say,
    signed_in_browser,
)
from bench.load import Browser
from bench.server import POSTGRESQL_SERVER, Workers, fresh_database, gunicorn, process_tree_cpu

SEED = 20261207
WORD_SETS = 820
REQUESTS = 1000
CLIENTS = 10
BANDS = ((0.001, 0.01), (0.01, 0.05), (0.05, 0.15), (0.15, 0.40))
FILTERS = ("region", "stage", "themes")


@dataclass(frozen=True)
class Search:
    words: tuple[str, ...]
    rate: float  # share of the visible records the words match (without filters)
    filters: tuple[tuple[str, str], ...] = ()
    page: int = 1

    def ours(self) -> str:
        return "/find?" + urlencode([("q", " ".join(self.words)), *self.filters, *self._page()])

    def _page(self) -> list[tuple[str, str]]:
        return [("page", "2")] if self.page == 2 else []

    def datasette(self) -> str:
        expression = " ".join(f'"{word}"*' for word in self.words)
        parameters = [("_search", expression), ("_searchmode", "raw")]
        for name, value in self.filters:
            parameters.append(("themes__arraycontains" if name == "themes" else name, value))
        parameters += [("_facet", "region"), ("_facet", "stage"), ("_facet_array", "themes")]
        parameters += [("_facet_size", "max"), ("_size", "40" if self.page == 2 else "20")]
        return "/bench/records.json?" + urlencode(parameters)


def band_of(rate: float) -> str:
    for low, high in BANDS:
        if rate < high:
            return f"{low * 100:g}-{high * 100:g}%"
    return f"{BANDS[-1][0] * 100:g}-{BANDS[-1][1] * 100:g}%"


def make_mix(path: Path, seed: int = SEED) -> list[Search]:
    """The mix, from the Datasette copy at `path` (records, records_fts)."""
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS mix_words USING fts5(name, search_text, content='records', "
        "content_rowid='id', tokenize='unicode61')"
    )
    connection.execute("INSERT INTO mix_words(mix_words) VALUES ('rebuild')")
    connection.execute("CREATE VIRTUAL TABLE IF NOT EXISTS mix_vocab USING fts5vocab(mix_words, 'row')")
    total = connection.execute("SELECT count(*) FROM records").fetchone()[0]
    vocabulary = [
        (term, documents / total)
        for term, documents in connection.execute("SELECT term, doc FROM mix_vocab")
        if term.isalpha() and len(term) >= 4 and documents / total <= 0.9
    ]

    def matched(words: tuple[str, ...]) -> float:
        expression = " ".join(f'"{word}"*' for word in words)
        (count,) = connection.execute(
            "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?", (expression,)
        ).fetchone()
        return count / total

    sets: dict[tuple[str, ...], float] = {}
    attempts = 0
    while len(sets) < WORD_SETS and attempts < WORD_SETS * 200:
        attempts += 1
        target = rng.uniform(BANDS[0][0], BANDS[-1][1])
        ones = sum(1 for words in sets if len(words) == 1)
        if ones < 0.3 * len(sets) or (ones < 0.3 * WORD_SETS and attempts % 3 == 0):
            # The word whose match rate is nearest the target, among a few at random.
            candidates = [
                item for item in rng.sample(vocabulary, min(200, len(vocabulary))) if (item[0],) not in sets
            ]
            nearest = min(candidates, key=lambda item: abs(math.log(item[1] / target)), default=None)
            words: tuple[str, ...] = (nearest[0],) if nearest else ()
        else:
            first = [term for term, rate in vocabulary if target <= rate <= min(0.9, target * 4)]
            second = [term for term, rate in vocabulary if rate >= 0.25]
            words = (rng.choice(first), rng.choice(second)) if first and second else ()
        if not words or words in sets or len(set(words)) != len(words):
            continue
        rate = matched(words)
        if BANDS[0][0] <= rate <= BANDS[-1][1]:
            sets[words] = rate
    values = {
        name: [row[0] for row in connection.execute(sql)]
        for name, sql in (
            ("region", "SELECT DISTINCT region FROM records"),
            ("stage", "SELECT DISTINCT stage FROM records"),
            ("themes", "SELECT DISTINCT j.value FROM records, json_each(records.themes) j"),
        )
    }
    connection.close()
    chosen = list(sets.items())
    chosen += [rng.choice(chosen) for _ in range(REQUESTS - len(chosen))]
    mix = []
    for words, rate in chosen:
        filters: tuple[tuple[str, str], ...] = ()
        if rng.random() < 1 / 3:
            names = rng.sample(FILTERS, rng.choice((1, 2)))
            filters = tuple((name, str(rng.choice(values[name]))) for name in sorted(names))
        mix.append(Search(words, rate, filters, 2 if rng.random() < 0.05 else 1))
    rng.shuffle(mix)
    return mix


@dataclass
class Series:
    latency: Latency = field(default_factory=Latency)
    by_band: dict[str, Latency] = field(default_factory=dict)
    errors: int = 0
    count_problems: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0

    def add(self, search: Search, seconds: float) -> None:
        self.latency.samples.append(seconds)
        self.by_band.setdefault(band_of(search.rate), Latency()).samples.append(seconds)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else math.nan


def timed(browser: Browser, path: str) -> tuple[float, int]:
    seconds, answer = timed_answer(browser, path)
    return seconds, answer.status


def timed_answer(browser: Browser, path: str):
    started = time.perf_counter()
    answer = browser.request("GET", path)
    return time.perf_counter() - started, answer


def fresh_series(
    mix: list[Search], ours: Browser, other: Browser, copy: Path, database_url: str | None = None
) -> dict[str, Series]:
    """The mix walked once by one client, ours and Datasette in turn for each search; each of our pages'
    total and region, stage and theme counts are then compared with plain SQL: over the copy (FTS5 with the
    porter stemmer, as our SQLite index), or on PostgreSQL over its own records with the same text search
    (whose English configuration leaves out stop words such as "than", which FTS5 does not)."""
    series = {"ours": Series(), "datasette": Series()}
    pages = []
    for number, search in enumerate(mix):
        turns = (("ours", ours, search.ours()), ("datasette", other, search.datasette()))
        for name, browser, path in turns if number % 2 == 0 else reversed(turns):
            seconds, answer = timed_answer(browser, path)
            series[name].add(search, seconds)
            series[name].errors += answer.status != 200
            if name == "ours" and answer.status == 200:
                pages.append((search, answer.body))
    series["ours"].count_problems = (
        check_counts_postgresql(database_url, pages) if database_url else check_counts(copy, pages)
    )
    return series


def check_counts_postgresql(database_url: str, pages: list[tuple[Search, bytes]]) -> list[str]:
    """As check_counts, with plain SQL on the PostgreSQL database: the records a signed-in reader may read."""
    from sqlalchemy import create_engine, text

    from bench.service_setup import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(database_url))
    problems = []
    with engine.connect() as connection:
        for search, body in pages:
            where = [
                "sharing IN ('public', 'sector')",
                "records.id IN (SELECT record_id FROM record_search_vectors "
                "WHERE search_vector @@ to_tsquery('english', :e))",
            ]
            params: dict[str, str] = {"e": " & ".join(f"{word}:*" for word in search.words)}
            for name, value in search.filters:
                params[name] = value
                where.append(f"(facets::jsonb -> '{name}') ? :{name}")
            condition = " AND ".join(where)
            found = f"SELECT count(*) FROM records WHERE {condition}"  # noqa: S608 (fixed names only)
            direct: dict = {"total": connection.execute(text(found), params).scalar()}
            for facet in ("region", "stage", "themes"):
                values = f"jsonb_array_elements_text(facets::jsonb -> '{facet}') v"
                sql = f"SELECT v, count(*) FROM records, {values} WHERE {condition} GROUP BY v"  # noqa: S608
                direct[facet] = {str(k): n for k, n in connection.execute(text(sql), params)}
            problems += _differences(search, body, direct)
    engine.dispose()
    return problems


def _differences(search: Search, body: bytes, direct: dict) -> list[str]:
    got = ours_counts(body)
    for key in ("region", "stage", "themes"):  # a ticked filter is listed even when none has it
        got[key] = {value: n for value, n in got.get(key, {}).items() if n}
    return [
        f"{search.ours()}: {key} {got[key]} != direct {direct[key]}"
        for key in ("total", "region", "stage", "themes")
        if got[key] != direct[key]
    ]


def check_counts(copy: Path, pages: list[tuple[Search, bytes]]) -> list[str]:
    """Where our pages' counts differ from plain SQL over the copy (complete counts, every filter value)."""
    connection = sqlite3.connect(copy)
    problems = []
    for search, body in pages:
        where = ["records.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH :e)"]
        params: dict[str, str] = {"e": " ".join(f'"{word}"*' for word in search.words)}
        for name, value in search.filters:
            params[name] = value
            if name == "themes":
                where.append("EXISTS (SELECT 1 FROM json_each(records.themes) t WHERE t.value = :themes)")
            else:
                where.append(f"records.{name} = :{name}")
        # Only fixed column names and named parameters go into the SQL.
        condition = " AND ".join(where)
        total_sql = f"SELECT count(*) FROM records WHERE {condition}"  # noqa: S608
        direct: dict = {"total": connection.execute(total_sql, params).fetchone()[0]}
        for facet in ("region", "stage"):
            sql = f"SELECT {facet}, count(*) FROM records WHERE {condition} GROUP BY {facet}"  # noqa: S608
            direct[facet] = {str(k): n for k, n in connection.execute(sql, params)}
        sql = (
            f"SELECT j.value, count(*) FROM records, json_each(records.themes) j WHERE {condition} GROUP BY 1"  # noqa: S608
        )
        direct["themes"] = {str(k): n for k, n in connection.execute(sql, params)}
        problems += _differences(search, body, direct)
    connection.close()
    return problems


def load_slice(
    port: int, cookies: dict, paths: list[tuple[Search, str]], seconds: float, pid: int, into: Series
):
    stop = threading.Event()
    lock = threading.Lock()

    def client(number: int) -> None:
        browser = Browser(port)
        browser.cookies = dict(cookies)
        order = list(paths)
        random.Random(SEED + number).shuffle(order)
        n = 0
        while not stop.is_set():
            search, path = order[n % len(order)]
            try:
                took, status = timed(browser, path)
            except OSError:
                took, status = 0.0, 0
            with lock:
                into.requests += 1
                into.errors += status != 200
                into.add(search, took)
            n += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    cpu_before, started = process_tree_cpu(pid), time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    into.seconds += time.perf_counter() - started
    into.cpu += process_tree_cpu(pid) - cpu_before


def run_database(kind: str, records: int, args: argparse.Namespace) -> dict:
    with (
        tempfile.TemporaryDirectory(prefix="bench-mix-") as tmp,
        fresh_database(kind, Path(tmp), args.postgresql_url) as url,
        ExitStack() as stack,
    ):
        workdir = Path(tmp)
        say(f"[{kind}] generating {records:,} records")
        generate(url, records)
        copy = workdir / "bench.db"
        datasette_copy(url, copy)
        mix = make_mix(copy)
        say(f"[{kind}] mix of {len(mix)} requests over {len({s.words for s in mix})} word sets")
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
        other = stack.enter_context(datasette(copy, workdir))
        browser = signed_in_browser(ours.port)
        fresh = fresh_series(
            mix, browser, Browser(other.port), copy, database_url=url if kind == "postgresql" else None
        )
        say(f"[{kind}] fresh series done; throughput, {args.slices} slices each")
        loaded = {"ours": Series(), "datasette": Series()}
        slice_seconds = args.duration / args.slices
        for _ in range(args.slices):
            load_slice(
                ours.port,
                browser.cookies,
                [(s, s.ours()) for s in mix],
                slice_seconds,
                ours.process.pid,
                loaded["ours"],
            )
            load_slice(
                other.port,
                {},
                [(s, s.datasette()) for s in mix],
                slice_seconds,
                other.process.pid,
                loaded["datasette"],
            )
        return {"database": kind, "records": records, "fresh": fresh, "loaded": loaded}


def report(results: list[dict]) -> str:
    lines = [
        f"Find, realistic mix ({REQUESTS} requests, {WORD_SETS} word sets, seed {SEED})",
        "",
        "| records | db | app | req/s (10 clients) | p50 / p95 ms | CPU ms/req "
        "| fresh single client p50 / p95 ms | fresh p95 by match rate ms | errors |",
        "|---:|---|---|---:|---|---:|---|---|---:|",
    ]
    verdicts = []
    for result in results:
        size, kind = result["records"], result["database"]
        for app in ("ours", "datasette"):
            loaded, fresh = result["loaded"][app], result["fresh"][app]
            bands = ", ".join(
                f"{band}: {fresh.by_band[band].pct(95):.0f}"
                for band in (band_of(low) for low, _ in BANDS)
                if band in fresh.by_band
            )
            cpu = loaded.cpu / loaded.requests * 1000 if loaded.requests else math.nan
            lines.append(
                f"| {size:,} | {kind} | {app} | {loaded.rate:.1f} | {loaded.latency.pct(50):.0f} / "
                f"{loaded.latency.pct(95):.0f} | {cpu:.1f} | {fresh.latency.pct(50):.0f} / "
                f"{fresh.latency.pct(95):.0f} | {bands} | {loaded.errors + fresh.errors} |"
            )
        ours, other = result["loaded"]["ours"], result["loaded"]["datasette"]
        ratio = ours.rate / other.rate if other.rate else math.nan
        lines.append(f"| {size:,} | {kind} | ours / Datasette | **{ratio:.2f}** | | | | | |")
        verdicts += targets(size, kind, ratio, result)
    return "\n".join([*lines, "", "Targets (issue: Fast for real users):", *verdicts])


def targets(size: int, kind: str, ratio: float, result: dict) -> list[str]:
    """Each target of the mix, met or not, for one run."""
    ours, other = result["loaded"]["ours"], result["loaded"]["datasette"]
    fresh = result["fresh"]["ours"]
    wanted_ratio = 5.0 if size >= 100_000 else 2.0
    wanted_p95 = other.latency.pct(95) if size >= 100_000 else 100.0
    checks = [
        (f"throughput at least {wanted_ratio:g} x Datasette's", ratio >= wanted_ratio, f"{ratio:.2f} x"),
        (
            f"p95 at 10 clients below {wanted_p95:.0f} ms",
            ours.latency.pct(95) < wanted_p95,
            f"{ours.latency.pct(95):.0f} ms",
        ),
        ("fresh single-client p95 under 50 ms", fresh.latency.pct(95) < 50, f"{fresh.latency.pct(95):.0f}"),
        ("no errors", ours.errors + fresh.errors == 0, f"{ours.errors + fresh.errors}"),
        (
            "counts complete and equal to direct counts",
            not fresh.count_problems,
            f"{len(fresh.count_problems)} pages differ" + "".join(f"; {p}" for p in fresh.count_problems[:3]),
        ),
    ]
    return [f"- {size:,} {kind}: {name}: {'met' if met else 'NOT met'} ({got})" for name, met, got in checks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.find_mix", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=float, default=40, help="seconds of load per server (default 40)")
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--postgresql-url", default=POSTGRESQL_SERVER)
    parser.add_argument(
        "--records", default="10000,100000", help="record counts, comma-separated (default 10000,100000)"
    )
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    sizes = [int(size) for size in args.records.split(",")]
    results = [run_database(kind, size, args) for size in sizes for kind in kinds]
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
