"""Importing earlier responses with a mapping of their own (the shipped example): the dry run, values kept as
given, idempotency, records or the review queue, the CLI and the administrator's upload pages, against a real
database. Imports without a mapping, of messy exports, are in test_history_import.py."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    ImportBatch,
    ImportedProject,
    ImportStatus,
    Organisation,
    Record,
    Round,
    Submission,
    SubmissionStatus,
)
from app.services.imports import batches as import_batches
from app.services.imports import responses as imports
from app.services.organisations.files import load_seed_organisations
from tests import factories
from tests.conftest import csrf_token, sign_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"
SURVEY = EXAMPLES / "surveymonkey-collaboration-2017.csv"
SURVEY_MAPPING = EXAMPLES / "surveymonkey-collaboration-2017.yaml"
OVERVIEW = EXAMPLES / "overview-2016.xlsx"
OVERVIEW_MAPPING = EXAMPLES / "overview-2016.yaml"
SURVEY_ROWS = 56
START_DATE = "Project start date"
LESSONS = "What are the key lessons learnt?"


TITLE = "Collaboration return 2017"


@pytest.fixture
def setting(app):
    load_seed_organisations()
    db.session.commit()
    admin = factories.administrator(email="ada@example.org")
    return TITLE, admin


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def survey_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SURVEY.read_text(encoding="utf-8-sig"))))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def cell(rows, row_number: int, question: str) -> tuple[int, int]:
    """(list index, column index) of a question's column in a spreadsheet row number."""
    return row_number - 1, rows[0].index(question)


def run_cli(runner, file: Path, mapping: Path = SURVEY_MAPPING, *extra: str):
    return runner.invoke(
        args=[
            "import",
            "responses",
            str(file),
            "--mapping",
            str(mapping),
            "--year",
            "2017",
            "--round-title",
            TITLE,
            "--by",
            "ada@example.org",
            *extra,
        ]
    )


def test_a_dry_run_reports_every_row_and_imports_nothing(runner, setting):
    result = run_cli(runner, SURVEY, SURVEY_MAPPING, "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"{SURVEY_ROWS} rows: {SURVEY_ROWS} to import, 0 skipped, 0 already imported" in result.output
    assert "Dry run: nothing was imported." in result.output
    assert count(Submission) == count(ImportBatch) == count(Round) == 0
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("import.%"))).all()


def test_records_are_published_with_their_source_and_importing_again_skips_them(runner, client, setting):
    _round, admin = setting
    result = run_cli(runner, SURVEY)

    assert result.exit_code == 0, result.output
    assert (
        f"Imported {SURVEY_ROWS} projects into Collaboration return 2017 as approved records."
        in result.output
    )
    assert count(Record) == SURVEY_ROWS
    kent = db.session.scalar(select(Organisation).filter_by(name="Kent Fire and Rescue Service"))
    # "Kent Fire & Rescue" in the file is the directory's organisation, through the mapping's alias.
    assert (
        db.session.scalar(select(func.count()).select_from(Submission).filter_by(organisation_id=kent.id)) > 0
    )
    assert {s.status for s in db.session.scalars(select(Submission))} == {SubmissionStatus.APPROVED}
    keys = db.session.scalars(select(ImportedProject.row_key)).all()
    assert len(set(keys)) == SURVEY_ROWS and all(key.isdigit() for key in keys)
    assert {p.source for p in db.session.scalars(select(ImportedProject))} == {
        "SurveyMonkey collaboration survey 2017"
    }
    event = db.session.scalar(select(AuditEvent).filter_by(action="import.completed"))
    assert event.actor_id == admin.id
    assert event.details["imported"] == SURVEY_ROWS
    assert event.details["file_hash"] == imports.file_hash(SURVEY.read_bytes())

    sign_in(client, "ada@example.org", factories.PASSWORD)
    found = client.get("/find?q=drone").text
    assert "shared drone unit" in found
    # A record says where it came from.
    record = db.session.scalar(select(Record).order_by(Record.id))
    page = client.get(f"/find/records/{record.id}").text
    row = db.session.scalar(select(ImportedProject.row_number).filter_by(submission_id=record.submission_id))
    assert f"Imported from {SURVEY.name}, row {row}." in page

    again = run_cli(runner, SURVEY)

    assert again.exit_code == 0, again.output
    assert f"0 to import, 0 skipped, {SURVEY_ROWS} already imported" in again.output
    assert "Nothing to import." in again.output
    assert count(Record) == SURVEY_ROWS


def test_a_value_that_does_not_fit_is_kept_as_given_and_an_unknown_organisation_is_never_guessed(
    runner, setting, tmp_path
):
    rows = survey_rows()
    i, j = cell(rows, 14, START_DATE)  # the 12th response, after two header rows
    rows[i][j] = "Spring 2016"
    lead = rows[0].index("Which organisation is leading this collaboration?")
    rows[20][lead] = "Devon Blue Light Partnership"
    rows[21][lead] = "Devon and Cornwall Constabulary"  # a name people use: matched
    file = write_csv(tmp_path / "survey.csv", rows)

    result = run_cli(runner, file)

    assert result.exit_code == 0, result.output
    assert "Project start date: 1 kept as given, like 'Spring 2016'" in result.output
    assert (
        "Organisation 'Devon Blue Light Partnership' (rows 19) matches none: kept as given." in result.output
    )
    assert count(Record) == SURVEY_ROWS
    spring = db.session.scalar(select(ImportedProject).filter_by(row_number=12)).submission
    assert "start_date" not in spring.answers
    assert spring.answers["_imported"]["as_given"]["start_date"] == "Spring 2016"
    unknown = db.session.scalar(select(ImportedProject).filter_by(row_number=19)).submission
    assert unknown.organisation.name == imports.UNMATCHED_NAME and not unknown.organisation.active
    assert unknown.answers["_imported"]["as_given"]["lead_organisation"] == "Devon Blue Light Partnership"
    devon = db.session.scalar(select(ImportedProject).filter_by(row_number=20)).submission
    assert devon.organisation.name == "Devon and Cornwall Police"


def test_a_blank_required_answer_is_left_unanswered_and_review_mode_waits_in_the_queue(
    runner, setting, tmp_path
):
    rows = survey_rows()
    i, j = cell(rows, 9, LESSONS)
    rows[i][j] = ""
    file = write_csv(tmp_path / "survey.csv", rows)

    result = run_cli(runner, file, SURVEY_MAPPING, "--as", "review")

    assert result.exit_code == 0, result.output
    waiting = db.session.scalars(select(Submission)).all()
    assert len(waiting) == SURVEY_ROWS and {s.status for s in waiting} == {SubmissionStatus.SUBMITTED}
    assert count(Record) == 0
    blank = db.session.scalar(select(ImportedProject).filter_by(row_number=7)).submission
    assert "lessons_learnt" not in blank.answers


def test_a_formula_is_kept_as_text_and_downloads_neutralise_it(runner, client, setting, tmp_path):
    rows = survey_rows()
    i, j = cell(rows, 3, LESSONS)
    rows[i][j] = '=HYPERLINK("http://x","click")'
    file = write_csv(tmp_path / "survey.csv", rows)

    assert run_cli(runner, file).exit_code == 0
    stored = db.session.scalar(
        select(Submission).join(ImportedProject).where(ImportedProject.row_key == rows[2][0])
    )
    assert stored.answers["lessons_learnt"] == '=HYPERLINK("http://x","click")'

    sign_in(client, "ada@example.org", factories.PASSWORD)
    download = client.get("/find/download.csv").get_data(as_text=True)
    assert '\'=HYPERLINK(""http://x"",""click"")' in download
    assert ",=HYPERLINK" not in download


# The administrator's pages ---------------------------------------------------------------------------------


def upload(client, round_, *, file=SURVEY, mapping=SURVEY_MAPPING, name=None, data=None, mode="records"):
    token = csrf_token(client, "/admin/imports/new")
    return client.post(
        "/admin/imports/new",
        data={
            "csrf_token": token,
            "round_title": round_,
            "year": "2017",
            "mode": mode,
            "responses": (io.BytesIO(data if data is not None else file.read_bytes()), name or file.name),
            "mapping": (io.BytesIO(mapping.read_bytes()), mapping.name),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_an_administrator_uploads_reads_the_dry_run_and_imports(client, setting):
    round_, _ = setting
    sign_in(client, "ada@example.org", factories.PASSWORD)
    assert "Imports" in client.get("/admin/imports").text

    response = upload(client, round_)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.fullmatch(r"/admin/imports/\d+", location)
    waiting = client.get(location).text
    assert "Waiting for the check to start" in waiting
    assert "Check progress" in waiting

    assert "checked" in import_batches.run_pending()
    report = client.get(location).text
    assert "Check the report for surveymonkey-collaboration-2017.csv" in report
    assert f"{SURVEY_ROWS} are ready to import" in report
    assert "Kent co-responding" in report or "co-responding" in report
    assert count(Submission) == 0  # nothing until confirmed

    token = csrf_token(client, location)
    assert client.post(f"{location}/confirm", data={"csrf_token": token}).status_code == 302
    assert "Waiting for the import to start" in client.get(location).text
    assert "projects imported" in import_batches.run_pending()

    done = client.get(location).text
    assert f"{SURVEY_ROWS} projects imported as approved records" in done
    assert count(Record) == SURVEY_ROWS
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    batch_actions = [a for a in actions if a.startswith("import.") and a != "import.project"]
    assert batch_actions == ["import.uploaded", "import.confirmed", "import.completed"]
    assert actions.count("import.project") == SURVEY_ROWS
    batch = db.session.scalars(select(ImportBatch)).one()
    assert batch.status == ImportStatus.IMPORTED and batch.content is None

    # The same file again: every row is already imported, so there is nothing to confirm.
    again = upload(client, round_).headers["Location"]
    import_batches.run_pending()
    page = client.get(again).text
    assert f"{SURVEY_ROWS} were imported before and will be left as they are" in page
    assert "There is nothing new to import" in page
    assert "/confirm" not in page


def test_the_check_page_lists_values_kept_as_given_and_names_matching_none(client, setting, tmp_path):
    round_, _admin = setting
    rows = survey_rows()
    i, j = cell(rows, 14, START_DATE)
    rows[i][j] = "31/02/2016"
    lead = rows[0].index("Which organisation is leading this collaboration?")
    rows[20][lead] = "Kent & Medway Resilience Forum"
    file = write_csv(tmp_path / "survey.csv", rows)
    sign_in(client, "ada@example.org", factories.PASSWORD)

    location = upload(client, round_, file=file).headers["Location"]
    import_batches.run_pending()
    page = client.get(location).text

    assert "Values kept as given" in page and "31/02/2016" in page
    assert "Medway Resilience Forum&#39; matches no organisation" in page.replace("'", "&#39;")
    assert "Medway Resilience Forum&#39; as given" in page.replace("'", "&#39;")
    assert "/confirm" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The selected file is empty"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "is not a real Excel workbook"),
        ("workbook.csv", OVERVIEW.read_bytes(), "is an Excel workbook with a name ending in .csv"),
        ("survey.xls", b"\xd0\xcf\x11\xe0" + bytes(100), "The selected file must be a CSV or XLSX file"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_precisely(client, setting, name, data, message):
    round_, _ = setting
    sign_in(client, "ada@example.org", factories.PASSWORD)

    response = upload(client, round_, name=name, data=data)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert count(ImportBatch) == 0


def test_a_file_over_the_import_limit_is_refused_and_one_over_the_request_limit_gets_413(
    app, client, setting
):
    round_, _ = setting
    sign_in(client, "ada@example.org", factories.PASSWORD)
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    big = b"Respondent ID\r\n" + b"1\r\n" * (600 * 1024)

    refused = upload(client, round_, name="big.csv", data=big)

    assert "The selected file must be smaller than 1 MB" in refused.text
    app.config["MAX_CONTENT_LENGTH"] = 512 * 1024
    assert upload(client, round_, name="big.csv", data=big).status_code == 413
    assert count(ImportBatch) == 0


def test_a_mapping_naming_missing_questions_and_columns_is_refused_with_each_problem(
    client, setting, tmp_path
):
    round_, _ = setting
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        SURVEY_MAPPING.read_text()
        .replace("  project_name: What is the name", "  project_nme: What is the name")
        .replace("  start_date: Project start date", "  start_date: Project strat date")
        .replace("      Joint control room: joint_control_rooms", "      Joint control room: control_room")
    )
    sign_in(client, "ada@example.org", factories.PASSWORD)

    page = upload(client, round_, mapping=mapping).text

    assert "The mapping has 3 problems" in page
    assert "Unknown question 'project_nme'. Did you mean 'project_name'?" in page
    assert "The file has no question 'Project strat date'. Did you mean 'Project start date'?" in page
    assert "'control_room' is not a choice of question 'themes'." in page
    assert count(ImportBatch) == 0


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_a_change_between_the_check_and_the_import_stops_the_import_with_the_new_report(client, setting):
    round_, _admin = setting
    sign_in(client, "ada@example.org", factories.PASSWORD)
    location = upload(client, round_).headers["Location"]
    import_batches.run_pending()
    token = csrf_token(client, location)
    client.post(f"{location}/confirm", data={"csrf_token": token})
    gone = db.session.scalar(select(Organisation).filter_by(name="London Fire Brigade"))
    gone.name, gone.aliases = "London Fire and Rescue", []  # renamed since the check
    db.session.commit()

    import_batches.run_pending()

    page = client.get(location).text
    assert "the report has changed. Nothing was imported." in page
    assert "London Fire Brigade" in page and "matches no organisation" in page
    assert count(Submission) == 0


def test_a_batch_whose_worker_stopped_is_taken_up_again(client, setting):
    round_, _admin = setting
    sign_in(client, "ada@example.org", factories.PASSWORD)
    location = upload(client, round_).headers["Location"]
    batch = db.session.scalars(select(ImportBatch)).one()
    batch.status = ImportStatus.CHECKING
    batch.updated_at = batch.updated_at - import_batches.ABANDONED_AFTER - import_batches.ABANDONED_AFTER
    db.session.commit()

    assert "checked" in import_batches.run_pending()

    assert f"{SURVEY_ROWS} are ready to import" in client.get(location).text
