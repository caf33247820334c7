"""The shape of a questionnaire definition once loaded and validated.

A definition is data (YAML, see loader.py); these frozen dataclasses are what the rest of the service reads.
Answers are keyed by question id and stored as JSON, in the shapes listed under ANSWER SHAPES below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

QUESTION_TYPES = (
    "text",  # one line
    "long_text",  # a textarea, usually with a word limit
    "number",  # whole or decimal number
    "money",  # pounds, up to 2 decimal places
    "date",  # day, month, year
    "month_year",  # month and year
    "yes_no",
    "radios",
    "checkboxes",
    "select",
    "organisation",  # one organisation from the organisation list
    "organisations",  # several organisations from the organisation list
    "repeating_group",  # a list of items, each answering `fields`
)

# ANSWER SHAPES (what is stored under answers[question.id], always JSON):
#   text, long_text, number, money, radios, select, yes_no ("yes" / "no"), organisation (organisation id as a
#   string): str, exactly as typed (stripped); numbers are kept as typed, so "1,250" is not lost when invalid;
#   date: {"day": str, "month": str, "year": str}; month_year: {"month": str, "year": str};
#   checkboxes, organisations: list[str];
#   repeating_group: list[dict[str, Any]] keyed by the fields' ids, each in its own shape.
# A question never answered is absent from the dict.


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str | None = None
    # "or" divider and an exclusive "none of these" option for checkboxes, in the GOV.UK style.
    exclusive: bool = False


@dataclass(frozen=True)
class Condition:
    """Shown when the answer to `question` is one of `values` (for checkboxes: includes one of them)."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Validation:
    min_length: int | None = None  # characters, text types
    max_length: int | None = None
    max_words: int | None = None  # long_text
    min_value: Decimal | None = None  # number, money
    max_value: Decimal | None = None
    whole_number: bool = False  # number
    pattern: str | None = None  # a regular expression the whole answer must match (text)
    pattern_message: str | None = None  # the GOV.UK message when it does not
    min_items: int | None = None  # checkboxes, organisations, repeating_group
    max_items: int | None = None
    not_before: str | None = None  # date / month_year: ISO date "2000-01-01", or "today"
    not_after: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str  # the question as asked, e.g. "What is the project called?"
    short_label: str  # as shown in check your answers and in messages, e.g. "Project name"
    line: int  # where the question starts in the YAML file, for messages about the definition
    hint: str | None = None
    required: bool = True
    required_message: str | None = None  # overrides the default "Enter ..."/"Select ..." message
    choices: tuple[Choice, ...] = ()
    validation: Validation = field(default_factory=Validation)
    show_when: Condition | None = None  # conditional display, by a question on the same or an earlier page
    facet: str | None = None  # the answer becomes this facet of the database record
    role: str | None = None  # what the service reads this answer as (roles.py), e.g. "name", "sharing"
    searchable: bool = False  # the answer is indexed for full-text search
    fields: tuple[Question, ...] = ()  # repeating_group only
    item_name: str | None = None  # repeating_group: what one item is called, e.g. "partner"
    # organisation / organisations: only organisations of these sectors (empty = any)
    sectors: tuple[str, ...] = ()
    # organisations: at least one chosen organisation must be in one of these sectors
    require_one_of_sectors: tuple[str, ...] = ()
    require_one_of_sectors_message: str | None = None
    # organisation: the answer is the reporting lead's own organisation (chosen to start with): the project
    # belongs to the organisation that reports it, in lists, emails, Find and duplicate checks alike
    own_organisation: bool = False

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


@dataclass(frozen=True)
class Page:
    id: str
    title: str  # the page's h1; for a one-question page, usually the question itself
    line: int
    questions: tuple[Question, ...]
    intro: str | None = None  # a paragraph under the heading
    show_when: Condition | None = None  # the whole page is skipped unless this holds


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    line: int
    pages: tuple[Page, ...]
    # Sections that must be completed first; until then this one "cannot start yet".
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerRule:
    """A rule across answers (the definition's `rules:`), checked where `question` is asked and before
    submitting. Exactly one of: `not_before` / `not_after` (another date or month-year question: this answer
    is the same as or after / before it), `forbid` (these answers are not allowed), `require` (an answer is
    needed). `when` limits the rule to answers where the condition holds. `message` says what to do."""

    id: str
    question: str  # the answer the message goes on: on the page that can put it right
    message: str
    line: int
    not_before: str | None = None
    not_after: str | None = None
    forbid: tuple[str, ...] = ()
    require: bool = False
    when: Condition | None = None


@dataclass(frozen=True)
class Questionnaire:
    id: str  # e.g. "collaboration"
    version: str  # e.g. "2026.1"
    title: str
    sections: tuple[Section, ...]
    declaration: str  # the text the lead confirms before submitting
    rules: tuple[AnswerRule, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.id}/{self.version}"

    # Worked out once: a questionnaire never changes (rows of an import ask for them thousands of times).
    @cached_property
    def pages(self) -> tuple[Page, ...]:
        return tuple(page for section in self.sections for page in section.pages)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for page in self.pages for q in page.questions)

    @cached_property
    def _pages_by_question(self) -> dict[str, Page]:
        return {q.id: page for page in self.pages for q in page.questions}

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)

    def page_of(self, question: Question) -> Page | None:
        """The page that asks this question (found by its id, then compared: usually the same object)."""
        page = self._pages_by_question.get(question.id)
        return page if page is not None and question in page.questions else None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def with_role(self, role: str) -> Question | None:
        """The question with this role (roles.py); None only for a role the service does not require."""
        return next((q for q in self.questions if q.role == role), None)

    def role_question(self, role: str) -> Question:
        """The question with a role the loader requires of every definition."""
        question = self.with_role(role)
        if question is None:
            raise LookupError(f"Questionnaire {self.key} has no question with the role '{role}'")
        return question

    def answer(self, answers: dict[str, Any], role: str, default: Any = None) -> Any:
        """The answer to the question with this role, or `default` when there is none."""
        question = self.with_role(role)
        return default if question is None else answers.get(question.id, default)

    def section_of(self, page_id: str) -> Section | None:
        return next((s for s in self.sections if any(p.id == page_id for p in s.pages)), None)


def condition_holds(condition: Condition | None, answers: dict[str, Any]) -> bool:
    if condition is None:
        return True
    answer = answers.get(condition.question)
    if isinstance(answer, list):
        return any(value in condition.values for value in answer)
    return answer in condition.values


def is_page_visible(questionnaire: Questionnaire, page: Page, answers: dict[str, Any]) -> bool:
    """A page is shown when its own condition holds and the question its condition names is itself shown."""
    if not condition_holds(page.show_when, answers):
        return False
    if page.show_when is not None:
        controller = questionnaire.question(page.show_when.question)
        if controller is not None and not is_question_visible(questionnaire, controller, answers):
            return False
    return True


def is_question_visible(questionnaire: Questionnaire, question: Question, answers: dict[str, Any]) -> bool:
    page = questionnaire.page_of(question)
    if page is not None and not is_page_visible(questionnaire, page, answers):
        return False
    if not condition_holds(question.show_when, answers):
        return False
    if question.show_when is not None:
        controller = questionnaire.question(question.show_when.question)
        if controller is not None and controller is not question:
            return is_question_visible(questionnaire, controller, answers)
    return True


def visible_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """Only the answers to questions that are shown: what is submitted, displayed and published."""
    return {
        q.id: answers[q.id]
        for q in questionnaire.questions
        if q.id in answers and is_question_visible(questionnaire, q, answers)
    }
