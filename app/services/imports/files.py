"""Reading an uploaded file of responses into columns and rows of text, refusing only files that cannot be
read, with a message that says what is wrong and what to do.

Two layouts, found from the file itself: SurveyMonkey's expanded export, whose first row holds the question
(blank over the further columns of a question with several options) and whose second row holds each column's
answer option ("Response", "Open-Ended Response" or the option's label); and one header row (SurveyMonkey's
condensed export, or any spreadsheet). Either comes as CSV (UTF-8, UTF-16 or Windows-1252, guessed) or as an
Excel workbook (.xlsx: the sheet that holds the responses, found by its content). Cells are read as the text
typed: a date or a number that Excel made of what was typed is shown in the cell's own format ("Oct-15", not
2015-10-01), and a formula is read as its text, never calculated.

Rows are numbered as responses: the first row after the header rows is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

from openpyxl import load_workbook

SURVEYMONKEY = "surveymonkey"  # two header rows
SPREADSHEET = "spreadsheet"  # one header row (SurveyMonkey's condensed export, or any spreadsheet)
HEADER_ROWS = {SURVEYMONKEY: 2, SPREADSHEET: 1}
# A workbook can unpack to far more than its size: refuse one that would unpack to more than this many times.
MAX_UNPACKED_RATIO = 40
# More columns than any questionnaire export has: such a file is not one (and would fill the mapping page).
MAX_COLUMNS = 1000
# Rows of each sheet read to find the one that holds the responses.
SHEET_SAMPLE_ROWS = 50
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EMPTY_CSV = " \t\r\n,;\ufeff"  # what a spreadsheet with no cells saves as CSV
ZIP_MAGIC = b"PK\x03\x04"
# What SurveyMonkey writes over a column with one answer in the second header row.
SURVEYMONKEY_SECOND_ROW = ("response", "open-ended response", "other (please specify)")

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
    sheet: str | None = None  # the workbook's sheet that holds the responses
    encoding: str = "utf-8"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(response number, cells as text) for every row after the header rows that is not empty: the first
        row after the header rows is response 1, and an empty row keeps its number."""
        skip = HEADER_ROWS[self.layout]
        width = len(self.columns)
        for number, cells in self._all_rows():
            if number > skip and any(cell.strip() for cell in cells[:width]):
                yield number - skip, (cells + [""] * (width - len(cells)))[:width]

    def count(self) -> int:
        return sum(1 for _ in self.rows())

    def _all_rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.kind == "csv":
            yield from _csv_rows(self._text or "")
        else:
            yield from _xlsx_rows(self._data, self.sheet)


def open_table(data: bytes, file_name: str, layout: str | None = None) -> Table:
    """The file's columns, after checking that it is a real CSV or XLSX file. The layout is found from the
    header rows unless given."""
    kind = _kind(file_name)
    if not data.strip():
        raise FileProblem("The selected file is empty")
    if kind == "csv":
        text, encoding = _decode(data)
        if not text.strip(EMPTY_CSV):  # a byte order mark, separators and line ends: an empty sheet saved
            raise FileProblem("The selected file is empty")
        table = Table(kind, layout or SPREADSHEET, [], data, text, encoding=encoding)
    else:
        _check_workbook(data)
        table = Table(kind, layout or SPREADSHEET, [], data)
        try:
            table.sheet = _data_sheet(data)
        except FileProblem:
            raise
        except Exception as error:  # openpyxl raises many kinds of error on a damaged workbook
            raise FileProblem(NOT_A_WORKBOOK) from error
    header = []
    try:
        for number, cells in table._all_rows():
            header.append(cells)
            if number >= 2:
                break
    except FileProblem:
        raise
    except Exception as error:
        raise FileProblem(NOT_A_WORKBOOK) from error
    table.layout = layout or detect_layout(header)
    table.columns = _columns(header[: HEADER_ROWS[table.layout]], table.layout)
    return table


def detect_layout(header: list[list[str]]) -> str:
    """SurveyMonkey's expanded export says "Response" or "Open-Ended Response" over its single-answer columns
    in the second row, and leaves the first row blank over a question's further options."""
    if len(header) < 2:
        return SPREADSHEET
    first = [cell.strip() for cell in header[0]]
    second = [cell.strip().casefold() for cell in header[1]]
    if any(cell in SURVEYMONKEY_SECOND_ROW for cell in second):
        return SURVEYMONKEY
    return SPREADSHEET if all(first) or not any(first) else SURVEYMONKEY


def _kind(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise FileProblem(
            "The selected file must be a CSV or XLSX file: save it as an Excel Workbook (.xlsx) "
            "or as 'CSV UTF-8 (Comma delimited)'"
        )
    raise FileProblem("The selected file must be a CSV or XLSX file")


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in: UTF-8 (with or without a byte order mark),
    UTF-16 (Excel's "Unicode text", with a byte order mark or recognised by its zero bytes) or, when neither
    fits, Windows-1252 (what Excel for Windows saves as plain "CSV")."""
    if data.startswith(ZIP_MAGIC):
        raise FileProblem(
            "The selected file is an Excel workbook with a name ending in .csv: "
            "rename it to end in .xlsx, or save it as CSV UTF-8"
        )
    candidates = []
    if data.startswith(UTF16_BOMS):
        candidates.append("utf-16")
    elif _looks_utf16(data):
        candidates.append("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    candidates += ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        return text, encoding.removesuffix("-sig").removesuffix("-le").removesuffix("-be")
    raise FileProblem(
        "The selected file is not a CSV file, or its characters cannot be read: "
        "save it from your spreadsheet as 'CSV UTF-8 (Comma delimited)'"
    )


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


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


def _data_sheet(data: bytes) -> str:
    """The sheet that holds the responses: the one with the most filled cells in its first rows, whichever
    sheet was open when the file was saved (an export often has a summary or notes sheet in front)."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        best: str | None = None
        best_score = 0
        for sheet in workbook.worksheets:
            score = 0
            for values in sheet.iter_rows(max_row=SHEET_SAMPLE_ROWS, values_only=True):
                score += sum(1 for value in values if value not in (None, ""))
            if score > best_score:
                best, best_score = str(sheet.title), score
        if best is None:
            raise FileProblem("The selected file has no sheet with any responses in it")
        return best
    finally:
        workbook.close()


def _columns(header: list[list[str]], layout: str) -> list[Column]:
    rows = [[" ".join(cell.split()) for cell in cells] for cells in header]
    if not rows or not any(rows[0]):
        raise FileProblem("The first row of the selected file has no column headings")
    if layout == SURVEYMONKEY and len(rows) < 2:
        raise FileProblem(
            "The selected file has only one header row, but a SurveyMonkey expanded export has two: the "
            "questions in row 1 and the answer options in row 2"
        )
    width = max(len(cells) for cells in rows)
    rows = [cells + [""] * (width - len(cells)) for cells in rows]
    # Spreadsheets often keep empty columns after the last real one.
    while width and not any(cells[width - 1] for cells in rows):
        width -= 1
    if width > MAX_COLUMNS:
        raise FileProblem(
            f"The selected file has {width:,} columns, more than the {MAX_COLUMNS:,} an export of responses "
            "can have: check it is the right file"
        )
    if layout == SPREADSHEET:
        return [Column(index, text or f"Column {index + 1}") for index, text in enumerate(rows[0][:width])]
    first, second = rows[0], rows[1]
    columns = []
    question = ""
    for index in range(width):
        question = first[index] or question or f"Column {index + 1}"
        columns.append(Column(index, question, second[index]))
    return columns


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    first_line = text[: text.find("\n") if "\n" in text else 4000][:4000]
    if first_line.count("\t") > first_line.count(",") and first_line.count("\t") > first_line.count(";"):
        dialect = csv.excel_tab
    elif first_line.count(";") > first_line.count(",") + 1:
        dialect = _Semicolon
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except csv.Error as error:
        raise FileProblem(f"Line {number + 1} of the file could not be read as CSV ({error})") from None


class _Semicolon(csv.excel):
    delimiter = ";"


def _xlsx_rows(data: bytes, sheet_name: str | None) -> Iterator[tuple[int, list[str]]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if not workbook.worksheets:
            raise FileProblem("The selected file has no sheets")
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in cells]
    finally:
        workbook.close()


# Excel's date format codes, as strftime's: enough for the formats Excel gives what people type.
_DATE_CODES = [
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("mmmm", "%B"),
    ("mmm", "%b"),
    ("dddd", "%A"),
    ("ddd", "%a"),
    ("dd", "%d"),
    ("hh", "%H"),
    ("ss", "%S"),
]
_FORMAT_NOISE = re.compile(r"\[[^\]]*\]|\\|\"|;.*$|_.|\*.")


def cell_text(value: object, number_format: str | None = None) -> str:
    """A workbook cell as the text a person sees in it: a date or number in the cell's own format when it
    has one that says how ("Oct-15", "01632 960001"), else dates as ISO dates and whole numbers without
    '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    fmt = (number_format or "General").strip()
    if isinstance(value, datetime | date) and fmt.lower() not in ("general", ""):
        shown = _format_date(value, fmt)
        if shown:
            return shown
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float) and re.fullmatch(r"0{2,}", fmt):
        return str(int(value)).zfill(len(fmt))  # a number kept with its leading zeros ("00000000000")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    text = getattr(value, "text", None)  # an array formula: its text, as written
    return str(text if text is not None else value)


def _format_date(value: date, fmt: str) -> str | None:
    code = _FORMAT_NOISE.sub("", fmt).lower()
    clock = ""
    if "h" in code:  # a time of day follows the date: shown as hours and minutes
        code, clock = code[: code.index("h")].strip(), " %H:%M"
    if not any(part in code for part in ("d", "m", "y")):
        return None
    # "m" is a month next to a day or year, minutes next to hours; here only months are shown.
    pattern = code
    for excel, python in _DATE_CODES:
        pattern = pattern.replace(excel, "\0" + python[1] + "\0")
    pattern = re.sub(r"(?<!\0)mm(?!\0)", "\0m\0", pattern)
    pattern = re.sub(r"(?<![\0%])m(?!\0)", "\0-m\0", pattern)
    pattern = re.sub(r"(?<![\0%])d(?!\0)", "\0-d\0", pattern)
    result = pattern.replace("\0-m\0", str(value.month)).replace("\0-d\0", str(value.day))
    result = re.sub(r"\0(.)\0", lambda m: value.strftime("%" + m.group(1)), result)
    result = result.strip()
    if clock and isinstance(value, datetime) and value.time() != time(0):
        result = (result + value.strftime(clock)).strip()
    return result or None
