"""Records as the rows of a download: each column's conversion chosen once, and each distinct answer or value
converted and finished (as a CSV or XLSX cell) once per download. The values themselves (labels, amounts,
dates, lists) are defined in downloads.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from app.models import Record
from app.models.organisation import REGION_LABELS, SECTOR_LABELS, Region, Sector
from app.questionnaires.display import is_blank
from app.questionnaires.schema import Question, Questionnaire
from app.services.find.download_columns import FIXED_KEYS, Column, columns
from app.services.find.downloads import (
    ExportRecord,
    Value,
    _imported,
    _label,
    _london_date,
    _question_labels,
    answer_value,
    of_record,
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
        self._fixed: list[Callable[[ExportRecord, Any], Any]] = []
        self._question_labels = _question_labels(questionnaire)
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
            **_imported(answers, self.questionnaire, self._question_labels),
        }

    def cells(self, record: Record | ExportRecord, finish: Callable[[Value], Any]) -> list[Any]:
        """One record as the cells of a file's line, in the columns' order, each value passed through
        `finish` (a CSV or XLSX cell maker; always the same one for one RowMaker). Every column's finished
        cells are remembered by the answer or value they come from (CACHED_VALUES of them; free text, names
        and references never), so a repeated value costs one look-up."""
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
            self._fixed = self._fixed_cells(finish)
        if record.__class__ is not ExportRecord:
            record = of_record(record)
        answers = record.answers or {}
        get = answers.get
        line = [cell_of(record, answers) for cell_of in self._fixed]
        line += [convert(get(question_id)) for question_id, convert in self._finished]
        return line

    def _fixed_cells(self, finish: Callable[[Value], Any]) -> list[Callable[[ExportRecord, Any], Any]]:
        """For each fixed column in use, in order: record and answers -> finished cell."""
        by_value = _by_value(finish)
        organisation, round_, shared = (by_value(lambda v: v) for _ in range(3))
        sector_label = by_value(lambda v: self._label(v, Sector, SECTOR_LABELS))
        region_label = by_value(lambda v: self._label(v, Region, REGION_LABELS))
        dates = by_value(_london_date)
        partners = by_value(lambda answers: self._partners(answers))
        empty = finish(None)

        def partner_key(answers: Mapping[str, Any]) -> Any:
            return tuple(map(_key, map(answers.get, self.partner_questions)))

        def imported(key: str) -> Callable[[ExportRecord, Any], Any]:
            def cell_of(record: ExportRecord, answers: Mapping[str, Any]) -> Any:
                if "_imported" not in answers:
                    return empty
                return finish(_imported(answers, self.questionnaire, self._question_labels)[key])

            return cell_of

        makers: dict[str, Callable[[ExportRecord, Any], Any]] = {
            "reference": lambda r, a: finish(r.reference),
            "name": lambda r, a: finish(r.name),
            "lead_organisation_name": lambda r, a: organisation(r.organisation_name),
            "lead_organisation_sector": lambda r, a: sector_label(r.organisation_sector),
            "region": lambda r, a: region_label(r.organisation_region),
            "round": lambda r, a: round_(r.round_title),
            # A London date depends only on the UTC hour: one conversion an hour, however many records.
            "approved_on": lambda r, a: dates(_hour(r.approved_at), r.approved_at),
            "updated_on": lambda r, a: dates(_hour(r.updated_at), r.updated_at),
            "partner_names": lambda r, a: partners(partner_key(a), a),
            "shared_with": lambda r, a: shared(r.sharing),
            "imported_from": imported("imported_from"),
            "kept_as_given": imported("kept_as_given"),
        }
        return [makers[key] for key in FIXED_KEYS if key in self.fixed_keys]

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

    unanswered = finish(convert(None))

    def to_cell(value: Any) -> Any:
        if value.__class__ is str:
            return finish(value.strip() or None)
        if value is None:
            return unanswered
        return finish(convert(value))

    return to_cell


def _remembered(convert: Callable[[Any], Value], finish: Callable[[Value], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}
    missing = object()

    unanswered = finish(convert(None))

    def to_cell(value: Any) -> Any:
        kind = value.__class__
        if kind is str:
            key = value
        elif value is None:
            return unanswered
        elif kind is list:
            key = ("list", *value)  # unhashable items (a repeating group's rows): not remembered, below
        else:
            key = _hashable(value)
            if key is None:
                return finish(convert(value))
        try:
            found = cache.get(key, missing)
        except TypeError:
            return finish(convert(value))
        if found is missing:
            found = finish(convert(value))
            if len(cache) < CACHED_VALUES:
                cache[key] = found
        return found

    return to_cell


def _by_value(finish: Callable[[Value], Any]) -> Callable[..., Callable[..., Any]]:
    """A maker of cached cells: `by_value(convert)` gives `cell(key, value=key)`, the finished cell of
    convert(value), remembered by `key` (CACHED_VALUES of them; a key of None is never remembered)."""

    def by_value(convert: Callable[[Any], Value]) -> Callable[..., Any]:
        cache: dict[Any, Any] = {}
        missing = object()

        def cell_of(key: Any, value: Any = missing) -> Any:
            try:
                found = cache.get(key, missing)
            except TypeError:  # a key holding something unhashable: converted, not remembered
                key, found = None, missing
            if found is missing:
                found = finish(convert(key if value is missing else value))
                if key is not None and len(cache) < CACHED_VALUES:
                    cache[key] = found
            return found

        return cell_of

    return by_value


def _hour(value: datetime | None) -> int | None:
    return int(value.timestamp()) // 3600 if value is not None else None


def _key(value: Any) -> Any:
    """A key for an answer, or something unhashable (that the caches refuse) when it has none."""
    if value.__class__ is list:
        return ("list", *value)  # unhashable if its items are (a repeating group's rows)
    key = _hashable(value)
    return [] if key is None else key


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
