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

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from app.formatting import london
from app.models import Record
from app.models.organisation import REGION_LABELS, SECTOR_LABELS, Region, Sector
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
from app.services.find.download_columns import FIXED_KEYS, LIST_SEPARATOR, Column, columns

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


CACHED_VALUES = 20_000  # answers remembered per column: choices, amounts and dates repeat across records


class RowMaker:
    """Turns records into rows of values, each column's conversion chosen once: a download of many records
    converts each distinct answer to a choice, amount or date once (CACHED_VALUES per column), and free text
    straight away."""

    def __init__(
        self, questionnaire: Questionnaire, organisation_names: Mapping[str, str], cols: list[Column]
    ) -> None:
        self.cols = cols
        self.questionnaire = questionnaire
        self.names = organisation_names
        self.partner_questions = [q.id for q in questionnaire.questions if q.type == "organisations"]
        self.answer_columns = [
            (column.key, column.question.id, self._converter(column.question))
            for column in cols
            if column.question is not None
        ]
        self.fixed_keys = {column.key for column in cols if column.question is None}
        # Free text is mostly different in every record: converted each time, never remembered.
        self.free_text = {
            column.question.id
            for column in cols
            if column.question is not None and column.question.type in ("text", "long_text")
        }
        self._finished: list[tuple[str, Callable[[Any], Any]]] | None = None
        self._labels: dict[tuple[str, Any], str | None] = {}
        self._dates: dict[datetime, str] = {}

    def _converter(self, question: Question) -> Callable[[Any], Value]:
        names = self.names
        if question.type in ("text", "long_text"):

            def text(value: Any) -> Value:
                if isinstance(value, str):
                    return value.strip() or None
                return answer_value(question, value, names)

            return text
        cache: dict[Any, Value] = {}

        def cached(value: Any) -> Value:
            key = _hashable(value)
            if key is None:
                return answer_value(question, value, names)
            found = cache.get(key, cache)
            if found is cache:
                found = answer_value(question, value, names)
                if len(cache) < CACHED_VALUES:
                    cache[key] = found
            return found  # type: ignore[return-value]

        return cached

    def values(self, record: Record | ExportRecord) -> dict[str, Value]:
        """One record as column key -> value: text, Decimal, an ISO date, a list of labels, or None."""
        record = of_record(record)
        answers = record.answers or {}
        values = self.values_fixed(record)
        for key, question_id, convert in self.answer_columns:
            values[key] = convert(answers.get(question_id))
        return values

    def values_fixed(self, record: ExportRecord) -> dict[str, Value]:
        answers = record.answers or {}
        return {
            "reference": record.reference,
            "name": record.name,
            "lead_organisation_name": record.organisation_name,
            "lead_organisation_sector": self._label(record.organisation_sector, Sector, SECTOR_LABELS),
            "region": self._label(record.organisation_region, Region, REGION_LABELS),
            "round": record.round_title,
            "approved_on": self._date(record.approved_at),
            "updated_on": self._date(record.updated_at),
            "partner_names": self._partners(answers),
            "shared_with": record.sharing,
            **_imported(answers, self.questionnaire),
        }

    def cells(self, record: Record | ExportRecord, finish: Callable[[Value], Any]) -> list[Any]:
        """One record as the cells of a file's line, in the columns' order, each value passed through
        `finish` (a CSV or XLSX cell maker; always the same one for one RowMaker). Each answer column's
        finished cells are remembered (CACHED_VALUES of them, free text never), so a repeated answer costs
        one look-up."""
        if self._finished is None:
            self._finished = [
                (
                    question_id,
                    _free_text(convert, finish)
                    if question_id in self.free_text
                    else _remembered(convert, finish),
                )
                for _, question_id, convert in self.answer_columns
            ]
        values = self.values_fixed(of_record(record))
        answers = record.answers or {}
        line = [finish(values[key]) for key in FIXED_KEYS if key in self.fixed_keys]
        line += [convert(answers.get(question_id)) for question_id, convert in self._finished]
        return line

    def _label(self, value: Any, enum: type[Sector] | type[Region], labels: Mapping[Any, str]) -> str | None:
        key = (enum.__name__, value)
        if key not in self._labels:
            self._labels[key] = _label(value, enum, labels)
        return self._labels[key]

    def _date(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        found = self._dates.get(value)
        if found is None:
            found = _london_date(value) or ""
            if len(self._dates) < CACHED_VALUES:
                self._dates[value] = found
        return found

    def _partners(self, answers: Mapping[str, Any]) -> list[str]:
        ids: dict[str, None] = {}  # ordered, without repeats
        for question_id in self.partner_questions:
            value = answers.get(question_id)
            if isinstance(value, list):
                ids.update(dict.fromkeys(str(item) for item in value if not is_blank(item)))
        return [self.names.get(org_id, org_id) for org_id in ids]


def _free_text(convert: Callable[[Any], Value], finish: Callable[[Value], Any]) -> Callable[[Any], Any]:
    """Free-text answers as finished cells (as `convert` then `finish` would make them), text directly."""

    def to_cell(value: Any) -> Any:
        if value.__class__ is str:
            return finish(value.strip() or None)
        return finish(convert(value))

    return to_cell


def _remembered(convert: Callable[[Any], Value], finish: Callable[[Value], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}
    missing = object()

    def to_cell(value: Any) -> Any:
        key = value if value.__class__ is str else _hashable(value)
        if key is None:
            return finish(convert(value))
        found = cache.get(key, missing)
        if found is missing:
            found = finish(convert(value))
            if len(cache) < CACHED_VALUES:
                cache[key] = found
        return found

    return to_cell


def csv_cell(value: Value) -> str:
    """A value as a CSV cell's text."""
    return _csv_cell(cell(value))


def _hashable(value: Any) -> Any:
    """A key for an answer (None when it has none worth keeping: a repeating group, say). Text is its own
    key; anything else is told apart from text by its type."""
    if value.__class__ is str:
        return value
    if isinstance(value, int | float) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return ("list", tuple(value))
    if isinstance(value, dict) and all(isinstance(item, str | int) for item in value.values()):
        return ("dict", tuple(sorted(value.items())))
    return None


def row(
    record: Record | ExportRecord,
    questionnaire: Questionnaire,
    organisation_names: Mapping[str, str],
    cols: list[Column] | None = None,
) -> dict[str, Value]:
    """One record as column key -> value: text, Decimal, an ISO date, a list of labels or names, or None."""
    cols = cols if cols is not None else columns(questionnaire)
    return RowMaker(questionnaire, organisation_names, cols).values(record)


def _imported(answers: Mapping[str, Any], questionnaire: Questionnaire) -> dict[str, Value]:
    kept = answers.get("_imported") or {}
    source = kept.get("source") or {}
    given = kept.get("as_given") or {}
    labels = {q.id: q.short_label for q in questionnaire.questions}
    personal = {q.id for q in questionnaire.questions if q.role in PERSONAL_ROLES}
    incomplete = " (incomplete)" if set(kept.get("incomplete") or []) - set(answers) else ""
    sources = [f"{source.get('file')}, row {source.get('row')}{incomplete}"] if source else []
    sources += [f"{m.get('file')}, row {m.get('row')} (merged)" for m in kept.get("merged") or []]
    return {
        "imported_from": "; ".join(sources) or None,
        # Contact details typed oddly stay out, as the record page keeps them for people who sign in.
        "kept_as_given": "; ".join(f"{labels.get(k, k)}: {v}" for k, v in given.items() if k not in personal)
        or None,
    }


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
