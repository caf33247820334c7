"""Importing earlier responses: the dry run, all or nothing, idempotency, records or drafts, the CLI and the
administrator's upload pages, against a real database."""

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
    Submission,
    SubmissionStatus,
)
from app.services.imports import batches as import_batches
from app.services.imports import responses as imports
from app.services.organisations.files import load_seed_organisations
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.records import a_round

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"
SURVEY = EXAMPLES / "surveymonkey-collaboration-2017.csv"
SURVEY_MAPPING = EXAMPLES / "surveymonkey-collaboration-2017.yaml"
OVERVIEW = EXAMPLES / "overview-2016.xlsx"
OVERVIEW_MAPPING = EXAMPLES / "overview-2016.yaml"
SURVEY_ROWS = 56
START_DATE = "Project start date"
LESSONS = "What are the key lessons learnt?"


@pytest.fixture
def setting(app):
    load_seed_organisations()
    db.session.commit()
    round_ = a_round("Collaboration return 2017")
    admin = factories.administrator(email="ada@example.org")
    return round_, admin


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
            "--round",
            "Collaboration return 2017",
            "--by",
            "ada@example.org",
            *extra,
        ]
    )


def test_a_dry_run_reports_every_row_and_imports_nothing(runner, setting):
    result = run_cli(runner, SURVEY, SURVEY_MAPPING, "--dry-run")

    assert result.exit_code == 0, result.output
    assert (
        f"{SURVEY_ROWS} rows: {SURVEY_ROWS} ready to import, 0 already imported, 0 problems." in result.output
    )
    assert "Dry run: nothing was imported." in result.output
    assert count(Submission) == count(ImportBatch) == 0
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
    assert "Imported from SurveyMonkey collaboration survey 2017." in page

    again = run_cli(runner, SURVEY)

    assert again.exit_code == 0, again.output
    assert f"0 ready to import, {SURVEY_ROWS} already imported" in again.output
    assert "Nothing to import." in again.output
    assert count(Record) == SURVEY_ROWS


def test_a_file_with_a_bad_row_is_refused_whole_with_each_problem_and_suggestions(runner, setting, tmp_path):
    rows = survey_rows()
    i, j = cell(rows, 14, START_DATE)
    rows[i][j] = "Spring 2016"
    lead = rows[0].index("Which organisation is leading this collaboration?")
    rows[20][lead] = "Devon and Cornwall Constabulary"
    bad = write_csv(tmp_path / "survey.csv", rows)

    result = run_cli(runner, bad)

    assert result.exit_code == 1
    assert (
        "Row 14, column 'Project start date': "
        "Start date must be a real date, like 03/2019, March 2019 or 2019-03" in result.output
    )
    assert "Row 21, column 'Which organisation is leading this collaboration?'" in result.output
    assert (
        "Unknown organisation 'Devon and Cornwall Constabulary' (rows 21). Did you mean 'Devon and "
        "Cornwall Police'" in (result.output)
    )
    assert "Nothing was imported" in result.output
    assert count(Submission) == count(Record) == count(ImportBatch) == 0


def test_records_need_required_answers_that_drafts_can_leave_blank(runner, setting, tmp_path):
    rows = survey_rows()
    i, j = cell(rows, 9, LESSONS)
    rows[i][j] = ""
    bad = write_csv(tmp_path / "survey.csv", rows)

    as_records = run_cli(runner, bad)
    assert as_records.exit_code == 1
    assert (
        "Row 9, column 'What are the key lessons learnt?': Enter the lessons you have learnt"
        in as_records.output
    )
    assert count(Submission) == 0

    as_drafts = run_cli(runner, bad, SURVEY_MAPPING, "--as", "drafts")

    assert as_drafts.exit_code == 0, as_drafts.output
    drafts = db.session.scalars(select(Submission)).all()
    assert len(drafts) == SURVEY_ROWS and {s.status for s in drafts} == {SubmissionStatus.DRAFT}
    assert count(Record) == 0
    key = rows[8][0]
    blank = db.session.scalar(select(Submission).join(ImportedProject).where(ImportedProject.row_key == key))
    assert blank.page_states.get("lessons_learnt") is None  # for the lead to answer
    assert blank.page_states["project_name"] == "completed"


def test_drafts_wait_in_their_lead_organisations_list(runner, client, setting):
    result = run_cli(runner, OVERVIEW, OVERVIEW_MAPPING, "--as", "drafts")

    assert result.exit_code == 0, result.output
    assert "Imported 20 projects into Collaboration return 2017 as drafts." in result.output
    draft = db.session.scalars(select(Submission).order_by(Submission.id)).first()
    lead = factories.user(email="lee@example.org", organisation_=draft.organisation)
    sign_in(client, lead.email, factories.PASSWORD)
    listing = client.get("/projects").text
    assert draft.name in listing
    task_list = client.get(f"/projects/{draft.id}").text
    assert "Completed" in task_list


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
            "round": str(round_.id),
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
    assert f"{SURVEY_ROWS} rows are ready to import" in report
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
    assert actions[-3:] == ["import.uploaded", "import.confirmed", "import.completed"]
    batch = db.session.scalars(select(ImportBatch)).one()
    assert batch.status == ImportStatus.IMPORTED and batch.content is None

    # The same file again: every row is already imported, so there is nothing to confirm.
    again = upload(client, round_).headers["Location"]
    import_batches.run_pending()
    page = client.get(again).text
    assert f"{SURVEY_ROWS} rows were imported before and will be skipped" in page
    assert "every row has been imported before" in page
    assert "Import 0" not in page


def test_the_report_shows_problems_and_unknown_names_and_nothing_can_be_imported(client, setting, tmp_path):
    round_, _admin = setting
    rows = survey_rows()
    i, j = cell(rows, 14, START_DATE)
    rows[i][j] = "31/02/2016"
    file = write_csv(tmp_path / "survey.csv", rows)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        SURVEY_MAPPING.read_text().replace("  Kent Fire & Rescue: Kent Fire and Rescue Service\n", "")
    )
    sign_in(client, "ada@example.org", factories.PASSWORD)

    location = upload(client, round_, file=file, mapping=mapping).headers["Location"]
    import_batches.run_pending()
    page = client.get(location).text

    assert "Nothing can be imported until every problem is fixed" in page
    assert "Start date must be a real date" in page
    assert "Kent Fire & Rescue" in page and "Kent Fire and Rescue Service" in page  # the suggestion
    assert "/confirm" not in page
    token = csrf_token(client, location)
    client.post(f"{location}/confirm", data={"csrf_token": token})
    assert count(Submission) == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The selected file is empty"),
        (
            "utf16.csv",
            "Respondent ID,Collector ID\r\n".encode("utf-16"),
            "The selected file is saved as UTF-16",
        ),
        (
            "windows.csv",
            "Respondent ID,Caf\u00e9\r\n".encode("cp1252"),
            "The selected file is not saved as UTF-8",
        ),
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

    assert "The mapping has 4 problems" in page
    assert "Unknown question 'project_nme'. Did you mean 'project_name'?" in page
    assert "The file has no question 'Project strat date'. Did you mean 'Project start date'?" in page
    assert "'control_room' is not a choice of question 'themes'." in page
    assert "Question 'project_name' (Project name) must be answered in a record" in page
    assert count(ImportBatch) == 0


def test_a_change_between_the_check_and_the_import_stops_the_import_with_the_new_report(client, setting):
    round_, _admin = setting
    sign_in(client, "ada@example.org", factories.PASSWORD)
    location = upload(client, round_).headers["Location"]
    import_batches.run_pending()
    token = csrf_token(client, location)
    client.post(f"{location}/confirm", data={"csrf_token": token})
    gone = db.session.scalar(select(Organisation).filter_by(name="London Fire Brigade"))
    gone.active = False  # merged or closed since the check
    db.session.commit()

    import_batches.run_pending()

    page = client.get(location).text
    assert "the report has changed. Nothing was imported." in page
    assert "'London Fire Brigade' is not an organisation in the directory" in page
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

    assert f"{SURVEY_ROWS} rows are ready to import" in client.get(location).text
