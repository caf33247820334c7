"""Reading an uploaded file of responses into columns and rows of text, refusing files that are not what they
claim to be with a message that says what is wrong and what to do.

Two layouts: SurveyMonkey's export, whose first row holds the question text (blank over the further columns of
a question with several options) and whose second row holds each column's answer option; and a plain
spreadsheet with one header row. Either comes as CSV (UTF-8, with or without a byte order mark) or as an Excel
workbook (.xlsx, its first sheet). Cells are read as the text typed: a formula in a workbook is read as its
text ("=HYPERLINK(...)"), never calculated.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

from openpyxl import load_workbook

SURVEYMONKEY = "surveymonkey"
SPREADSHEET = "spreadsheet"
HEADER_ROWS = {SURVEYMONKEY: 2, SPREADSHEET: 1}
# A workbook can unpack to far more than its size: refuse one that would unpack to more than this many times.
MAX_UNPACKED_RATIO = 40
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"

SAVE_AS_CSV = "save it from your spreadsheet as 'CSV UTF-8 (Comma delimited)'"
NOT_A_WORKBOOK = (
    "The selected file is not a real Excel workbook, though its name ends in .xlsx: "
    "open it in Excel and save it as an Excel Workbook (.xlsx)"
)


class FileProblem(Exception):
    """The file cannot be read: the message says why, in the GOV.UK style."""


@dataclass(frozen=True)
class Column:
    index: int  # 0-based position
    question: str  # the header text; for SurveyMonkey, the question the column belongs to
    option: str = ""  # SurveyMonkey only: the answer option in the second header row

    @property
    def title(self) -> str:
        """How a person finds the column: its header, or the question and option."""
        if self.option and self.option.lower() not in ("response", "open-ended response"):
            return f"{self.question} - {self.option}"
        return self.question


@dataclass
class Table:
    """A file's columns, and a way to read its rows (again) without holding them all in memory."""

    kind: str  # "csv" or "xlsx"
    layout: str  # SURVEYMONKEY or SPREADSHEET
    columns: list[Column]
    _data: bytes
    _text: str | None = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as a spreadsheet shows it, cells as text) for every row after the header rows that
        is not empty."""
        skip = HEADER_ROWS[self.layout]
        for number, cells in self._all_rows():
            if number > skip and any(cell.strip() for cell in cells):
                yield number, cells + [""] * (len(self.columns) - len(cells))

    def count(self) -> int:
        return sum(1 for _ in self.rows())

    def _all_rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.kind == "csv":
            yield from _csv_rows(self._text or "")
        else:
            yield from _xlsx_rows(self._data)


def open_table(data: bytes, file_name: str, layout: str) -> Table:
    """The file's columns, after checking that it is a real CSV or XLSX file of the given layout."""
    kind = _kind(file_name)
    if not data.strip():
        raise FileProblem("The selected file is empty")
    if kind == "csv":
        text = _decode(data)
        table = Table(kind, layout, [], data, text)
    else:
        _check_workbook(data)
        table = Table(kind, layout, [], data)
    header = []
    try:
        for number, cells in table._all_rows():
            header.append(cells)
            if number >= HEADER_ROWS[layout]:
                break
    except FileProblem:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged workbook
        raise FileProblem(NOT_A_WORKBOOK) from error
    table.columns = _columns(header, layout)
    return table


def _kind(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise FileProblem(
            "The selected file must be a CSV or XLSX file: save it as an Excel Workbook (.xlsx) "
            "or as 'CSV UTF-8 (Comma delimited)'"
        )
    raise FileProblem("The selected file must be a CSV or XLSX file")


def _decode(data: bytes) -> str:
    if data.startswith(UTF16_BOMS):
        raise FileProblem(f"The selected file is saved as UTF-16: {SAVE_AS_CSV}")
    if data.startswith(ZIP_MAGIC):
        raise FileProblem(
            "The selected file is an Excel workbook with a name ending in .csv: "
            "rename it to end in .xlsx, or save it as CSV UTF-8"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data.count(b"\n", 0, error.start) + 1
        raise FileProblem(
            f"The selected file is not saved as UTF-8 (line {row} has characters that cannot be read): "
            f"{SAVE_AS_CSV}"
        ) from None
    if "\x00" in text:
        raise FileProblem("The selected file is not a CSV file: it has binary content")
    return text


def _check_workbook(data: bytes) -> None:
    if not data.startswith(ZIP_MAGIC):
        raise FileProblem(NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise FileProblem(NOT_A_WORKBOOK) from None
    if "xl/workbook.xml" not in names:
        raise FileProblem(NOT_A_WORKBOOK)
    if unpacked > MAX_UNPACKED_RATIO * max(len(data), 1_000_000):
        raise FileProblem("The selected file is too large once unpacked: save it as CSV UTF-8 and try again")


def _columns(header: list[list[str]], layout: str) -> list[Column]:
    rows = [[cell.strip() for cell in cells] for cells in header]
    if not rows or not any(rows[0]):
        raise FileProblem("The first row of the selected file has no column headings")
    if layout == SURVEYMONKEY and len(rows) < 2:
        raise FileProblem(
            "The selected file has only one header row, but a SurveyMonkey export has two: the questions in "
            "row 1 and the answer options in row 2. For a spreadsheet with one header row, use format: "
            "spreadsheet in the mapping"
        )
    width = max(len(cells) for cells in rows)
    rows = [cells + [""] * (width - len(cells)) for cells in rows]
    # Spreadsheets often keep empty columns after the last real one.
    while width and not any(cells[width - 1] for cells in rows):
        width -= 1
    if layout == SPREADSHEET:
        return [Column(index, text) for index, text in enumerate(rows[0][:width])]
    first, second = rows[0], rows[1]
    columns = []
    question = ""
    for index in range(width):
        question = first[index] or question
        if not question:
            raise FileProblem(f"Column {index + 1} of the first header row has no question")
        columns.append(Column(index, question, second[index]))
    return columns


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except csv.Error as error:
        raise FileProblem(f"Row {number + 1} of the file could not be read as CSV ({error})") from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if not workbook.worksheets:
            raise FileProblem("The selected file has no sheets")
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A workbook cell as the text a person sees in it (dates as ISO dates, whole numbers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    text = getattr(value, "text", None)  # an array formula: its text, as written
    return str(text if text is not None else value)
