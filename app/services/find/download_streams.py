"""The CSV and JSON downloads and the data dictionary, streamed from the columns and rows of downloads.py.

The caller passes an iterable of records (a query's `yield_per`, say) and sends each chunk as it is made, so
memory stays flat however many records there are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from app.models import Record
from app.questionnaires.schema import Questionnaire
from app.services.find.download_columns import columns
from app.services.find.download_rows import RowMaker
from app.services.find.downloads import (
    BOM,
    CHUNK_CHARACTERS,
    CHUNK_RECORDS,
    ExportRecord,
    csv_cell,
    neutralise,
)


def csv_stream(
    records: Iterable[Record | ExportRecord],
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    *,
    contacts: bool = True,
) -> Iterator[str]:
    """The records as CSV: a byte order mark and the header row first, then the rows in chunks of about
    CHUNK_CHARACTERS (and at most CHUNK_RECORDS records), each sent as soon as it is made."""
    cols = columns(questionnaire, contacts=contacts)
    maker = RowMaker(questionnaire, organisation_names, cols)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(column.heading) for column in cols])
    yield BOM + _taken(buffer)
    waiting = 0
    for record in records:
        writer.writerow(maker.cells(record, csv_cell))
        waiting += 1
        if waiting >= CHUNK_RECORDS or buffer.tell() >= CHUNK_CHARACTERS:
            yield _taken(buffer)
            waiting = 0
    if waiting:
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def json_stream(
    records: Iterable[Record | ExportRecord],
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    *,
    contacts: bool = True,
) -> Iterator[str]:
    """The records as a JSON array of objects keyed "id" and the column keys, one chunk per record."""
    cols = columns(questionnaire, contacts=contacts)
    maker = RowMaker(questionnaire, organisation_names, cols)
    yield "["
    separator = ""
    for record in records:
        values = {"id": record.id, **maker.values(record)}
        yield separator + json.dumps(values, ensure_ascii=False, default=_json_number)
        separator = ","
    yield "]"


def data_dictionary_rows(
    questionnaire: Questionnaire, *, contacts: bool = True, guard: bool = True
) -> list[list[str]]:
    """The header and one row per column: heading, description, kind and JSON key."""
    rows = [["Column", "Description", "Type", "JSON key"]]
    rows += [[c.heading, c.description, c.kind, c.key] for c in columns(questionnaire, contacts=contacts)]
    return [[neutralise(text) for text in line] for line in rows] if guard else rows


def data_dictionary_csv(questionnaire: Questionnaire, *, contacts: bool = True) -> str:
    """What each column of a download holds, as CSV, to go with a CSV or JSON download."""
    return BOM + "".join(_csv_line(line) for line in data_dictionary_rows(questionnaire, contacts=contacts))


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _json_number(value: Any) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
