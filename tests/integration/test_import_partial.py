"""A partial response (some answers, required ones missing) comes in as an incomplete record: marked so on the
check page and on the record page, its missing answers left empty, nothing invented."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ImportBatch, ImportedProject, Record
from app.services.imports import batches
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.conftest import csrf_token, sign_in

TITLE = "Collaboration return 2017"
MISSING = {"summary": "summary", "stage": "stage", "start_date": "start", "pilot": "pilot", "cost": "cost"}


@pytest.fixture
def admin(app):
    load_seed_organisations()
    db.session.commit()
    return factories.administrator(email="ada@example.org")


@pytest.fixture(scope="module")
def responses():
    return history.generate(320, seed=2017)


def test_a_partial_response_comes_in_as_an_incomplete_record_with_nothing_invented(
    runner, admin, responses, tmp_path
):
    path = tmp_path / "export.csv"
    path.write_bytes(history.expanded_csv(responses))
    result = runner.invoke(
        args=["import", "responses", str(path), "--year", "2017", "--round-title", TITLE, "--json"]
    )
    assert result.exit_code == 0, result.output
    partial = [n for n, r in enumerate(responses, start=1) if r.kind == "partial"]
    complete = next(n for n, r in enumerate(responses, start=1) if r.kind == "project" and r.date_readable)

    imported = {p.row_number: p for p in db.session.scalars(select(ImportedProject))}
    assert set(partial) <= set(imported), json.loads(result.output)["rows_skipped"]
    for row in partial:
        answers = imported[row].submission.answers
        assert not set(MISSING) & set(answers)  # left empty, never invented
        assert set(MISSING) <= set(answers["_imported"]["incomplete"])
        assert answers["project_name"] == " ".join(responses[row - 1].cells["name"].split())
    assert "incomplete" not in imported[complete].submission.answers.get("_imported", {})
    from app.services.submissions.history import timeline

    note = timeline(imported[partial[0]].submission)[0].note
    assert note.startswith(f"From export.csv, row {partial[0]} (incomplete: ")
    assert "required answers missing)" in note


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_the_check_page_counts_incomplete_responses_and_the_record_page_marks_them(client, admin, responses):
    sign_in(client, admin.email, factories.PASSWORD)
    form = {
        "csrf_token": csrf_token(client, "/admin/imports/new"),
        "round_title": TITLE,
        "year": "2017",
        "mode": "records",
        "responses": (io.BytesIO(history.condensed_csv(responses)), "export.csv"),
    }
    location = client.post("/admin/imports/new", data=form, content_type="multipart/form-data").headers[
        "Location"
    ]
    batches.run_pending()
    partial = [n for n, r in enumerate(responses, start=1) if r.kind == "partial"]

    page = client.get(location).text
    report = db.session.scalar(select(ImportBatch)).report
    incomplete = [r["row"] for r in report["ready"] if r["incomplete"]]
    assert set(partial) <= set(incomplete)
    word = "leaves" if len(incomplete) == 1 else "leave"
    assert f"{len(incomplete)} of them {word} required questions empty and will come in as incomplete" in page
    assert "Incomplete</strong>" in page

    answers = {"csrf_token": csrf_token(client, location), "skip": [str(r["row"]) for r in report["skipped"]]}
    assert client.post(f"{location}/confirm", data=answers).status_code == 302
    assert "projects imported" in batches.run_pending()
    project = db.session.scalar(select(ImportedProject).filter_by(row_number=partial[0]))
    record = db.session.scalar(select(Record).filter_by(submission_id=project.submission_id))
    page = client.get(f"/find/records/{record.id}").text
    assert "Incomplete</strong> Imported without" in page
    assert "which the source file left empty: Project summary, Collaboration themes, Stage" in page
    assert f"export.csv, row {partial[0]} (incomplete)" in client.get("/find/download.csv").text
