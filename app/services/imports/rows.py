"""One row of a file as a project's answers, leniently: nothing in the row is lost and no cell blocks it.

Each cell is cleaned the way a person expects (non-breaking and doubled spaces, stray line breaks in one-line
answers) and read as its question's answer. A value that does not fit its question ("Summer 2013" for a start
month, "j.smith@lincsfire" for an email address, a theme the mapping does not know) is kept as given beside
an empty answer, and a warning names the row, the column and why. An organisation that matches nothing is
never guessed: it is kept as given, and the closest real organisations are offered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.questionnaires.display import is_blank
from app.questionnaires.rules import answer_error
from app.questionnaires.schema import Question, Questionnaire, is_question_visible, visible_answers
from app.services.imports import values
from app.services.imports.files import Column
from app.services.imports.mapping import ColumnSpec, Mapping
from app.services.imports.organisation_names import OrganisationMatcher
from app.services.imports.proposal import source_labels

MAX_KEY_LENGTH = 200
IMPORTED = "_imported"  # the answers' key for what an import kept beside them (never a question id)
ONE_LINE_TYPES = (
    "text",
    "number",
    "money",
    "date",
    "month_year",
    "radios",
    "select",
    "yes_no",
    "organisation",
)
# A row is a test response when its project name or lead organisation says so.
_TEST = re.compile(r"^\s*(test|testing|dummy|please ignore|ignore)\b|\b(test response|please ignore)\b", re.I)
NEAR_BLANK_ANSWERS = 2  # a row answering no more questions than this is proposed for skipping


@dataclass(frozen=True)
class Warning:
    row: int
    column: str
    value: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class RowOutcome:
    """A row read: its answers, what was kept as given, and whether it should be skipped (and why)."""

    row: int
    key: str
    answers: dict[str, Any] = field(default_factory=dict)
    as_given: dict[str, str] = field(default_factory=dict)  # question id -> the text that did not fit
    services: list[str] = field(default_factory=list)
    organisation_id: int | None = None
    lead_as_given: str = ""
    partner_ids: list[int] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # organisation names as typed
    warnings: list[Warning] = field(default_factory=list)
    skip_reason: str | None = None  # proposed: a test response, a blank or near-blank row
    cells: dict[str, str] = field(default_factory=dict)  # every non-empty cell, by column title
    name_id: str = ""  # the questions with the roles name and summary
    summary_id: str = ""
    missing: list[str] = field(
        default_factory=list
    )  # required questions the file asks that the row left empty

    @property
    def name(self) -> str:
        return str(self.answers.get(self.name_id) or self.as_given.get(self.name_id) or "")

    @property
    def summary(self) -> str:
        return str(self.answers.get(self.summary_id) or self.as_given.get(self.summary_id) or "")

    def stored_answers(self) -> dict[str, Any]:
        """The answers as a submission keeps them, with what the import kept as given beside them."""
        kept = dict(self.answers)
        extra: dict[str, Any] = {}
        if self.as_given:
            extra["as_given"] = dict(self.as_given)
        if self.services:
            extra["services"] = list(self.services)
        if self.missing:
            extra["incomplete"] = list(self.missing)
        if extra:
            kept[IMPORTED] = extra
        return kept


class RowReader:
    def __init__(
        self, mapping: Mapping, questionnaire: Questionnaire, matcher: OrganisationMatcher, layout: str
    ):
        self.mapping, self.questionnaire, self.matcher, self.layout = mapping, questionnaire, matcher, layout
        self.lead = mapping.lead_question
        self.name_id = questionnaire.role_question("name").id
        self.summary_id = questionnaire.role_question("summary").id

    def read(self, row: int, cells: list[str], columns: Sequence[Column]) -> RowOutcome:
        outcome = RowOutcome(
            row=row,
            key=self._key(row, cells),
            name_id=self.name_id,
            summary_id=self.summary_id,
        )
        titles = _unique_titles(columns)
        outcome.cells = {titles[n]: cells[c.index] for n, c in enumerate(columns) if cells[c.index].strip()}
        ordered = sorted(self.mapping.questions.items(), key=lambda item: item[1].question is not self.lead)
        for question_id, spec in ordered:
            self._answer(outcome, question_id, spec, cells)
        if self.mapping.services is not None:
            labels = source_labels(self.mapping.services, cells, self.layout)
            services = [self.mapping.services.choices.get(values.normal(label)) for label in labels]
            outcome.services = sorted({s for s in services if s})
        for question_id, value in self.mapping.defaults.items():
            if question_id not in outcome.answers and question_id not in outcome.as_given:
                outcome.answers[question_id] = value
        hidden = set(outcome.answers) - set(visible_answers(self.questionnaire, outcome.answers))
        for (
            question_id
        ) in hidden:  # answered in the file though the questionnaire would not ask: kept as given
            value = outcome.answers.pop(question_id)
            outcome.as_given.setdefault(question_id, _text_of(value))
        outcome.skip_reason = self._skip_reason(outcome)
        outcome.missing = self._missing(outcome)
        return outcome

    def _missing(self, outcome: RowOutcome) -> list[str]:
        """The required questions, shown for the row's answers, that the file asks (a column of the mapping
        reads them) but the row left empty: such a row comes in as an incomplete record, nothing invented.
        Questions the file never asks are optional for imported records."""
        given = set(outcome.answers) | set(outcome.as_given)
        return [
            q.id
            for q in self.questionnaire.questions
            if q.required
            and q.id in self.mapping.questions
            and q.id not in given
            and is_question_visible(self.questionnaire, q, outcome.answers)
        ]

    def _key(self, row: int, cells: list[str]) -> str:
        spec = self.mapping.row_id
        if spec is not None and spec.columns:
            key = values.clean_text(cells[spec.columns[0].index], one_line=True)[:MAX_KEY_LENGTH]
            if key:
                return key
        return f"row {row}"

    def _skip_reason(self, outcome: RowOutcome) -> str | None:
        lead_text = outcome.lead_as_given or ""
        if _TEST.search(outcome.name) or _TEST.search(lead_text):
            return "A test response"
        answered = len([a for a in outcome.answers if a not in self.mapping.defaults]) + len(outcome.as_given)
        if answered == 0:
            return "A blank response"
        if answered <= NEAR_BLANK_ANSWERS:
            return f"A near-blank response ({answered} {'answer' if answered == 1 else 'answers'})"
        return None

    def _answer(self, outcome: RowOutcome, question_id: str, spec: ColumnSpec, cells: list[str]) -> None:
        question = spec.question
        assert question is not None
        kind = question.type
        if kind in ("checkboxes", "radios", "select", "yes_no") or len(spec.columns) > 1:
            raw_list = source_labels(spec, cells, self.layout)
            text = "; ".join(raw_list)
        else:
            raw_list = []
            text = values.clean_text(cells[spec.columns[0].index], one_line=kind in ONE_LINE_TYPES)
        if not text:
            return
        title = spec.title
        value: Any
        if kind in ("date", "month_year"):
            value, reason = values.read_date(text, kind), "not a date the questionnaire can read"
        elif kind in ("radios", "select", "yes_no", "checkboxes"):
            value, reason = self._choices(outcome, question, spec, raw_list, title)
        elif kind in ("organisation", "organisations"):
            value, reason = self._organisations(outcome, question, spec, text, raw_list, title)
        elif kind == "money":
            value, reason = _money(text), "not an amount of money"
        elif question.role == "contact_phone":
            value, reason = values.read_phone(text), "not a telephone number"
        elif question.role == "contact_email":
            value, reason = (text if values.is_email(text) else None), "not a valid email address"
        else:
            value, reason = text, ""
        if value is not None and not is_blank(value) and question.role != "contact_phone":
            message = answer_error(question, value, organisations=())
            if message and kind not in ("organisation", "organisations"):
                value, reason = None, message
        if value is None or is_blank(value):
            if reason:
                outcome.as_given[question_id] = text
                outcome.warnings.append(Warning(outcome.row, title, text, reason))
            return
        outcome.answers[question_id] = value

    def _choices(
        self, outcome: RowOutcome, question: Question, spec: ColumnSpec, labels: list[str], title: str
    ) -> tuple[Any, str]:
        chosen: list[str] = []
        unknown: list[str] = []
        for label in labels:
            value = spec.choices.get(values.normal(label))
            (chosen if value is not None else unknown).append(value if value is not None else label)
        chosen = list(dict.fromkeys(chosen))
        if question.type == "checkboxes":
            if unknown:
                outcome.as_given[question.id] = "; ".join(unknown)
                reason = "not a choice the mapping knows"
                outcome.warnings.append(Warning(outcome.row, title, "; ".join(unknown), reason))
            return (chosen or None), ""
        if len(chosen) == 1 and not unknown:
            return chosen[0], ""
        reason = (
            "more than one answer to a question with one"
            if len(chosen) > 1
            else "not a choice the mapping knows"
        )
        return None, reason

    def _organisations(
        self,
        outcome: RowOutcome,
        question: Question,
        spec: ColumnSpec,
        text: str,
        labels: list[str],
        title: str,
    ) -> tuple[Any, str]:
        names = (
            [text]
            if question.type == "organisation"
            else (labels if len(spec.columns) > 1 else values.split(text, spec.separators))
        )
        found, unknown = [], []
        for name in names:
            alias = self.mapping.aliases.get(values.normal(name))
            match = self.matcher.find(alias or name)
            if match is None:
                unknown.append(name)
            else:
                found.append(match.id)
        outcome.unmatched += unknown
        if question.type == "organisation":
            if found and not unknown:
                outcome.organisation_id = found[0]
                return str(found[0]), ""
            outcome.lead_as_given = text
            return None, "an organisation that matches none in the directory"
        lead = outcome.organisation_id
        partners = [i for i in dict.fromkeys(found) if i != lead]
        outcome.partner_ids = partners
        if unknown:
            outcome.as_given[question.id] = "; ".join(unknown)
            reason = "organisations that match none in the directory"
            outcome.warnings.append(Warning(outcome.row, title, "; ".join(unknown), reason))
        return ([str(i) for i in partners] or None), ""


def _unique_titles(columns: Sequence[Column]) -> list[str]:
    """Each column's title, a later column with the same title as an earlier one named by its position too
    ("Name (column 24)"), so that no cell of a row is lost."""
    seen: set[str] = set()
    titles = []
    for column in columns:
        title = column.title if column.title not in seen else f"{column.title} (column {column.index + 1})"
        seen.add(title)
        titles.append(title)
    return titles


def _money(text: str) -> str | None:
    cleaned = re.sub(r"[£,\s]", "", text).removesuffix(".00")
    return cleaned if re.fullmatch(r"\d+(\.\d{1,2})?", cleaned) else None


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return "/".join(str(v) for v in value.values())
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
