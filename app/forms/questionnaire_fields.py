"""The fields of a questionnaire page form: one per question, and one per field of each repeating group item.

A field holds what was typed in its question's ANSWER SHAPE (`data`, stripped, kept even when invalid), reads
it from the posted form or from saved answers, and renders itself through its GOV.UK Frontend macro:
`field(size="m", heading=False, reveals={choice value: html})`. The rules are in app/questionnaires/rules.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value

from app.questionnaires.display import DATE_PARTS, date_parts
from app.questionnaires.rules import invalid_date_parts
from app.questionnaires.schema import Choice, Question

YES_NO_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"))
REVEALING_TYPES = ("radios", "checkboxes", "yes_no")


class AnswerWidget:
    def __call__(self, field: AnswerField, **kwargs: Any) -> Markup:
        return field.render(**kwargs)


class AnswerField(Field):
    """One question's input. `answer()` is what was typed in its ANSWER SHAPE: "", [] or {} when blank."""

    widget = AnswerWidget()
    template = "govuk_frontend_wtf/input.html"
    intro: str | None = None  # the page's intro, shown with the hint when this question is the page heading
    described_by: str | None = None  # the id of a reviewer's comment on this answer, shown above it

    def __init__(self, label: str | None = None, validators=None, *, question: Question, **kwargs: Any):
        self.question = question  # first: DateAnswer's id, read by Field.__init__, depends on it
        super().__init__(label or question.label, validators, description=question.hint or "", **kwargs)

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        self.process_errors: list[str] = []
        self.object_data = None if data is unset_value else data
        if formdata is not None:
            self.raw_data = formdata.getlist(self.name)
            self.data = self.read_form(formdata)
        else:
            self.data = self.read_answer(self.object_data)

    def read_form(self, formdata) -> Any:
        return formdata.get(self.name, "").strip()

    def read_answer(self, value: Any) -> Any:
        return "" if value is None or isinstance(value, dict | list) else str(value).strip()

    def answer(self) -> Any:
        return self.data

    def render(self, *, size: str = "m", heading: bool = False, reveals: dict | None = None) -> Markup:
        params = self.govuk_params(size=size, heading=heading, reveals=reveals or {})
        return Markup(current_app.jinja_env.get_template(self.template).render(params=params))  # noqa: S704

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        raise NotImplementedError

    # `size` is l (the page heading), m or s; or "hidden" when the page's h1 already asks the question.
    def _label(self, size: str, heading: bool) -> dict[str, Any]:
        classes = "govuk-visually-hidden" if size == "hidden" else f"govuk-label--{size}"
        return {"text": self.question.label, "classes": classes, "isPageHeading": heading}

    def _fieldset(self, size: str, heading: bool) -> dict[str, Any]:
        classes = "govuk-visually-hidden" if size == "hidden" else f"govuk-fieldset__legend--{size}"
        return {"legend": {"text": self.question.label, "classes": classes, "isPageHeading": heading}}

    def _hint_and_error(self, params: dict[str, Any]) -> dict[str, Any]:
        # No hint element at all when the definition has none (GOV.UK radios would render an empty one).
        if self.intro:
            # The page's intro, when this question is the page's heading: between the heading and the hint.
            paragraphs = [*self.intro.split("\n\n"), *([self.question.hint] if self.question.hint else [])]
            params["hint"] = {
                "html": Markup("").join(
                    Markup('<p class="govuk-body govuk-hint app-hint-paragraph">{}</p>').format(p)
                    for p in paragraphs
                )
            }
        elif self.question.hint:
            params["hint"] = {"text": self.question.hint}
        if self.errors:
            params["errorMessage"] = {"text": self.errors[0]}
        if self.described_by:
            target = params.get("fieldset", params)
            target["describedBy"] = self.described_by
        return params


class TextAnswer(AnswerField):
    """text, number and money: one line."""

    def read_form(self, formdata) -> str:
        # A one-line answer stays on one line: line breaks (pasted in, or posted by a script) become spaces.
        return " ".join(formdata.get(self.name, "").splitlines()).strip()

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        params: dict[str, Any] = {
            "id": self.name,
            "name": self.name,
            "value": self.data,
            "label": self._label(size, heading),
        }
        kind = self.question.type
        if kind in ("number", "money"):
            params["classes"] = "govuk-input--width-10"
            params["spellcheck"] = False
            whole = kind == "number" and self.question.validation.whole_number
            params["inputmode"] = "numeric" if whole else "decimal"
            if kind == "money":
                params["prefix"] = {"text": "£"}
        else:
            params["classes"] = _text_width(self.question.validation.max_length)
        return self._hint_and_error(params)


class LongTextAnswer(AnswerField):
    """long_text: a textarea, with the GOV.UK character count when there is a word or character limit."""

    def read_form(self, formdata) -> str:
        # Browsers send new lines as CRLF; counting them as one character matches what people see.
        return formdata.get(self.name, "").replace("\r\n", "\n").strip()

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        params: dict[str, Any] = {
            "id": self.name,
            "name": self.name,
            "value": self.data,
            "rows": 8,
            "label": self._label(size, heading),
        }
        rules = self.question.validation
        if rules.max_words:
            params["maxwords"] = rules.max_words
        elif rules.max_length:
            params["maxlength"] = rules.max_length
        return self._hint_and_error(params)

    def render(self, *, size: str = "m", heading: bool = False, reveals: dict | None = None) -> Markup:
        output = super().render(size=size, heading=heading, reveals=reveals)
        if self.described_by and self.template.endswith("charactercount.html"):
            # GOV.UK's character count sets the textarea's aria-describedby itself, leaving ours out.
            count = f'aria-describedby="{self.name}-info'
            ours = f'aria-describedby="{self.described_by} {self.name}-info'
            output = Markup(str(output).replace(count, ours, 1))  # noqa: S704 (our own ids in rendered HTML)
        return output

    @property
    def template(self) -> str:  # type: ignore[override]
        rules = self.question.validation
        limited = rules.max_words or rules.max_length
        return "govuk_frontend_wtf/charactercount.html" if limited else "govuk_frontend_wtf/textarea.html"


class ChoiceAnswer(AnswerField):
    """radios, yes_no and select: one value from the question's choices."""

    @property
    def template(self) -> str:  # type: ignore[override]
        if self.question.type == "select":
            return "govuk_frontend_wtf/select.html"
        return "govuk_frontend_wtf/radios.html"

    @property
    def choices(self) -> tuple[Choice, ...]:
        if self.question.type == "yes_no" and not self.question.choices:
            return YES_NO_CHOICES
        return self.question.choices

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        if self.question.type == "select":
            items = [{"value": "", "text": "Select an option", "selected": not self.data}]
            items += [
                {"value": c.value, "text": c.label, "selected": c.value == self.data} for c in self.choices
            ]
            params = {"id": self.name, "name": self.name, "label": self._label(size, heading), "items": items}
            return self._hint_and_error(params)
        params = {
            "name": self.name,
            "idPrefix": self.name,
            "fieldset": self._fieldset(size, heading),
            "items": [_item(c, c.value == self.data, reveals) for c in self.choices],
        }
        if self.question.type == "yes_no" and not reveals:
            params["classes"] = "govuk-radios--inline"
        return self._hint_and_error(params)


class CheckboxesAnswer(AnswerField):
    """checkboxes: a list of the question's choice values."""

    template = "govuk_frontend_wtf/checkboxes.html"

    def read_form(self, formdata) -> list[str]:
        values = [value.strip() for value in formdata.getlist(self.name)]
        return list(dict.fromkeys(value for value in values if value))

    def read_answer(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else []
        return list(dict.fromkeys(str(item).strip() for item in values if str(item).strip()))

    def answer(self) -> list[str]:
        return list(self.data)

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for choice in self.question.choices:
            if choice.exclusive and items:
                items.append({"divider": "or"})
            items.append(_item(choice, choice.value in self.data, reveals))
        params = {
            "name": self.name,
            "idPrefix": self.name,
            "fieldset": self._fieldset(size, heading),
            "items": items,
        }
        return self._hint_and_error(params)


class DateAnswer(AnswerField):
    """date and month_year: {"day", "month", "year"} or {"month", "year"}, each part as typed."""

    template = "govuk_frontend_wtf/date.html"

    @property
    def id(self) -> str:
        """The input the error summary links to: the first part in error, or the first part."""
        return f"{self.name}-{self.parts_in_error()[0]}"

    @id.setter
    def id(self, value: str) -> None:
        pass  # always derived from the name: see the getter

    @property
    def parts(self) -> tuple[str, ...]:
        return DATE_PARTS[self.question.type]

    def read_form(self, formdata) -> dict[str, str]:
        return {part: formdata.get(f"{self.name}-{part}", "").strip() for part in self.parts}

    def read_answer(self, value: Any) -> dict[str, str]:
        return date_parts(self.question.type, value)

    def answer(self) -> dict[str, str]:
        return dict(self.data) if any(self.data.values()) else {}

    def parts_in_error(self) -> tuple[str, ...]:
        data = getattr(self, "data", None) or {}
        missing = tuple(part for part in self.parts if not data.get(part))
        if self.errors and 0 < len(missing) < len(self.parts):
            return missing
        if self.errors and not missing:
            wrong = invalid_date_parts(self.question.type, data)
            if wrong:
                return tuple(part for part in self.parts if part in wrong)
        return self.parts

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        in_error = set(self.parts_in_error()) if self.errors else set()
        items = [
            {
                "name": part,
                "label": part.capitalize(),
                "value": self.data.get(part, ""),
                "classes": " ".join(
                    ["govuk-input--width-4" if part == "year" else "govuk-input--width-2"]
                    + (["govuk-input--error"] if part in in_error else [])
                ),
            }
            for part in self.parts
        ]
        params = {
            "id": self.name,
            "namePrefix": self.name,
            "fieldset": self._fieldset(size, heading),
            "items": items,
        }
        return self._hint_and_error(params)


class GroupAnswer(AnswerField):
    """repeating_group: holds the group's own errors (too few items...) and which item slots the form has.
    Each item's inputs are fields of their own, named `<question id>-<slot>-<field id>`."""

    def __init__(self, *args: Any, slots: Sequence[int] = (), limit: int = 50, target: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = tuple(slots)
        self.limit = limit
        self.id = target or self.name

    def read_form(self, formdata) -> Any:
        return None

    def read_answer(self, value: Any) -> Any:
        return None

    def render(self, *, size: str = "m", heading: bool = False, reveals: dict | None = None) -> Markup:
        raise TypeError("A repeating group is rendered by render_questions in submit/_questions.html")

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        return self._hint_and_error({"fieldset": self._fieldset(size, heading)})


def input_id(question: Question, name: str) -> str:
    """The id of the first input of a question's field called `name`: what an error summary links to."""
    if question.type in DATE_PARTS:
        return f"{name}-{DATE_PARTS[question.type][0]}"
    if question.type == "repeating_group" and question.fields:
        return input_id(question.fields[0], f"{name}-0-{question.fields[0].id}")
    return name


def _item(choice: Choice, checked: bool, reveals: dict) -> dict[str, Any]:
    item: dict[str, Any] = {"value": choice.value, "text": choice.label, "checked": checked}
    if choice.hint:
        item["hint"] = {"text": choice.hint}
    if choice.exclusive:
        item["behaviour"] = "exclusive"
    if reveals.get(choice.value):
        item["conditional"] = {"html": reveals[choice.value]}
    return item


def _text_width(max_length: int | None) -> str:
    """GOV.UK fixed-width inputs when the answer is short and its length known; otherwise the full width."""
    for limit, width in ((4, "4"), (10, "10"), (20, "20")):
        if max_length is not None and max_length <= limit:
            return f"govuk-input--width-{width}"
    return ""
