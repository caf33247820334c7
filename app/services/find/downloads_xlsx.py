"""The spreadsheet download: the same columns and rows as the CSV, plus a sheet saying what each column holds.

openpyxl's write-only mode sends each row to a temporary file as it is appended, so memory stays flat; the
finished workbook is written to the file object the caller gives, or by `xlsx_chunks` to a temporary file that
is then sent in chunks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.models import Record
from app.questionnaires.schema import Questionnaire
from app.services.find.downloads import cell, columns, data_dictionary_rows, row

PROJECTS_SHEET = "Projects"
DICTIONARY_SHEET = "Data dictionary"
MAX_CELL_LENGTH = 32_767  # Excel's limit: it calls a file with a longer cell corrupt
BOLD = Font(bold=True)


def write_xlsx(
    records: Iterable[Record],
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    target: IO[bytes],
) -> None:
    """Write the records as an XLSX workbook to `target`, a binary file object."""
    cols = columns(questionnaire)
    workbook = Workbook(write_only=True)

    projects = workbook.create_sheet(PROJECTS_SHEET)
    projects.freeze_panes = "A2"
    for number, column in enumerate(cols, start=1):
        wide = column.kind == "list" or (column.question is not None and column.question.type == "long_text")
        projects.column_dimensions[get_column_letter(number)].width = 50 if wide else 20
    _append_header(projects, [column.heading for column in cols])
    for record in records:
        values = row(record, questionnaire, organisation_names, cols)
        projects.append([_xlsx_cell(projects, cell(values[column.key], guard=False)) for column in cols])

    dictionary = workbook.create_sheet(DICTIONARY_SHEET)
    dictionary.freeze_panes = "A2"
    for letter, width in zip("ABCD", (30, 100, 10, 30), strict=True):
        dictionary.column_dimensions[letter].width = width
    header, *lines = data_dictionary_rows(questionnaire, guard=False)
    _append_header(dictionary, header)
    for line in lines:
        dictionary.append([_wrapped(dictionary, _xlsx_cell(dictionary, text)) for text in line])

    workbook.save(target)


def xlsx_chunks(
    records: Iterable[Record],
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    chunk_size: int = 64 * 1024,
) -> Iterator[bytes]:
    """The workbook, written to a temporary file first (a zip file is finished only at its end), then read
    back in chunks: memory stays flat however many records there are."""
    with tempfile.TemporaryFile() as target:
        write_xlsx(records, questionnaire, organisation_names, target)
        target.seek(0)
        while chunk := target.read(chunk_size):
            yield chunk


def _append_header(sheet: WriteOnlyWorksheet, headings: list[str]) -> None:
    cells = []
    for heading in headings:
        header_cell = _text_cell(sheet, heading)
        header_cell.font = BOLD
        cells.append(header_cell)
    sheet.append(cells)


def _wrapped(sheet: WriteOnlyWorksheet, value: str | Decimal | WriteOnlyCell | None) -> WriteOnlyCell:
    wrapped = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
    wrapped.alignment = Alignment(wrap_text=True, vertical="top")
    return wrapped


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: str | Decimal) -> str | Decimal | WriteOnlyCell | None:
    if isinstance(value, Decimal):
        return value
    if not value:
        return None
    # Control characters are not allowed in the file format (openpyxl would refuse the whole download).
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_LENGTH]
    # openpyxl reads text starting "=" as a formula and "#N/A" and the like as errors: those are made string
    # cells explicitly, shown exactly as typed (no apostrophe) and never run.
    return _text_cell(sheet, text) if text.startswith(("=", "#")) else text


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    text_cell = WriteOnlyCell(sheet, value=text)
    text_cell.data_type = "s"
    return text_cell
