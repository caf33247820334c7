"""Reading files of earlier responses: both layouts, CSV and XLSX, and files that are not what they claim."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.services.imports.files import SPREADSHEET, SURVEYMONKEY, FileProblem, open_table
from app.services.imports.values import read_date

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"
SURVEY = EXAMPLES / "surveymonkey-collaboration-2017.csv"
OVERVIEW = EXAMPLES / "overview-2016.xlsx"
THEMES = "Which of the following themes does the collaboration cover? (please tick all that apply)"


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_surveymonkey_export_has_two_header_rows_and_a_column_per_option():
    table = open_table(SURVEY.read_bytes(), SURVEY.name, SURVEYMONKEY)

    assert table.columns[0].question == "Respondent ID" and table.columns[0].option == ""
    themes = [c for c in table.columns if c.question == THEMES]
    assert len(themes) == 12
    assert themes[0].option == "Co-responding / first response"
    assert themes[-1].title == f"{THEMES} - Other (please specify)"
    rows = list(table.rows())
    assert len(rows) == 56 and rows[0][0] == 1  # numbered as responses: the first after the header rows is 1
    assert all(len(cells) == len(table.columns) for _, cells in rows)


def test_a_csv_file_reads_the_same_with_or_without_a_byte_order_mark():
    with_bom = SURVEY.read_bytes()
    without = with_bom.removeprefix("\ufeff".encode())
    assert with_bom != without
    first = open_table(with_bom, "a.csv", SURVEYMONKEY)
    second = open_table(without, "b.csv", SURVEYMONKEY)
    assert first.columns == second.columns
    assert list(first.rows()) == list(second.rows())


def test_a_workbook_is_read_as_text_with_dates_and_whole_numbers_as_people_see_them():
    table = open_table(OVERVIEW.read_bytes(), OVERVIEW.name, SPREADSHEET)

    headers = [c.question for c in table.columns]
    assert headers[:3] == ["Ref", "Project", "Summary"]
    rows = list(table.rows())
    assert len(rows) == 20 and rows[0][0] == 1
    cells = dict(zip(headers, rows[0][1], strict=True))
    assert cells["Ref"] == "OV16-001"
    assert len(cells["Start date"]) == 10 and cells["Start date"].endswith("-01")  # 2014-05-01
    assert not cells["Cost (£)"].endswith(".0")


def test_a_formula_in_a_workbook_is_read_as_its_text_never_calculated():
    data = workbook_bytes(
        [
            ["Ref", "Lessons", "When"],
            ["A1", '=HYPERLINK("http://x","click")', datetime(2019, 3, 27)],
            ["A2", 12.5, 3],
        ]
    )
    rows = list(open_table(data, "sheet.xlsx", SPREADSHEET).rows())

    assert rows[0][1] == ["A1", '=HYPERLINK("http://x","click")', "2019-03-27"]
    assert rows[1][1] == ["A2", "12.5", "3"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The selected file is empty"),
        ("blank.csv", b"\r\n  \r\n", "The selected file is empty"),
        ("renamed.xlsx", b"Ref,Name\r\n1,Kent\r\n", "is not a real Excel workbook"),
        ("zip.xlsx", b"PK\x03\x04" + bytes(100), "is not a real Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save it as an Excel Workbook (.xlsx)"),
        ("notes.pdf", b"Ref,Name", "The selected file must be a CSV or XLSX file"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_with_what_to_do(name, data, message):
    with pytest.raises(FileProblem) as problem:
        open_table(data, name, SPREADSHEET)
    assert message in str(problem.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1252", "utf-8-sig"])
def test_windows_1252_and_utf_16_files_are_read_by_guessing_their_encoding(encoding):
    table = open_table("Ref,Name\r\n1,Caf\u00e9 \u2013 Ynys M\u00f4n\r\n".encode(encoding), "a.csv")
    assert list(table.rows()) == [(1, ["1", "Caf\u00e9 \u2013 Ynys M\u00f4n"])]


def test_the_layout_is_found_from_the_header_rows():
    assert open_table(b"Ref,Project\r\n1,A\r\n", "overview.csv").layout == SPREADSHEET
    assert open_table(SURVEY.read_bytes(), SURVEY.name).layout == SURVEYMONKEY


def test_trailing_empty_columns_are_ignored_and_quoted_lines_count_as_one_row():
    table = open_table(b'Ref,Summary,,\r\n1,"Two\nlines",,\r\n2,Short,,\r\n', "a.csv", SPREADSHEET)
    assert [c.question for c in table.columns] == ["Ref", "Summary"]
    assert [(number, cells[:2]) for number, cells in table.rows()] == [
        (1, ["1", "Two\nlines"]),
        (2, ["2", "Short"]),
    ]


@pytest.mark.parametrize(
    ("text", "kind", "parts"),
    [
        ("27/03/2019", "date", {"day": "27", "month": "3", "year": "2019"}),
        ("2019-03-27", "date", {"day": "27", "month": "3", "year": "2019"}),
        ("2019-03-27 10:15:00", "date", {"day": "27", "month": "3", "year": "2019"}),
        ("27 March 2019", "date", {"day": "27", "month": "3", "year": "2019"}),
        ("01/04/2017", "month_year", {"month": "4", "year": "2017"}),
        ("04/2017", "month_year", {"month": "4", "year": "2017"}),
        ("April 2017", "month_year", {"month": "4", "year": "2017"}),
        ("Apr 2017", "month_year", {"month": "4", "year": "2017"}),
        ("2017-04", "month_year", {"month": "4", "year": "2017"}),
        (
            "31/02/2019",
            "date",
            {"day": "31", "month": "2", "year": "2019"},
        ),  # the questionnaire's rule refuses it
        ("31/02/2019", "month_year", None),
        ("Spring 2019", "month_year", None),
        ("04/2017", "date", None),
        ("soon", "date", None),
    ],
)
def test_dates_are_read_as_people_in_the_uk_write_them(text, kind, parts):
    assert read_date(text, kind) == parts


def test_the_shipped_examples_are_what_their_script_makes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.make(tmp_path):
        shipped = EXAMPLES / path.name
        if path.suffix == ".xlsx":
            # openpyxl writes the same cells in different bytes with and without lxml installed.
            assert _cells(path) == _cells(shipped), f"{path.name}: run make_examples.py"
        else:
            assert path.read_bytes() == shipped.read_bytes(), f"{path.name}: run make_examples.py"


def _cells(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
