"""Bringing in the history: a messy SurveyMonkey export (made by bench/surveymonkey_history.py) imported
with `flask import responses` without a mapping, against a real database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    ImportBatch,
    ImportedProject,
    OutboundEmail,
    Record,
    Round,
    RoundState,
    Submission,
)
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories

TITLE = "Collaboration return 2017"


@pytest.fixture
def admin(app):
    load_seed_organisations()
    db.session.commit()
    return factories.administrator(email="ada@example.org")


@pytest.fixture(scope="module")
def responses():
    return history.generate(320, seed=2017)


def run(runner, path: Path, *extra: str) -> dict:
    result = runner.invoke(
        args=["import", "responses", str(path), "--year", "2017", "--round-title", TITLE, "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("expanded.csv", lambda r: history.expanded_csv(r)),
        ("condensed.csv", lambda r: history.condensed_csv(r)),
        ("expanded.xlsx", lambda r: history.xlsx(r, condensed=False)),
        ("windows.csv", lambda r: history.expanded_csv(r, "cp1252")),
    ],
)
def test_a_messy_export_imports_without_a_mapping_into_a_closed_round(
    runner, admin, responses, tmp_path, name, make
):
    path = tmp_path / name
    path.write_bytes(make(responses))

    report = run(runner, path)

    skipped = {entry["row"] for entry in report["rows_skipped"]}
    tests_and_blanks = {n for n, r in enumerate(responses, start=1) if r.kind in ("test", "blank")}
    assert tests_and_blanks <= skipped  # rows are counted as responses: the first after the header is 1
    assert report["rows_read"] == len(responses)
    assert report["rows_imported"] == len(responses) - len(skipped)
    round_ = db.session.get(Round, report["round_id"])
    assert round_.title == TITLE and round_.state() == RoundState.CLOSED and round_.opens_at.year == 2017
    assert count(Record) == report["rows_imported"]

    # Free-text dates and bad emails are kept as given and reported, grouped by the row and column.
    unreadable = [n for n, r in enumerate(responses, start=1) if not r.date_readable and n not in skipped]
    date_warnings = {w["row"] for w in report["warnings"] if w["column"] == history.Q_START}
    assert set(unreadable) <= date_warnings
    assert any(w["value"] == "n/a" for w in report["warnings"])
    row = unreadable[0]
    project = db.session.scalar(select(ImportedProject).filter_by(row_number=row))
    answers = project.submission.answers
    assert "start_date" not in answers
    assert answers["_imported"]["as_given"]["start_date"] == responses[row - 1].cells["start"]

    # Organisations typed as abbreviations and former names are matched; the rest kept, never guessed.
    unmatched = {entry["value"] for entry in report["unmatched_organisations"]}
    assert unmatched <= set(history.UNMATCHED)
    assert "GMP" not in unmatched and "Hampshire Constabulary" not in unmatched

    # The labelled duplicate pairs are offered.
    truth = {p for p in history.duplicate_pairs(responses) if not p & skipped}
    found = {frozenset(p["rows"]) for p in report["duplicate_pairs"]}
    assert len(truth & found) / len(truth) >= 0.9

    # Importing the same file again changes nothing.
    again = run(runner, path)
    assert again["rows_imported"] == 0
    assert count(Record) == report["rows_imported"]


def test_imported_history_has_provenance_and_never_causes_a_reminder(runner, admin, responses, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(history.expanded_csv(responses))
    report = run(runner, path, "--as", "review")

    first = db.session.scalar(select(ImportedProject).order_by(ImportedProject.row_number))
    assert first.row_number >= 1 and first.batch.file_name == "export.csv"
    assert first.cells[history.Q_LEAD] == responses[first.row_number - 1].cells["lead"]
    assert first.submission.status.value == "submitted" and count(Record) == 0
    from app.services.submissions.history import timeline

    entry = timeline(first.submission)[0]
    assert entry.what == "Imported" and entry.note == f"From export.csv, row {first.row_number}"
    events = db.session.scalars(select(AuditEvent).filter_by(action="import.project")).all()
    assert len(events) == report["rows_imported"]
    assert events[0].details["row"] >= 1 and events[0].details["file_name"] == "export.csv"

    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert count(OutboundEmail) == 0
    assert count(Submission) == report["rows_imported"]


def test_a_dry_run_imports_nothing_and_leaves_no_round(runner, admin, responses, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(history.condensed_csv(responses))
    report = run(runner, path, "--dry-run")
    assert report["rows_imported"] == 0 and report["round_id"] is None
    assert count(Submission) == 0 and count(Round) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (b"Project,Summary\nA,B\n", "no column naming each project's lead organisation"),
        (",".join(f"c{i}" for i in range(10_000)).encode() + b"\n", "10,000 columns"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_clearly_and_changes_nothing(
    runner, admin, tmp_path, data, message
):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["import", "responses", str(path), "--year", "2017", "--round-title", TITLE])
    assert result.exit_code == 1
    assert message in result.output
    assert count(Round) == 0 and count(Submission) == 0


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_an_administrator_uploads_without_a_mapping_decides_on_the_check_page_and_imports(
    client, admin, responses
):
    from app.services.imports import batches
    from tests.conftest import csrf_token, sign_in

    sign_in(client, admin.email, factories.PASSWORD)
    token = csrf_token(client, "/admin/imports/new")
    data = {
        "csrf_token": token,
        "round_title": TITLE,
        "year": "2017",
        "mode": "records",
        "responses": (io.BytesIO(history.condensed_csv(responses)), "export.csv"),
    }
    response = client.post("/admin/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert "checked" in batches.run_pending()

    page = client.get(location).text
    assert "How each column is read" in page and "Values kept as given" in page
    assert "Summer 2013" in page or "TBC" in page or "2014/15" in page
    assert "Responses to skip" in page
    assert "may be the same project" in page
    mapping = client.get(f"{location}/mapping.yaml")
    assert mapping.status_code == 200 and "lead_organisation:" in mapping.text

    report = db.session.scalar(select(ImportBatch)).report
    first_pair = report["duplicate_pairs"][0]["rows"]
    unknown = report["unknown_names"][0] if report["unknown_names"] else None
    answers = {"csrf_token": csrf_token(client, location), "duplicate-0": "first"}
    answers["skip"] = [str(r["row"]) for r in report["skipped"]]
    if unknown and unknown["candidate_ids"]:
        answers["organisation-0"] = str(unknown["candidate_ids"][0])
    assert client.post(f"{location}/confirm", data=answers).status_code == 302
    assert "projects imported" in batches.run_pending()

    rows = set(db.session.scalars(select(ImportedProject.row_number)))
    assert first_pair[0] in rows and first_pair[1] not in rows
    assert len(rows) == len(report["ready"]) - 1
    if unknown and unknown["candidate_ids"]:
        chosen = db.session.scalar(select(ImportedProject).filter_by(row_number=unknown["rows"][0]))
        assert chosen.submission.organisation_id == unknown["candidate_ids"][0]
    assert "projects imported as approved records" in client.get(location).text

    # Provenance: the record page, its answers kept as given, and the downloads.
    odd = next(
        n
        for n, r in enumerate(responses, start=1)
        if not r.date_readable and n in rows and r.kind == "project"
    )
    project = db.session.scalar(select(ImportedProject).filter_by(row_number=odd))
    record = db.session.scalar(select(Record).filter_by(submission_id=project.submission_id))
    page = client.get(f"/find/records/{record.id}").text
    assert f"Imported from export.csv, row {odd}." in page
    assert "Answers kept as given" in page and responses[odd - 1].cells["start"] in page
    download = client.get("/find/download.csv").text
    assert "Imported from" in download and f"export.csv, row {odd}" in download


def test_an_open_round_is_never_used_for_history(client, admin, responses):
    from tests.conftest import csrf_token, sign_in
    from tests.records import a_round

    a_round("Collaboration return 2027")  # open now
    sign_in(client, admin.email, factories.PASSWORD)
    data = {
        "csrf_token": csrf_token(client, "/admin/imports/new"),
        "round_title": "Collaboration return 2027",
        "year": "2017",
        "mode": "records",
        "responses": (io.BytesIO(history.condensed_csv(responses)), "export.csv"),
    }
    page = client.post("/admin/imports/new", data=data, content_type="multipart/form-data")
    assert page.status_code == 200
    assert "history goes into a closed round of its own" in page.text
    assert count(ImportBatch) == 0 and count(Submission) == 0
