"""One row of a file as a project's answers, checked by the questionnaire's own rules.

Records must pass every rule a lead's submission passes (required questions included, for the questions the
answers show); drafts only the rules for what is there, as a page saved part-way is: their lead organisation
completes them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.questionnaires.display import is_blank
from app.questionnaires.organisation_options import OrganisationOption, offered
from app.questionnaires.rules import answer_error, sentence_start
from app.questionnaires.schema import Page, Question, Questionnaire, is_question_visible, visible_answers
from app.services.imports import values
from app.services.imports.mapping import ColumnSpec, Mapping

MAX_KEY_LENGTH = 200
SUGGESTIONS = 3
_PUNCTUATION = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # "" when the problem is with the whole row
    message: str

    def describe(self) -> str:
        where = f"Row {self.row}, column '{self.column}'" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class UnknownName:
    name: str  # as typed
    row: int


@dataclass
class ProjectRow:
    """A row that passed every check: what becomes a project."""

    row: int
    key: str
    answers: dict[str, Any]
    organisation_id: int
    partner_ids: list[int]
    name: str


@dataclass
class Outcome:
    project: ProjectRow | None
    key: str | None
    problems: list[RowProblem] = field(default_factory=list)
    unknown_names: list[UnknownName] = field(default_factory=list)


def organisation_key(name: str) -> str:
    """A name compared the way people mean it: "Kent Fire & Rescue" and "kent fire and rescue" are one."""
    text = name.casefold().replace("&", " and ").replace("-", " ").replace("'", "").replace("\u2019", "")
    words = _PUNCTUATION.sub(" ", text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


class Directory:
    """The organisations an import may name, found by name or by an alias in the mapping."""

    def __init__(self, options: Sequence[OrganisationOption], aliases: dict[str, str]):
        self.options = list(options)
        self._by_key = {organisation_key(o.name): o for o in self.options}
        self._aliases = {organisation_key(typed): organisation_key(name) for typed, name in aliases.items()}

    def find(self, name: str) -> OrganisationOption | None:
        key = organisation_key(name)
        return self._by_key.get(self._aliases.get(key, key))

    def suggestions(self, name: str) -> list[str]:
        """The directory's names closest to a name it does not know, best first."""
        close = difflib.get_close_matches(
            organisation_key(name), list(self._by_key), n=SUGGESTIONS, cutoff=0.6
        )
        return [self._by_key[key].name for key in close]

    def offered(self, question: Question, lead_id: int | None) -> tuple[OrganisationOption, ...]:
        """What the question's page would offer."""
        return offered(question, self.options, lead_id)


class RowReader:
    def __init__(
        self, mapping: Mapping, questionnaire: Questionnaire, directory: Directory, *, records: bool
    ):
        self.mapping, self.questionnaire, self.directory, self.records = (
            mapping,
            questionnaire,
            directory,
            records,
        )

    def read(self, row: int, cells: list[str]) -> Outcome:
        key = self._key(row, cells)
        outcome = Outcome(project=None, key=key if isinstance(key, str) else None)
        if isinstance(key, RowProblem):
            outcome.problems.append(key)
        answers: dict[str, Any] = {}
        failed: set[str] = set()
        lead = self.mapping.lead_question
        # The lead first: the partners question leaves it out.
        ordered = sorted(self.mapping.questions.items(), key=lambda item: item[1].question is not lead)
        for question_id, spec in ordered:
            value = self._answer(row, cells, spec, answers, outcome)
            if value is _FAILED:
                failed.add(question_id)
            elif not is_blank(value):
                answers[question_id] = value
        for question_id, value in self.mapping.defaults.items():
            answers.setdefault(question_id, value)
        self._check(row, answers, failed, outcome)
        if outcome.problems or outcome.key is None or lead is None or lead.id not in answers:
            return outcome
        kept = visible_answers(self.questionnaire, answers)
        lead_id = int(answers[lead.id])
        partners = [
            int(v)
            for q in self.questionnaire.questions
            if q.type == "organisations"
            for v in kept.get(q.id, [])
        ]
        outcome.project = ProjectRow(
            row=row,
            key=outcome.key,
            answers=kept,
            organisation_id=lead_id,
            partner_ids=list(dict.fromkeys(partners)),
            name=str(self.questionnaire.answer(kept, "name") or ""),
        )
        return outcome

    def _key(self, row: int, cells: list[str]) -> str | RowProblem:
        spec = self.mapping.row_id
        assert spec is not None and spec.columns
        key = cells[spec.columns[0].index].strip()
        if not key:
            return RowProblem(
                row, spec.title, "Enter the row's id: it identifies the project if the file is imported again"
            )
        if len(key) > MAX_KEY_LENGTH:
            return RowProblem(row, spec.title, f"The row's id must be {MAX_KEY_LENGTH} characters or fewer")
        return key

    def _answer(
        self, row: int, cells: list[str], spec: ColumnSpec, answers: dict[str, Any], outcome: Outcome
    ) -> Any:
        question = spec.question
        assert question is not None
        raw: str | list[str]
        if len(spec.columns) == 1:
            raw = cells[spec.columns[0].index].replace("\r\n", "\n").strip()
        else:  # SurveyMonkey: one column per option, filled in when it was ticked
            raw = [column.option for column in spec.columns if cells[column.index].strip()]
        if is_blank(raw):
            return ""
        kind = question.type
        problem = None
        if kind in ("date", "month_year"):
            parts = values.read_date(str(raw), kind)
            if parts is None:
                label = sentence_start(question.short_label)
                problem = f"{label} must be a real date, like {values.example_date(kind)}"
            value: Any = parts
        elif kind in ("radios", "select", "yes_no", "checkboxes"):
            value, problem = self._choices(question, spec, raw)
        elif kind in ("organisation", "organisations"):
            value, problem = self._organisations(question, spec, raw, answers, row, outcome)
        elif isinstance(raw, list):
            value = "; ".join(raw)
        else:
            value = raw
        if problem:
            outcome.problems.append(RowProblem(row, spec.title, problem))
            return _FAILED
        return value

    def _choices(self, question: Question, spec: ColumnSpec, raw: str | list[str]) -> tuple[Any, str | None]:
        labels = (
            raw
            if isinstance(raw, list)
            else values.split(raw, spec.separators)
            if question.type == "checkboxes"
            else [raw]
        )
        chosen = []
        for label in labels:
            value = spec.choices.get(values.normal(label))
            if value is None:
                known = ", ".join(f"'{choice}'" for choice in values.choice_values(question))
                return None, (
                    f"'{label}' is not an answer the mapping knows for {question.short_label.lower()}: "
                    f"add it under choices for '{question.id}' in the mapping, as one of {known}"
                )
            chosen.append(value)
        chosen = list(dict.fromkeys(chosen))
        if question.type == "checkboxes":
            return chosen, None
        if len(chosen) > 1:
            return None, f"Only one answer can be given for {question.short_label.lower()}, not {len(chosen)}"
        return chosen[0], None

    def _organisations(
        self,
        question: Question,
        spec: ColumnSpec,
        raw: str | list[str],
        answers: dict[str, Any],
        row: int,
        outcome: Outcome,
    ) -> tuple[Any, str | None]:
        names = (
            raw
            if isinstance(raw, list)
            else values.split(raw, spec.separators)
            if question.type == "organisations"
            else [raw]
        )
        found, unknown = [], []
        for name in names:
            option = self.directory.find(name)
            if option is None:
                unknown.append(name)
                outcome.unknown_names.append(UnknownName(name, row))
            else:
                found.append(str(option.id))
        if unknown:
            listed = ", ".join(f"'{name}'" for name in unknown)
            noun = "is not an organisation" if len(unknown) == 1 else "are not organisations"
            pronoun = "it" if len(unknown) == 1 else "them"
            return (
                None,
                f"{listed} {noun} in the directory: add {pronoun} to organisation_aliases in the mapping",
            )
        if question.type == "organisation":
            if len(found) > 1:
                return None, f"Only one organisation can lead the project, not {len(found)}"
            return found[0], None
        lead = self.mapping.lead_question
        lead_id = answers.get(lead.id) if lead else None
        return [value for value in dict.fromkeys(found) if value != lead_id], None

    def page_is_valid(self, page: Page, answers: dict[str, Any]) -> bool:
        """Whether a page's answers pass its checks, as saving it with "Save and continue" would."""
        lead = self.mapping.lead_question
        lead_id = int(answers[lead.id]) if lead and lead.id in answers else None
        return not any(
            answer_error(q, answers.get(q.id), organisations=self.directory.offered(q, lead_id))
            for q in page.questions
            if q.type != "repeating_group" and is_question_visible(self.questionnaire, q, answers)
        )

    def _check(self, row: int, answers: dict[str, Any], failed: set[str], outcome: Outcome) -> None:
        lead = self.mapping.lead_question
        lead_id = int(answers[lead.id]) if lead and lead.id in answers else None
        for question in self.questionnaire.questions:
            if question.id in failed or question.type == "repeating_group":
                continue
            if not is_question_visible(self.questionnaire, question, answers):
                continue
            value = answers.get(question.id)
            if is_blank(value) and not self.records:
                continue
            message = answer_error(question, value, organisations=self.directory.offered(question, lead_id))
            if message:
                spec = self.mapping.questions.get(question.id)
                if spec is not None:
                    outcome.problems.append(RowProblem(row, spec.title, message))
                else:
                    outcome.problems.append(
                        RowProblem(row, "", f"{message} (the mapping gives no column for '{question.id}')")
                    )


_FAILED = object()
