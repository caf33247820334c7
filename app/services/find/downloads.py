"""The rows of the collaboration database's downloads: exactly the records a person is looking at.

Everything streams: the caller passes an iterable of records (a query's `yield_per`, say) and sends each chunk
as it is made, so memory stays flat however many records there are. The spreadsheet (XLSX) is in
downloads_xlsx.py, the CSV and JSON streams in download_streams.py and the columns in download_columns.py;
all read the same rows from here.

A cell a spreadsheet would read as a formula (one starting =, +, -, @, a tab or a carriage return) gets a
leading apostrophe, following OWASP's advice on CSV injection: answers are typed by people outside this team.
Only text is touched; numbers stay numbers, so a negative amount is still a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from app.formatting import london
from app.models import Record
from app.models.organisation import Region, Sector
from app.questionnaires.display import (
    answer_date,
    answer_month,
    format_answer,
    is_blank,
    parse_money,
    parse_number,
)
from app.questionnaires.roles import PERSONAL_ROLES
from app.questionnaires.schema import Question, Questionnaire
from app.services.find.download_columns import LIST_SEPARATOR

BOM = "\ufeff"  # so that Excel reads the file as UTF-8
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_CHARACTERS = 64 * 1024  # a CSV download is sent in pieces of about this size
CHUNK_RECORDS = 200

Value = str | Decimal | list[str] | None


class ExportRecord(NamedTuple):
    """What a download needs of one record, read in one query without the ORM (find.export_records), or
    taken from a Record (`of_record`)."""

    id: int
    name: str | None
    sharing: str | None
    approved_at: datetime | None
    updated_at: datetime | None
    answers: Mapping[str, Any] | None
    organisation_name: str | None
    organisation_sector: Any
    organisation_region: Any
    reference: str | None
    round_title: str | None


def of_record(record: Record | ExportRecord) -> ExportRecord:
    if isinstance(record, ExportRecord):
        return record
    organisation, submission = record.organisation, record.submission
    round_ = submission.round if submission is not None else None
    return ExportRecord(
        id=record.id,
        name=record.name,
        sharing=record.sharing,
        approved_at=record.approved_at,
        updated_at=record.updated_at,
        answers=record.answers,
        organisation_name=organisation.name if organisation is not None else None,
        organisation_sector=organisation.sector if organisation is not None else None,
        organisation_region=organisation.region if organisation is not None else None,
        reference=submission.reference if submission is not None else None,
        round_title=round_.title if round_ is not None else None,
    )


def csv_cell(value: Value) -> str:
    """A value as a CSV cell's text (`_csv_cell(cell(value))` in one call: it runs for every cell)."""
    if value is None:
        return ""
    if value.__class__ is list:
        value = LIST_SEPARATOR.join(value)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return _csv_cell(cell(value))


def _imported(
    answers: Mapping[str, Any],
    questionnaire: Questionnaire,
    known: tuple[dict[str, str], set[str]] | None = None,
) -> dict[str, Value]:
    kept = answers.get("_imported") or {}
    source = kept.get("source") or {}
    given = kept.get("as_given") or {}
    labels, personal = known or _question_labels(questionnaire)
    incomplete = " (incomplete)" if set(kept.get("incomplete") or []) - set(answers) else ""
    sources = [f"{source.get('file')}, row {source.get('row')}{incomplete}"] if source else []
    sources += [f"{m.get('file')}, row {m.get('row')} (merged)" for m in kept.get("merged") or []]
    return {
        "imported_from": "; ".join(sources) or None,
        # Contact details typed oddly stay out, as the record page keeps them for people who sign in.
        "kept_as_given": "; ".join(f"{labels.get(k, k)}: {v}" for k, v in given.items() if k not in personal)
        or None,
    }


def _question_labels(questionnaire: Questionnaire) -> tuple[dict[str, str], set[str]]:
    """Each question's short label by id, and the ids of the questions holding contact details."""
    labels = {q.id: q.short_label for q in questionnaire.questions}
    return labels, {q.id for q in questionnaire.questions if q.role in PERSONAL_ROLES}


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


T = TypeVar("T")


def neutralise(value: T) -> T | str:
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


def _label(value: Any, enum: type[Sector] | type[Region], labels: Mapping[Any, str]) -> str | None:
    if value is None:
        return None
    try:
        return labels[enum(value)]
    except ValueError:
        return str(value)


def _london_date(value: datetime | None) -> str | None:
    return london(value).date().isoformat() if value is not None else None


def _csv_cell(value: str | Decimal) -> str:
    # Fixed-point, never "1E+3": every spreadsheet reads that as a number.
    return format(value, "f") if isinstance(value, Decimal) else value
