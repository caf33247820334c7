"""The spreadsheet download: the same columns and rows as the CSV, plus a sheet saying what each column holds.

Written by xlsx_writer.py as the rows come (each distinct value's cell made once), so memory stays flat; the
finished workbook goes to the file object the caller gives, or by `xlsx_chunks` to a temporary file that is
then sent in chunks (a zip file is finished only at its end).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.models import Record
from app.questionnaires.schema import Questionnaire
from app.services.find.download_columns import columns
from app.services.find.download_rows import RowMaker
from app.services.find.download_streams import data_dictionary_rows
from app.services.find.downloads import ExportRecord, Value, cell
from app.services.find.xlsx_writer import WRAPPED, Sheet, cell_xml, write_workbook

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
    maker = RowMaker(questionnaire, organisation_names, cols)
    widths = [
        50
        if column.kind == "list" or (column.question is not None and column.question.type == "long_text")
        else 20
        for column in cols
    ]
    header, *lines = data_dictionary_rows(questionnaire, contacts=contacts, guard=False)
    write_workbook(
        target,
        [
            Sheet(
                PROJECTS_SHEET,
                widths,
                [column.heading for column in cols],
                (maker.cells(record, xlsx_xml) for record in records),
            ),
            Sheet(
                DICTIONARY_SHEET,
                (30, 100, 10, 30),
                header,
                ([cell_xml(_xlsx_cell(text), WRAPPED) for text in texts] for texts in lines),
            ),
        ],
    )


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


def xlsx_xml(value: Value) -> str | None:
    """A value as its cell's XML (xlsx_writer.cell_xml), None for an empty cell."""
    return cell_xml(_xlsx_cell(cell(value, guard=False)))


def _xlsx_cell(value: str | Decimal) -> str | Decimal | None:
    if isinstance(value, Decimal):
        return value
    if not value:
        return None
    # A carriage return would be written as "_x000D_"; a line break in a cell is a line feed.
    value = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    # Control characters are not allowed in the file format (Excel would call the file corrupt).
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))[:MAX_CELL_LENGTH]
