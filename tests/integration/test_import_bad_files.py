"""Bad input on the Imports page: files at and over the size limits, a workbook with merged cells and
formulas, a file of 10,000 columns, duplicate column labels, empty files. Each gets a clear message or is read
as it is, never a server error, and nothing is half-imported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import ImportBatch, ImportedProject, Record, Round, Submission
from app.services.imports import batches
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.conftest import csrf_token, sign_in

TITLE = "Collaboration return 2017"


@pytest.fixture
def admin(app, client):
    load_seed_organisations()
    db.session.commit()
    user = factories.administrator(email="ada@example.org")
    sign_in(client, user.email, factories.PASSWORD)
    return user


@pytest.fixture(scope="module")
def responses():
    return history.generate(60, seed=3)


def upload(client, name: str, data: bytes | Path):
    stream = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
    form = {
        "csrf_token": csrf_token(client, "/admin/imports/new"),
        "round_title": TITLE,
        "year": "2017",
        "mode": "records",
        "responses": (stream, name),
    }
    try:
        return client.post("/admin/imports/new", data=form, content_type="multipart/form-data")
    finally:
        stream.close()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_imported() -> bool:
    return count(ImportBatch) == count(Submission) == count(Round) == 0


def refused(response, message: str) -> None:
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert nothing_imported()


def check_and_import(client, response) -> dict:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert "checked" in batches.run_pending()
    report = db.session.scalar(select(ImportBatch)).report
    page = client.get(location)
    assert page.status_code == 200 and "What the check found" in page.text
    answers = {"csrf_token": csrf_token(client, location), "skip": [str(r["row"]) for r in report["skipped"]]}
    assert client.post(f"{location}/confirm", data=answers).status_code == 302
    assert "projects imported" in batches.run_pending()
    return report


def padded_to(size: int, responses) -> bytes:
    """A real export, its rows repeated and a blank line of spaces at the end, `size` bytes long."""
    data = history.condensed_csv(responses)
    body = data.partition(b"\r\n")[2]
    while len(data) < size - len(body) - 4:
        data += body
    return data + b" " * (size - len(data) - 2) + b"\r\n"


def test_a_file_of_the_largest_size_allowed_is_taken_and_one_byte_more_is_refused(
    app, client, admin, responses
):
    limit = app.config["IMPORT_MAX_BYTES"]

    over = upload(client, "export.csv", padded_to(limit + 1, responses))
    refused(over, f"The selected file must be smaller than {limit // (1024 * 1024)} MB")

    at_limit = padded_to(limit, responses)
    assert len(at_limit) == limit
    response = upload(client, "export.csv", at_limit)
    assert response.status_code == 302, response.text
    assert count(ImportBatch) == 1 and count(Submission) == 0


def test_a_file_of_100_mb_gets_a_clear_page_and_changes_nothing(client, admin, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.write(b"Respondent ID,Which organisation is leading this collaboration?\r\n")
        line = b"6543280007,Kent Police\r\n"
        file.write(line * (100 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size > 100 * 1024 * 1024

    response = upload(client, "huge.csv", path)

    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.text
    assert "Nothing was changed" in response.text
    assert nothing_imported()


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_a_workbook_with_merged_cells_and_formulas_is_read_as_people_see_it(client, admin, responses):
    rows = history.table(responses, condensed=False)
    projects = [n for n, r in enumerate(responses, start=1) if r.kind == "project"]
    merged_row, formula_row = projects[0], projects[1]
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    name, cost = rows[0].index(history.Q_NAME), rows[0].index(history.Q_COST)
    sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)  # a heading over two rows
    # A row's name merged over its summary: Excel keeps the first cell's text only.
    sheet.merge_cells(
        start_row=2 + merged_row, start_column=name + 1, end_row=2 + merged_row, end_column=name + 2
    )
    sheet.cell(row=2 + formula_row, column=cost + 1).value = "=SUM(1000,2000)"
    data = io.BytesIO()
    workbook.save(data)

    report = check_and_import(client, upload(client, "merged.xlsx", data.getvalue()))

    assert report["total"] == len(responses)
    kept = {p.row_number: p for p in db.session.scalars(select(ImportedProject))}
    assert kept[merged_row].cells[history.Q_NAME] == responses[merged_row - 1].cells["name"]
    assert history.Q_SUMMARY not in kept[merged_row].cells
    assert kept[formula_row].cells[history.Q_COST] == "=SUM(1000,2000)"  # read as typed, never calculated
    answers = kept[formula_row].submission.answers
    assert "cost" not in answers and answers["_imported"]["as_given"]["cost"] == "=SUM(1000,2000)"
    assert count(Record) == len(kept) > 0


def test_a_file_of_10000_columns_is_refused_with_what_to_check(client, admin, responses):
    rows = history.table(responses, condensed=True)
    width = len(rows[0])
    rows[0] += [f"Extra question {n}" for n in range(10_000 - width)]
    rows[1:] = [row + [""] * (10_000 - width) for row in rows[1:]]

    response = upload(client, "wide.csv", history.to_csv(rows))

    refused(response, "The selected file has 10,000 columns, more than the 1,000")


@pytest.mark.commits  # on PostgreSQL the import writes its progress on a connection of its own
def test_duplicate_column_labels_are_read_once_and_neither_cell_is_lost(client, admin, responses):
    rows = history.table(responses, condensed=True)
    name = rows[0].index(history.Q_NAME)
    rows = [[*row, row[name] + (" (as renamed)" if n else "")] for n, row in enumerate(rows)]

    check_and_import(client, upload(client, "twice.csv", history.to_csv(rows)))

    kept = db.session.scalars(select(ImportedProject)).all()
    assert kept
    for project in kept:
        typed = responses[project.row_number - 1].cells["name"]
        assert " ".join(typed.split()) == project.submission.answers["project_name"]  # the first column
        assert project.cells[history.Q_NAME] == typed  # both cells kept with the row, as typed
        assert project.cells[f"{history.Q_NAME} (column {len(rows[0])})"] == typed + " (as renamed)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (b"\xef\xbb\xbf\r\n,,,\r\n", "The selected file is empty"),
        (b"Respondent ID,Which organisation is leading this collaboration?\r\n", "has no responses"),
    ],
)
def test_an_empty_file_is_refused_clearly(client, admin, data, message):
    refused(upload(client, "export.csv", data), message)
