"""The form for one page of a questionnaire, built from its definition at run time.

    form = page_form(page, questionnaire, answers=saved, organisations=options, own_organisation_id=org.id)
    typed = form.collect()                    # always: what was typed, valid or not, to save
    if form.action: ...                       # "add:<id>" / "remove:<id>:<slot>": save, show the page again
    elif form.check({**saved, **typed}): ...  # valid: move on

Field names are the question ids; a repeating group's inputs are `<question id>-<slot>-<field id>`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.forms.organisation_fields import OrganisationAnswer, OrganisationsAnswer
from app.forms.page_layout import Item, Node, arrange, walk
from app.forms.questionnaire_fields import (
    AnswerField,
    CheckboxesAnswer,
    ChoiceAnswer,
    DateAnswer,
    GroupAnswer,
    LongTextAnswer,
    TextAnswer,
    input_id,
)
from app.questionnaires.answer_rules import broken_rules
from app.questionnaires.display import is_blank, item_field_shown
from app.questionnaires.organisation_options import OrganisationOption, offered
from app.questionnaires.rules import answer_error, item_label, own_organisation_error, sentence_start
from app.questionnaires.schema import (
    Page,
    Question,
    Questionnaire,
    condition_holds,
    is_question_visible,
)

__all__ = ["PageForm", "page_form", "page_heading"]

SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Without a max_items, a repeating group still takes no more items than this (a posted form names its slots).
MAX_ITEMS = 50
_ADD = re.compile(r"add:([a-z][a-z0-9_]*)")
_REMOVE = re.compile(r"remove:([a-z][a-z0-9_]*):(\d{1,4})")
_REMOVE_ORGANISATION = re.compile(r"remove:([a-z][a-z0-9_]*):(\d{1,9})")


# The field of each question type.
FIELD_CLASSES: dict[str, type[AnswerField]] = {
    "text": TextAnswer,
    "number": TextAnswer,
    "money": TextAnswer,
    "long_text": LongTextAnswer,
    "date": DateAnswer,
    "month_year": DateAnswer,
    "yes_no": ChoiceAnswer,
    "radios": ChoiceAnswer,
    "select": ChoiceAnswer,
    "checkboxes": CheckboxesAnswer,
    "organisation": OrganisationAnswer,
    "organisations": OrganisationsAnswer,
    "repeating_group": GroupAnswer,
}


class PageForm(FlaskForm):
    page: Page
    questionnaire: Questionnaire
    answers: dict[str, Any]
    action: str | None = None
    own_organisation_id: int | None = None
    _offered: dict[str, Sequence[OrganisationOption]]  # question id → the organisations it offers

    @property
    def question_is_heading(self) -> bool:
        return question_is_heading(self.page)

    def collect(self) -> dict[str, Any]:
        """Every question on the page in its ANSWER SHAPE, valid or not: "", [] or {} when blank (so that
        {**saved, **collect()} clears what was cleared). A repeating group keeps its non-blank items, without
        the one a "remove" action names."""
        typed: dict[str, Any] = {}
        for question in self.page.questions:
            if question.type == "repeating_group":
                removed = self._removed_slot(question)
                items = {slot: self._item_answers(question, slot) for slot in self[question.id].slots}
                typed[question.id] = [
                    item for slot, item in items.items() if slot != removed and not is_blank(item)
                ]
            else:
                typed[question.id] = self[question.id].answer()
        return typed

    def check(self, answers: Mapping[str, Any], *, posted: bool = True) -> bool:
        """Validate the posted page against the definition's rules, skipping questions that `answers` hide.
        Errors go on the fields (GOV.UK messages, one a field). True when the page is valid. `posted=False`
        checks saved answers shown again (no form token to check)."""
        if posted:
            super().validate()  # the CSRF token; the fields themselves have no WTForms validators
        answers = dict(answers)
        for question in self.page.questions:
            if not self._shown(question, answers):
                continue
            if question.type == "repeating_group":
                self._check_group(question, answers)
            else:
                answer = self[question.id]
                options = self._options(question)
                self._add_error(
                    answer,
                    answer_error(question, answer.answer(), organisations=options)
                    or own_organisation_error(question, answer.answer(), self.own_organisation_id, options),
                )
        # Rules across answers, on this page's answers once each is fine on its own.
        for rule in broken_rules(self.questionnaire, answers, on={q.id for q in self.page.questions}):
            answer = self[rule.question]
            if not answer.errors:
                self._add_error(answer, rule.message)
        return not self.errors

    def layout(self, answers: Mapping[str, Any] | None = None) -> list[Node]:
        """The page's questions as render_questions shows them: a question whose show_when names a radios,
        checkboxes or yes/no question on this page sits inside that choice's conditional reveal; one whose
        show_when names an earlier page's question that does not hold is left out."""
        answers = dict(self.answers if answers is None else answers)
        heading = self.question_is_heading
        page_ids = {q.id for q in self.page.questions}

        def keep(question: Question) -> bool:
            named = question.show_when.question if question.show_when else None
            return named is None or named in page_ids or self._shown(question, answers)

        entries = [(q, self[q.id]) for q in self.page.questions]
        nodes = arrange(entries, "l" if heading else "m", keep)
        for node in nodes:
            node.heading = heading
            if heading and self.page.intro:
                node.field.intro = self.page.intro
            if len(self.page.questions) == 1 and node.question.label == self.page.title and not heading:
                node.size = "hidden"  # the h1 above the intro asks it already; screen readers still hear it
        for node in walk(nodes):
            if node.question.type == "repeating_group":
                self._lay_out_group(node)
        return nodes

    @property
    def has_buttons(self) -> bool:
        """Whether the questions include buttons of their own (add and remove): the page then needs a default
        button first, so that pressing Enter in a field saves instead of removing an item."""
        return any(q.type in ("repeating_group", "organisations") for q in self.page.questions)

    @property
    def default_action(self) -> str | None:
        """What pressing Enter in a field does: on a page that adds organisations one at a time, add the one
        chosen (and stay on the page), rather than move on after the first."""
        picker = next((q for q in self.page.questions if q.type == "organisations"), None)
        return f"add:{picker.id}" if picker is not None else None

    @property
    def action_anchor(self) -> str | None:
        """After an action, the id to show the page again at: the new empty item, or the group."""
        if not self.action:
            return None
        question = self.questionnaire.question(self.action.split(":")[1]) or self.page.questions[0]
        if self.action.startswith("add:") and question.type == "repeating_group":
            slot = len(self.collect()[question.id])
            first = question.fields[0]
            return input_id(first, f"{question.id}-{slot}-{first.id}")
        return input_id(question, question.id)

    # -- helpers ------------------------------------------------------------------------------------------

    def _shown(self, question: Question, answers: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        condition = question.show_when
        if condition is None:
            return True
        if not condition_holds(condition, answers) or question.id in seen:
            return False
        controller = self.questionnaire.question(condition.question)
        if controller is None or controller is question:
            return True
        if any(controller.id == q.id for q in self.page.questions):
            return self._shown(controller, answers, seen | {question.id})
        return is_question_visible(self.questionnaire, controller, answers)

    def _check_group(self, question: Question, answers: dict[str, Any]) -> None:
        group = self[question.id]
        removed = self._removed_slot(question)
        items = []
        for slot in group.slots:
            item = self._item_answers(question, slot)
            if slot == removed or is_blank(item):
                continue
            items.append(item)
            for part in question.fields:
                if not item_field_shown(part, item, question.fields):
                    continue
                message = answer_error(
                    item_label(question, part, slot + 1), item[part.id], organisations=self._options(part)
                )
                self._add_error(self[f"{question.id}-{slot}-{part.id}"], message)
        self._add_error(group, answer_error(question, items))

    def _item_answers(self, question: Question, slot: int) -> dict[str, Any]:
        return {part.id: self[f"{question.id}-{slot}-{part.id}"].answer() for part in question.fields}

    def _removed_slot(self, question: Question) -> int | None:
        match = _REMOVE.fullmatch(self.action or "")
        return int(match.group(2)) if match and match.group(1) == question.id else None

    def _options(self, question: Question) -> Sequence[OrganisationOption]:
        return self._offered.get(question.id, ())

    @staticmethod
    def _add_error(answer: AnswerField, message: str | None) -> None:
        if message:
            answer.errors = [*answer.errors, message]

    def _lay_out_group(self, node: Node) -> None:
        question, group = node.question, node.field
        name = sentence_start(question.item_name or "item")
        slots = list(group.slots)
        blanks = [is_blank(self._item_answers(question, slot)) for slot in slots]
        # Existing items, then one empty item to fill (trailing empty slots beyond the first are not shown).
        while len(slots) > 1 and blanks[-1] and blanks[-2]:
            slots.pop()
            blanks.pop()
        node.items = []
        for position, slot in enumerate(slots):
            last_and_empty = position == len(slots) - 1 and blanks[position]
            entries = [(part, self[f"{question.id}-{slot}-{part.id}"]) for part in question.fields]
            button = None
            if not last_and_empty:
                button = _button(f"Remove {name.lower()} {slot + 1}", f"remove:{question.id}:{slot}")
            nodes = arrange(entries, "s", lambda _q: True)
            node.items.append(Item(legend=f"{name} {slot + 1}", nodes=nodes, remove_button=button))
        if blanks and blanks[-1] and len(slots) < group.limit:
            node.add_button = _button(f"Add another {name.lower()}", f"add:{question.id}")


def question_is_heading(page: Page) -> bool:
    """A page of one question has that question's label (or legend) as its h1: when there is no intro, or
    when the page's title is the question itself (its intro then goes above the question's hint), so that
    the question is not asked twice, once as the heading and again as the legend."""
    if len(page.questions) != 1:
        return False
    return not page.intro or page.questions[0].label == page.title


def page_heading(page: Page) -> str:
    """The page's h1, which its <title> should repeat."""
    return page.questions[0].label if question_is_heading(page) else page.title


# Ids a question cannot have: the form's own attributes, and names WTForms would take for inline validators.
RESERVED_IDS = frozenset(
    {name for name in dir(PageForm) if not name.startswith("__")}
    | {name.removeprefix("validate_") for name in dir(PageForm) if name.startswith("validate_")}
    | {"csrf_token"}
)


def page_form(
    page: Page,
    questionnaire: Questionnaire,
    *,
    answers: Mapping[str, Any],
    organisations: Sequence[OrganisationOption] = (),
    own_organisation_id: int | None = None,
    formdata: MultiDict | None = None,
) -> PageForm:
    """The page's form: bound to request.form when the request posts, prefilled from `answers` otherwise.
    `formdata` binds it to other posted data instead (a form kept while its author signed in again)."""
    posted = formdata if formdata is not None else request.form if request.method in SUBMIT_METHODS else None
    unbound: dict[str, Any] = {}
    prefill: dict[str, Any] = {}
    choosers: dict[str, Sequence[OrganisationOption]] = {}
    own = next((option for option in organisations if option.id == own_organisation_id), None)

    def add(question: Question, name: str, value: Any) -> None:
        if name in RESERVED_IDS:
            raise ValueError(
                f"Question id '{name}' cannot be used: the page form has an attribute of that name"
            )
        kwargs: dict[str, Any] = {"question": question}
        if question.type in ("organisation", "organisations"):
            choosers[question.id] = offered(question, organisations, own_organisation_id)
            kwargs["options"] = choosers[question.id]
        if question.type == "organisation":
            kwargs["own_organisation_id"] = own_organisation_id
        if question.type == "organisations":
            kwargs["own_region"] = own.region if own is not None else None
        unbound[name] = FIELD_CLASSES[question.type](**kwargs)
        prefill[name] = value

    for question in page.questions:
        if question.type != "repeating_group":
            add(question, question.id, answers.get(question.id))
            continue
        saved = [item for item in answers.get(question.id) or [] if isinstance(item, Mapping)]
        limit = question.validation.max_items or MAX_ITEMS
        slots = _slots(question.id, posted, len(saved), limit)
        first = question.fields[0]
        target = input_id(first, f"{question.id}-0-{first.id}")
        unbound[question.id] = GroupAnswer(question=question, slots=slots, limit=limit, target=target)
        for slot in slots:
            for part in question.fields:
                item = saved[slot] if slot < len(saved) else {}
                add(part, f"{question.id}-{slot}-{part.id}", item.get(part.id))

    form_class = type("PageForm", (PageForm,), unbound)
    form = form_class(formdata=posted, data=prefill)
    form.page, form.questionnaire, form.answers = page, questionnaire, dict(answers)
    form._offered = choosers
    form.own_organisation_id = own_organisation_id
    groups = {q.id: form[q.id].slots for q in page.questions if q.type == "repeating_group"}
    pickers = {q.id for q in page.questions if q.type == "organisations"}
    form.action = _action(posted, groups, pickers)
    return form


def _slots(question_id: str, posted, saved: int, limit: int) -> list[int]:
    """The item slots a repeating group's form has: the posted ones plus an empty one, or the saved items plus
    an empty one; never more than `limit`."""
    if posted is None:
        count = min(saved, limit)
    else:
        pattern = re.compile(rf"{re.escape(question_id)}-(\d{{1,4}})-")
        found = [int(m.group(1)) for key in posted if (m := pattern.match(key)) and int(m.group(1)) < limit]
        count = max(found) + 1 if found else 0
    return list(range(min(count + 1, limit)))


def _action(posted, slots: dict[str, Sequence[int]], pickers: Collection[str] = ()) -> str | None:
    raw = (posted.get("action") or "").strip() if posted is not None else ""
    if (match := _ADD.fullmatch(raw)) and (match.group(1) in slots or match.group(1) in pickers):
        return raw
    if (match := _REMOVE.fullmatch(raw)) and int(match.group(2)) in slots.get(match.group(1), ()):
        return raw
    if (match := _REMOVE_ORGANISATION.fullmatch(raw)) and match.group(1) in pickers:
        return raw
    return None


def _button(text: str, value: str) -> dict[str, Any]:
    return {"text": text, "name": "action", "value": value, "classes": "govuk-button--secondary"}
