"""The spreadsheet download: the same columns and rows as the CSV, plus a sheet saying what each column holds.

XlsxWriter's constant-memory mode sends each row to a temporary file as it is written, so memory stays flat;
the finished workbook is written to the file object the caller gives, or by `xlsx_chunks` to a temporary file
that is then sent in chunks (a zip file is finished only at its end). Each distinct answer is made into its
cell once (download_rows.RowMaker).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from app.models import Record
from app.questionnaires.schema import Questionnaire
from app.services.find.download_columns import columns
from app.services.find.download_rows import RowMaker
from app.services.find.download_streams import data_dictionary_rows
from app.services.find.downloads import ExportRecord, Value, cell

PROJECTS_SHEET = "Projects"
DICTIONARY_SHEET = "Data dictionary"
MAX_CELL_LENGTH = 32_767  # Excel's limit: it calls a file with a longer cell corrupt


def write_xlsx(
    records: Iterable[Record | ExportRecord],
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    target: IO[bytes],
    *,
    contacts: bool = True,
) -> None:
    """Write the records as an XLSX workbook to `target`, a binary file object; without `contacts`, no
    contact details (app/services/find/visibility.py). Text is always written as text, never read as a
    formula, a number or a link."""
    cols = columns(questionnaire, contacts=contacts)
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,  # each row goes to a temporary file as it is written
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})

    projects = workbook.add_worksheet(PROJECTS_SHEET)
    projects.freeze_panes(1, 0)
    for number, column in enumerate(cols):
        wide = column.kind == "list" or (column.question is not None and column.question.type == "long_text")
        projects.set_column(number, number, 50 if wide else 20)
    for number, column in enumerate(cols):
        _write(projects, 0, number, _xlsx_cell(column.heading), bold)
    maker = RowMaker(questionnaire, organisation_names, cols)
    write_string, write_number = projects.write_string, projects.write_number
    for line, record in enumerate(records, start=1):
        for number, value in enumerate(maker.cells(record, xlsx_cell)):
            if value is None:
                continue
            if value.__class__ is str:
                write_string(line, number, value)
            else:
                write_number(line, number, value)

    dictionary = workbook.add_worksheet(DICTIONARY_SHEET)
    dictionary.freeze_panes(1, 0)
    for number, width in enumerate((30, 100, 10, 30)):
        dictionary.set_column(number, number, width)
    header, *lines = data_dictionary_rows(questionnaire, contacts=contacts, guard=False)
    for number, text in enumerate(header):
        _write(dictionary, 0, number, _xlsx_cell(text), bold)
    for line, texts in enumerate(lines, start=1):
        for number, text in enumerate(texts):
            _write(dictionary, line, number, _xlsx_cell(text), wrapped)
    workbook.close()


def _write(sheet: Worksheet, line: int, number: int, value: str | Decimal | None, style: Format) -> None:
    if value is None:
        sheet.write_blank(line, number, None, style)
    elif isinstance(value, str):
        sheet.write_string(line, number, value, style)
    else:
        sheet.write_number(line, number, value, style)


def xlsx_chunks(
    records: Iterable[Record],
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    chunk_size: int = 64 * 1024,
    *,
    contacts: bool = True,
) -> Iterator[bytes]:
    """The workbook, written to a temporary file first (a zip file is finished only at its end), then read
    back in chunks: memory stays flat however many records there are."""
    with tempfile.TemporaryFile() as target:
        write_xlsx(records, questionnaire, organisation_names, target, contacts=contacts)
        target.seek(0)
        while chunk := target.read(chunk_size):
            yield chunk


def xlsx_cell(value: Value) -> str | Decimal | None:
    """A value as an XLSX cell: text as typed (written as a string cell, never a formula, so it needs no
    apostrophe, unlike CSV), numbers left as numbers, None for an empty cell."""
    return _xlsx_cell(cell(value, guard=False))


def _xlsx_cell(value: str | Decimal) -> str | Decimal | None:
    if isinstance(value, Decimal):
        return value
    if not value:
        return None
    # A carriage return would be written as "_x000D_"; a line break in a cell is a line feed.
    value = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    # Control characters are not allowed in the file format (Excel would call the file corrupt).
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))[:MAX_CELL_LENGTH]
