"""Downloads of the collaboration database: exactly the records a person is looking at, as CSV or JSON.

Everything streams: the caller passes an iterable of records (a query's `yield_per`, say) and sends each chunk
as it is made, so memory stays flat however many records there are. The spreadsheet (XLSX) is in
exports_xlsx.py; both read the same columns and rows from here.

In CSV, a cell a spreadsheet would read as a formula (one starting =, +, -, @, a tab or a carriage return)
gets a leading apostrophe, following OWASP's advice on CSV injection: answers are typed by people outside
this team. Only text is touched; numbers stay numbers, so a negative amount is still a number. The XLSX needs
no such guard: it writes text as string cells, shown exactly as typed and never run.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.formatting import london
from app.models import Record
from app.models.organisation import REGION_LABELS, SECTOR_LABELS, Region, Sector
from app.questionnaires.display import (
    YES_NO_LABELS,
    answer_date,
    answer_month,
    format_answer,
    is_blank,
    parse_money,
    parse_number,
)
from app.questionnaires.schema import Question, Questionnaire

BOM = "\ufeff"  # so that Excel reads the file as UTF-8
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Value = str | Decimal | list[str] | None

KIND_OF_TYPE = {
    "number": "number",
    "money": "money",
    "date": "date",
    "month_year": "month",
    "checkboxes": "list",
    "organisations": "list",
    "repeating_group": "list",
}
KIND_NOTES = {
    "number": "A number.",
    "money": "An amount in pounds, as a number.",
    "date": "A date, written YYYY-MM-DD.",
    "month": "A month, written YYYY-MM.",
    "list": "Can have several answers: in CSV and XLSX they are separated by '; ', in JSON they are a list.",
}


@dataclass(frozen=True)
class Column:
    key: str  # the JSON key; a question's column is keyed by the question's id
    heading: str
    description: str
    kind: str  # text, number, money, date, month or list
    question: Question | None = None


FIXED_COLUMNS = (
    Column("reference", "Reference", "The project's reference, given when it was first submitted.", "text"),
    Column("name", "Project name", "The project's name as published.", "text"),
    Column(
        "lead_organisation_name", "Lead organisation", "The organisation that submitted the project.", "text"
    ),
    Column("lead_organisation_sector", "Lead organisation sector", "The lead organisation's sector.", "text"),
    Column("region", "Region", "The lead organisation's region; blank for national organisations.", "text"),
    Column("round", "Round", "The collection round the project was submitted in.", "text"),
    Column("approved_on", "Approved", "When the project was first approved.", "date"),
    Column("updated_on", "Last updated", "When the published project last changed.", "date"),
    Column("partner_names", "Partners", "The partner organisations named in the project.", "list"),
    Column(
        "shared_with",
        "Shared with",
        "Who can see the project: public (anyone), sector (people who sign in) or figures_only (only counted "
        "in the published figures).",
        "text",
    ),
)


def columns(questionnaire: Questionnaire) -> list[Column]:
    """The fixed columns, then one column per question in the questionnaire's order."""
    result = list(FIXED_COLUMNS)
    keys = {"id", *(column.key for column in result)}
    headings = {column.heading.casefold() for column in result}
    for question in questionnaire.questions:
        # Keys and headings stay unique so that the files load cleanly into other tools.
        key = question.id if question.id not in keys else f"answer_{question.id}"
        heading = question.short_label
        if heading.casefold() in headings:
            heading = f"{heading} (answer)"
        keys.add(key)
        headings.add(heading.casefold())
        kind = KIND_OF_TYPE.get(question.type, "text")
        result.append(Column(key, heading, _describe(question, kind), kind, question))
    return result


def row(
    record: Record,
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    cols: list[Column] | None = None,
) -> dict[str, Value]:
    """One record as column key -> value: text, Decimal, an ISO date, a list of labels or names, or None."""
    organisation = record.organisation
    submission = record.submission
    answers = record.answers or {}
    values: dict[str, Value] = {
        "reference": submission.reference if submission is not None else None,
        "name": record.name,
        "lead_organisation_name": organisation.name if organisation is not None else None,
        "lead_organisation_sector": _label(organisation and organisation.sector, Sector, SECTOR_LABELS),
        "region": _label(organisation and organisation.region, Region, REGION_LABELS),
        "round": submission.round.title if submission is not None and submission.round is not None else None,
        "approved_on": _london_date(record.approved_at),
        "updated_on": _london_date(record.updated_at),
        "partner_names": _partner_names(questionnaire, answers, organisation_names),
        "shared_with": record.sharing,
    }
    for column in cols if cols is not None else columns(questionnaire):
        if column.question is not None:
            values[column.key] = answer_value(
                column.question, answers.get(column.question.id), organisation_names
            )
    return values


def answer_value(question: Question, value: Any, organisation_names: Mapping[str, str]) -> Value:
    """An answer as data: lists for several answers, Decimal for amounts, ISO text for dates, labels for
    choices. Text that cannot be read as what it should be ("about £5k" as an amount) is kept as typed."""
    kind = question.type
    if kind in ("checkboxes", "organisations", "repeating_group"):
        text = format_answer(question, value, organisation_names)
        return text.split("\n") if text else []
    if is_blank(value):
        return None
    if kind in ("number", "money"):
        parse = parse_number if kind == "number" else parse_money
        amount = Decimal(value) if isinstance(value, int) else parse(str(value))
        return amount if amount is not None else str(value).strip()
    if kind == "date" and (day := answer_date(value)) is not None:
        return day.isoformat()
    if kind == "month_year" and (month := answer_month(value)) is not None:
        return f"{month:%Y-%m}"
    return format_answer(question, value, organisation_names)


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, made plain text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value: Value, *, guard: bool = True) -> str | Decimal:
    """A value as one spreadsheet cell: lists joined, None empty, text made safe (unless `guard` is off: the
    XLSX writes text as string cells, which can never be formulas), numbers left as numbers."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    return neutralise(value) if guard else value


def csv_stream(
    records: Iterable[Record], questionnaire: Questionnaire, organisation_names: Mapping[str, str]
) -> Iterator[str]:
    """The records as CSV: a byte order mark and the header row first, then one chunk per record."""
    cols = columns(questionnaire)
    yield BOM + _csv_line([neutralise(column.heading) for column in cols])
    for record in records:
        values = row(record, questionnaire, organisation_names, cols)
        yield _csv_line([_csv_cell(cell(values[column.key])) for column in cols])


def json_stream(
    records: Iterable[Record], questionnaire: Questionnaire, organisation_names: Mapping[str, str]
) -> Iterator[str]:
    """The records as a JSON array of objects keyed "id" and the column keys, one chunk per record."""
    cols = columns(questionnaire)
    yield "["
    separator = ""
    for record in records:
        values = {"id": record.id, **row(record, questionnaire, organisation_names, cols)}
        yield separator + json.dumps(values, ensure_ascii=False, default=_json_number)
        separator = ","
    yield "]"


def data_dictionary_rows(questionnaire: Questionnaire, *, guard: bool = True) -> list[list[str]]:
    """The header and one row per column: heading, description, kind and JSON key."""
    rows = [["Column", "Description", "Type", "JSON key"]]
    rows += [[c.heading, c.description, c.kind, c.key] for c in columns(questionnaire)]
    return [[neutralise(text) for text in line] for line in rows] if guard else rows


def data_dictionary_csv(questionnaire: Questionnaire) -> str:
    """What each column of a download holds, as CSV, to go with a CSV or JSON download."""
    return BOM + "".join(_csv_line(line) for line in data_dictionary_rows(questionnaire))


def _describe(question: Question, kind: str) -> str:
    parts = [question.label]
    if question.hint:
        parts.append(question.hint)
    labels = [choice.label for choice in question.choices]
    if not labels and question.type == "yes_no":
        labels = list(YES_NO_LABELS.values())
    if labels:
        parts.append("Possible answers: " + LIST_SEPARATOR.join(labels) + ".")
    if kind in KIND_NOTES:
        parts.append(KIND_NOTES[kind])
    return " ".join(part.strip() for part in parts)


def _label(value: Any, enum: type[Sector] | type[Region], labels: Mapping[Any, str]) -> str | None:
    if value is None:
        return None
    try:
        return labels[enum(value)]
    except ValueError:
        return str(value)


def _london_date(value: datetime | None) -> str | None:
    return london(value).date().isoformat() if value is not None else None


def _partner_names(
    questionnaire: Questionnaire, answers: Mapping[str, Any], organisation_names: Mapping[str, str]
) -> list[str]:
    ids: dict[str, None] = {}  # ordered, without repeats
    for question in questionnaire.questions:
        value = answers.get(question.id)
        if question.type == "organisations" and isinstance(value, list):
            ids.update(dict.fromkeys(str(item) for item in value if not is_blank(item)))
    return [organisation_names.get(org_id, org_id) for org_id in ids]


def _csv_cell(value: str | Decimal) -> str:
    # Fixed-point, never "1E+3": every spreadsheet reads that as a number.
    return format(value, "f") if isinstance(value, Decimal) else value


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _json_number(value: Any) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
