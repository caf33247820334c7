"""A row of a file that the check finds to be a record already published can be merged into that record: the
record keeps its answers, its empty ones are answered from the row, the row's other answers are kept with it
as given, and it says where they came from. Importing the same file again changes nothing."""

from __future__ import annotations

import copy
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, ImportBatch, ImportedProject, Record, Revision, Submission
from app.services.imports import batches
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.conftest import csrf_token, sign_in

TITLE = "Collaboration return 2017"


@pytest.fixture
def admin(app):
    load_seed_organisations()
    db.session.commit()
    return factories.administrator(email="ada@example.org")


@pytest.fixture(scope="module")
def files():
    """An earlier file of 30 projects, one of them told without other partners, and a later file whose first
    row is the same project sent by another partner, naming other partners and answering "pilot" otherwise."""
    responses = history.generate(320, seed=2017)
    first, second = sorted(sorted(pair) for pair in history.duplicate_pairs(responses))[0]
    earlier = copy.deepcopy(responses[first - 1])
    earlier.cells.update(other_partners="", pilot="Yes")
    later = copy.deepcopy(responses[second - 1])
    later.cells.update(other_partners="The county council", pilot="No")
    others = [r for n, r in enumerate(responses, start=1) if r.kind == "project" and n not in (first, second)]
    return history.condensed_csv([earlier, *others[:29]]), history.condensed_csv([later])


def upload(client, data: bytes, name: str) -> str:
    form = {
        "csrf_token": csrf_token(client, "/admin/imports/new"),
        "round_title": TITLE,
        "year": "2017",
        "mode": "records",
        "responses": (io.BytesIO(data), name),
    }
    response = client.post("/admin/imports/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    assert "checked" in batches.run_pending()
    return response.headers["Location"]


def confirm(client, location: str, answers: dict[str, str]) -> None:
    answers = {"csrf_token": csrf_token(client, location), **answers}
    assert client.post(f"{location}/confirm", data=answers).status_code == 302
    assert "projects imported" in batches.run_pending()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def latest_batch() -> ImportBatch:
    return db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_a_row_merged_into_the_existing_record_fills_its_gaps_and_keeps_the_rest_as_given(
    client, admin, files
):
    earlier, later = files
    sign_in(client, admin.email, factories.PASSWORD)
    confirm(client, upload(client, earlier, "earlier.csv"), {})
    record = db.session.scalar(
        select(Record)
        .join(ImportedProject, ImportedProject.submission_id == Record.submission_id)
        .where(ImportedProject.row_number == 1)
    )
    assert "other_partners" not in record.answers and record.answers["pilot"] == "yes"
    records, revisions = count(Record), count(Revision)

    location = upload(client, later, "later.csv")
    page = client.get(location).text
    assert "Row 1 may already be in the database" in page
    assert "Merge row 1 into the existing record" in page
    pairs = latest_batch().report["existing_duplicates"]
    number = next(n for n, pair in enumerate(pairs) if pair["record_id"] == record.id)
    confirm(client, location, {f"existing-{number}": "merge"})

    db.session.expire_all()
    assert count(Record) == records and count(Revision) == revisions + 1
    record = db.session.get(Record, record.id)
    assert record.answers["other_partners"] == "The county council"  # its gap answered from the row
    assert record.answers["pilot"] == "yes"  # its own answer kept
    merged = record.answers["_imported"]["merged"]
    assert merged == [{"file": "later.csv", "row": 1, "differing": merged[0]["differing"]}]
    assert merged[0]["differing"]["pilot"] == "No"  # the row's answer, as typed
    page = client.get(f"/find/records/{record.id}").text
    assert "Imported from earlier.csv, row 1. Merged with later.csv, row 1." in page
    assert "The county council" in page and "Pilot (in later.csv, row 1)" in page
    event = db.session.scalar(select(AuditEvent).filter_by(action="import.merged"))
    assert event.subject_id == record.submission_id and event.actor_id == admin.id
    assert event.details["row"] == 1 and "other_partners" in event.details["answered"]
    timeline = client.get(f"/review/{record.submission_id}").text
    assert "A row of an imported file merged into it" in timeline and "From later.csv, row 1" in timeline
    download = client.get("/find/download.csv").text
    assert "later.csv, row 1 (merged)" in download

    # The same file again: the merged row was imported before, and nothing changes.
    location = upload(client, later, "later.csv")
    report = latest_batch().report
    assert report["ready"] == [] and [r["row"] for r in report["already"]] == [1]
    assert "imported before" in client.get(location).text
    db.session.expire_all()
    assert count(Record) == records and count(Revision) == revisions + 1
    assert count(Submission) == records


@pytest.mark.commits
def test_keeping_only_the_existing_record_imports_nothing_of_the_row(client, admin, files):
    earlier, later = files
    sign_in(client, admin.email, factories.PASSWORD)
    confirm(client, upload(client, earlier, "earlier.csv"), {})
    records, revisions = count(Record), count(Revision)

    location = upload(client, later, "later.csv")
    pairs = latest_batch().report["existing_duplicates"]
    answers = {"csrf_token": csrf_token(client, location)}
    answers |= {f"existing-{n}": "existing" for n in range(len(pairs))}
    assert client.post(f"{location}/confirm", data=answers).status_code == 302
    batches.run_pending()

    assert count(Record) == records and count(Revision) == revisions
    assert db.session.scalar(select(AuditEvent).filter_by(action="import.merged")) is None
