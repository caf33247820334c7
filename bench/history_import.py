"""History imports at scale, and the duplicate scorer's precision and recall.

    .venv/bin/python -m bench.history_import --db both --rows 5000

1. Check and import: a messy SurveyMonkey export of ROWS responses (bench/surveymonkey_history.py) checked
   (every row read, organisations matched, duplicates scored against each other and the records) and then
   imported as approved records, on a fresh database of each kind. Targets: check under 10 s, import under
   30 s, with the progress callback called as rows go. The baseline in the same run is reading the same file
   with the csv module alone.
2. Duplicates: precision and recall of the likely pairs the check offers, on labelled exports of 320
   responses made with several seeds (pairs and triples of one project sent by different partners in their own
   words, look-alikes of the same town and theme that are different projects; test and blank responses left
   out, as the check leaves them out).
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from pathlib import Path

from bench import surveymonkey_history as history
from bench.server import POSTGRESQL_SERVER, fresh_database

SEEDS = (2017, 1, 2, 3, 4)


def measure_import(kind: str, rows: int) -> dict[str, float]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import ImportMode
    from app.services.imports import batches, responses, writing
    from app.services.organisations.files import load_seed_organisations
    from tests import factories

    data = history.expanded_csv(history.generate(rows, seed=5))
    started = time.perf_counter()
    sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    baseline = time.perf_counter() - started
    with (
        tempfile.TemporaryDirectory() as workdir,
        fresh_database(kind, Path(workdir), POSTGRESQL_SERVER) as url,
    ):
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None)
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            load_seed_organisations()
            admin = factories.administrator(email="bench@example.org")
            db.session.commit()
            calls = []
            started = time.perf_counter()
            round_ = responses.history_round("Collaboration return 2017", 2017, by=admin)
            prepared = responses.prepare(data, "export.csv", None, round_, ImportMode.RECORDS)
            report, outcomes = responses.check(prepared, progress=calls.append)
            checked = time.perf_counter() - started
            started = time.perf_counter()
            batch = batches.record_cli_batch(
                prepared,
                data=data,
                file_name="export.csv",
                mapping_text="",
                mapping_name="proposed",
                by=admin,
            )
            count = writing.write(prepared, outcomes, batch=batch, by=admin, progress=calls.append)
            batches.finish(batch, report, count, by=admin)
            db.session.commit()
            imported = time.perf_counter() - started
            db.session.remove()
    return {
        "rows": report.total,
        "imported": count,
        "check_s": checked,
        "import_s": imported,
        "csv_module_s": baseline,
        "progress_calls": len(calls),
    }


def precision_recall() -> dict[str, float]:
    from app.services.review.similarity import likely_pairs

    true_positive = false_positive = false_negative = 0
    for seed in SEEDS:
        made = history.generate(320, seed=seed)
        kept = [n for n, r in enumerate(made) if r.kind not in ("test", "blank")]
        truth = history.duplicate_pairs(made)
        pairs = likely_pairs(
            [made[n].cells.get("name", "") for n in kept], [made[n].cells.get("summary", "") for n in kept]
        )
        found = {frozenset((kept[p.first] + 1, kept[p.second] + 1)) for p in pairs}
        true_positive += len(found & truth)
        false_positive += len(found - truth)
        false_negative += len(truth - found)
    return {
        "pairs_labelled": true_positive + false_negative,
        "pairs_offered": true_positive + false_positive,
        "precision": true_positive / max(true_positive + false_positive, 1),
        "recall": true_positive / max(true_positive + false_negative, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args(argv)
    scores = precision_recall()
    print(
        f"duplicates: {scores['pairs_labelled']} labelled pairs in {len(SEEDS)} exports, "
        f"{scores['pairs_offered']} offered: "
        f"precision {scores['precision']:.2f}, recall {scores['recall']:.2f}"
    )
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        figures = measure_import(kind, args.rows)
        print(
            f"{kind}: {figures['rows']} rows checked in {figures['check_s']:.1f} s (target 10 s), "
            f"{figures['imported']} imported in {figures['import_s']:.1f} s (target 30 s); "
            f"reading the file with the csv module alone {figures['csv_module_s']:.2f} s "
            f"(check is {figures['check_s'] / figures['csv_module_s']:.0f}x that); "
            f"progress reported {figures['progress_calls']} times"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
