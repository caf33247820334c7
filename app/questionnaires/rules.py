"""The questionnaire's validation rules, as plain functions of one answer in its ANSWER SHAPE.

`answer_error` gives the GOV.UK error message for the first rule an answer breaks, or None. It knows nothing
of requests or forms, so the page forms, the services (before submitting) and imports run the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.questionnaires.display import (
    answer_date,
    answer_month,
    date_parts,
    format_date,
    format_money,
    format_number,
    is_blank,
    parse_money,
    parse_month,
    parse_number,
)
from app.questionnaires.organisation_options import OrganisationOption
from app.questionnaires.schema import Question

LONDON = ZoneInfo("Europe/London")
CHOICE_TYPES = ("radios", "checkboxes", "select", "yes_no", "organisation", "organisations")
YES_NO = ("yes", "no")
UNKNOWN_ORGANISATION = "Select an organisation from the list"


def sentence_start(label: str) -> str:
    """ "project name" → "Project name"."""
    return label[:1].upper() + label[1:]


def in_sentence(label: str) -> str:
    """ "Project name" → "project name", but "NHS trusts" stays as it is."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def required_message(question: Question) -> str:
    if question.required_message:
        return question.required_message
    if question.type == "yes_no":
        return "Select yes or no"
    if question.type == "repeating_group":
        return f"Add at least one {question.item_name or 'item'}"
    if question.type in CHOICE_TYPES:
        return f"Select {in_sentence(question.short_label)}"
    return f"Enter {in_sentence(question.short_label)}"


def answer_error(
    question: Question, value: Any, *, organisations: Sequence[OrganisationOption] = ()
) -> str | None:
    """The message for the first rule the answer breaks, or None. `organisations` are the ones the question
    offers (for organisation and organisations questions)."""
    if is_blank(value):
        return required_message(question) if question.required else None
    return _CHECKS[question.type](question, value, organisations)


def own_organisation_error(
    question: Question,
    value: Any,
    own_organisation_id: int | None,
    organisations: Sequence[OrganisationOption],
) -> str | None:
    """An own_organisation question answered with another organisation: say what to do instead."""
    if not question.own_organisation or own_organisation_id is None or is_blank(value):
        return None
    if str(value) == str(own_organisation_id):
        return None
    names = {str(option.id): option.name for option in organisations}
    own = names.get(str(own_organisation_id), "Your organisation")
    other = names.get(str(value), "another organisation")
    return (
        f"Select {own}. If {other} leads this project, ask its collaboration lead to report it and to name "
        f"{own} as a partner"
    )


def item_label(question: Question, field: Question, number: int) -> Question:
    """A repeating group's field as named in messages about one item: "Partner 2 name", so that messages
    about different items differ (the error summary shows each message once)."""
    item = sentence_start(question.item_name or "item")
    return replace(field, short_label=f"{item} {number} {in_sentence(field.short_label)}")


def _text(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    rules = question.validation
    label = sentence_start(question.short_label)
    text = str(value).strip()
    if rules.min_length is not None and len(text) < rules.min_length:
        return f"{label} must be {rules.min_length} characters or more"
    if rules.max_length is not None and len(text) > rules.max_length:
        return f"{label} must be {rules.max_length} characters or fewer"
    if rules.max_words is not None and len(text.split()) > rules.max_words:
        return f"{label} must be {rules.max_words} words or fewer"
    if rules.pattern and not re.fullmatch(rules.pattern, text):
        return rules.pattern_message or f"Enter {in_sentence(question.short_label)} in the correct format"
    return None


def _number(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    label = sentence_start(question.short_label)
    number = parse_number(str(value))
    if number is None:
        return f"{label} must be a number"
    if question.validation.whole_number and number != number.to_integral_value():
        return f"{label} must be a whole number"
    return _range(question, number, format_number)


def _money(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    amount = parse_money(str(value))
    if amount is None:
        label = sentence_start(question.short_label)
        return f"{label} must be an amount of money, like 1250 or 1250.50"
    return _range(question, amount, format_money)


def _range(question: Question, value: Decimal, show: Callable[[Decimal], str]) -> str | None:
    low, high = question.validation.min_value, question.validation.max_value
    low = None if low is None else Decimal(str(low))
    high = None if high is None else Decimal(str(high))
    label = sentence_start(question.short_label)
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            return f"{label} must be between {show(low)} and {show(high)}"
        if low is not None:
            return f"{label} must be {show(low)} or more"
        assert high is not None
        return f"{label} must be {show(high)} or less"
    return None


def _date(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    label = sentence_start(question.short_label)
    parts = date_parts(question.type, value)
    missing = [name for name, text in parts.items() if not text]
    if missing:
        return f"{label} must include a {' and '.join(missing)}"
    wrong = invalid_date_parts(question.type, value)
    if wrong == ("year",) and re.fullmatch(r"\d+", parts["year"]):
        return f"{label} must include a year with 4 numbers"
    if "year" in wrong and len(wrong) > 1:  # month 13 and year 19: not only the year is wrong
        return f"{label} must be a real date, with a year of 4 numbers"
    whole_date = question.type == "date"
    when = answer_date(value) if whole_date else answer_month(value)
    if when is None:
        return f"{label} must be a real date"
    return _date_limits(question, when, label, whole_date)


def invalid_date_parts(kind: str, value: Any) -> tuple[str, ...]:
    """The parts of a date or month-year answer that cannot be right whatever the others are: a day that is
    not 1 to 31, a month that is not 1 to 12 (or a month's name), a year that is not 4 numbers."""
    parts = date_parts(kind, value)
    wrong = []
    day = parts.get("day")
    if day and not (re.fullmatch(r"\d{1,2}", day) and 1 <= int(day) <= 31):
        wrong.append("day")
    if parts["month"] and parse_month(parts["month"]) is None:
        wrong.append("month")
    if parts["year"] and not re.fullmatch(r"\d{4}", parts["year"]):
        wrong.append("year")
    return tuple(wrong)


def _date_limits(question: Question, when: date, label: str, whole_date: bool) -> str | None:
    rules = question.validation
    today = datetime.now(LONDON).date()
    for limit, after in ((rules.not_before, True), (rules.not_after, False)):
        if not limit:
            continue
        bound = today if limit == "today" else date.fromisoformat(limit)
        if not whole_date:
            bound = bound.replace(day=1)
        if (when < bound) if after else (when > bound):
            if limit == "today":
                now = "today" if whole_date else "this month"
                return f"{label} must be {now} or in the {'future' if after else 'past'}"
            shown = format_date(bound) if whole_date else f"{bound:%B %Y}"
            return f"{label} must be the same as or {'after' if after else 'before'} {shown}"
    return None


def _choice(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    allowed = YES_NO if question.type == "yes_no" and not question.choices else _values(question)
    if str(value) not in allowed:
        return required_message(question) if question.type == "yes_no" else _from_the_list(question)
    return None


def _checkboxes(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    values = _as_list(value)
    allowed = _values(question)
    if any(item not in allowed for item in values):
        return _from_the_list(question)
    for choice in question.choices:
        if choice.exclusive and choice.value in values and len(values) > 1:
            return f"Select either '{choice.label}' or {in_sentence(question.short_label)}, not both"
    return _item_count(question, len(values), f"select {{}} {in_sentence(question.short_label)}")


def _organisation(question: Question, value: Any, organisations: Sequence[OrganisationOption]) -> str | None:
    if str(value) not in {str(option.id) for option in organisations}:
        return UNKNOWN_ORGANISATION
    return None


def _organisations(question: Question, value: Any, organisations: Sequence[OrganisationOption]) -> str | None:
    values = _as_list(value)
    by_id = {str(option.id): option for option in organisations}
    if any(item not in by_id for item in values):
        return UNKNOWN_ORGANISATION
    count_error = _item_count(question, len(values), f"select {{}} {in_sentence(question.short_label)}")
    if count_error:
        return count_error
    wanted = question.require_one_of_sectors
    if wanted and not any(by_id[item].sector in wanted for item in values):
        if question.require_one_of_sectors_message:
            return question.require_one_of_sectors_message
        labels = {option.sector: option.sector_label for option in organisations}
        names = [labels.get(sector, sector.replace("_", " ")).lower() for sector in wanted]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        return f"Select at least one {listed} organisation"
    return None


def _group(question: Question, value: Any, _organisations: Sequence[OrganisationOption]) -> str | None:
    count = len([item for item in _as_list(value) if not is_blank(item)])
    name = question.item_name or "item"
    rules = question.validation
    if rules.min_items is not None and count < rules.min_items:
        return f"Add at least {rules.min_items} {_plural(name, rules.min_items)}"
    if rules.max_items is not None and count > rules.max_items:
        return f"Add no more than {rules.max_items} {_plural(name, rules.max_items)}"
    return None


def _item_count(question: Question, count: int, sentence: str) -> str | None:
    """`sentence` is "select {} <things>", filled with "at least 2" or "no more than 3"."""
    rules = question.validation
    if rules.min_items is not None and count < rules.min_items:
        return sentence_start(sentence.format(f"at least {rules.min_items}"))
    if rules.max_items is not None and count > rules.max_items:
        return sentence_start(sentence.format(f"no more than {rules.max_items}"))
    return None


def _from_the_list(question: Question) -> str:
    """A value the question does not offer: someone changed the page."""
    return f"Select {in_sentence(question.short_label)} from the list"  # noqa: S608 (a message, not SQL)


def _values(question: Question) -> set[str]:
    return {choice.value for choice in question.choices}


def _as_list(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    return [str(item).strip() for item in items if not is_blank(item)]


def _plural(noun: str, count: int) -> str:
    return noun if count == 1 else f"{noun}s"


_CHECKS: dict[str, Callable[[Question, Any, Sequence[OrganisationOption]], str | None]] = {
    "text": _text,
    "long_text": _text,
    "number": _number,
    "money": _money,
    "date": _date,
    "month_year": _date,
    "yes_no": _choice,
    "radios": _choice,
    "select": _choice,
    "checkboxes": _checkboxes,
    "organisation": _organisation,
    "organisations": _organisations,
    "repeating_group": _group,
}
