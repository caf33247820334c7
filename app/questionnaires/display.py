"""Answers as people read them: in "Check your answers", on a published record and in receipt emails.

Plain text only; a value with several parts (checkbox labels, organisations, repeating group items) has one
part a line, so a template shows it with `white-space: pre-line` or splits it on newlines. Also here: reading
the typed text of number, money and date answers, shared with the page forms' validation rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.questionnaires.schema import (
    Question,
    condition_holds,
)

YES_NO_LABELS = {"yes": "Yes", "no": "No"}
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
DATE_PARTS = {"date": ("day", "month", "year"), "month_year": ("month", "year")}

# "1250", "1,250", "-3", "0.75", ".5": commas only where they separate thousands.
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?")
_MONEY = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?|\.\d{1,2}")


def is_blank(value: Any) -> bool:
    """Whether an answer says nothing: absent, empty text, no boxes ticked, an empty date, no items."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_blank(item) for item in value)
    if isinstance(value, dict):
        return all(is_blank(item) for item in value.values())
    return False


def parse_number(text: str) -> Decimal | None:
    text = text.strip()
    if not text or not any(c.isdigit() for c in text) or not _NUMBER.fullmatch(text):
        return None
    return Decimal(text.replace(",", ""))


def parse_money(text: str) -> Decimal | None:
    """Pounds as people type them: "1250", "1,250", "£1,250.50", "1250.5", "-£40". No more than 2 decimals."""
    text = text.strip()
    negative = text.startswith("-")
    text = text.removeprefix("-").strip().removeprefix("£").strip()
    if not negative and text.startswith("-"):
        negative, text = True, text[1:].strip()
    if not _MONEY.fullmatch(text):
        return None
    amount = Decimal(text.replace(",", ""))
    return -amount if negative else amount


def format_number(value: Decimal) -> str:
    """1250 → "1,250", 0.50 → "0.5"."""
    value = Decimal(value)
    text = format(value.normalize() if value == value.to_integral_value() else value, ",f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money(amount: Decimal) -> str:
    """£1,250 for whole pounds, £1,250.50 otherwise (the GOV.UK style: no ".00")."""
    amount = Decimal(amount)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount.quantize(Decimal('0.01')):,}"


def parse_month(text: str) -> int | None:
    """ "12", "Dec" or "December" → 12."""
    text = text.strip().lower()
    if text.isdigit():
        month = int(text)
        return month if 1 <= month <= 12 else None
    if len(text) >= 3:
        for number, name in enumerate(MONTH_NAMES, start=1):
            if name.startswith(text) or (text == "sept" and number == 9):
                return number
    return None


def date_parts(question_type: str, value: Any) -> dict[str, str]:
    """A date or month_year answer's parts as stripped text, every part present."""
    value = value if isinstance(value, dict) else {}
    return {part: str(value.get(part) or "").strip() for part in DATE_PARTS[question_type]}


def answer_date(value: Any) -> date | None:
    """The date a date answer holds, or None when it is incomplete or not a real date."""
    parts = date_parts("date", value)
    month = parse_month(parts["month"])
    if not (re.fullmatch(r"\d{1,2}", parts["day"]) and re.fullmatch(r"\d{4}", parts["year"]) and month):
        return None
    try:
        return date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None


def answer_month(value: Any) -> date | None:
    """The first day of the month a month_year answer holds, or None."""
    parts = date_parts("month_year", value)
    month = parse_month(parts["month"])
    if not (month and re.fullmatch(r"\d{4}", parts["year"])):
        return None
    return date(int(parts["year"]), month, 1)


def format_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def format_answer(question: Question, value: Any, organisation_names: Mapping[str, str]) -> str:
    """An answer as plain text; "" when there is none (the caller shows "Not answered")."""
    if is_blank(value):
        return ""
    kind = question.type
    if kind in ("date", "month_year"):
        return _format_date_answer(kind, value)
    if kind == "repeating_group":
        return _format_items(question, value, organisation_names)
    if kind in ("checkboxes", "organisations"):
        values = [str(item).strip() for item in _as_list(value) if not is_blank(item)]
        if kind == "organisations":
            return "\n".join(organisation_names.get(item, item) for item in values)
        return "\n".join(question.choice_label(item) for item in values)
    text = str(value).strip()
    if kind == "money":
        amount = parse_money(text)
        return format_money(amount) if amount is not None else text
    if kind == "yes_no":
        return question.choice_label(text) if question.choices else YES_NO_LABELS.get(text, text)
    if kind in ("radios", "select"):
        return question.choice_label(text)
    if kind == "organisation":
        return organisation_names.get(text, text)
    return text  # text, long_text and number: as typed


def item_field_shown(field: Question, item: Mapping[str, Any], fields: tuple[Question, ...]) -> bool:
    """Whether a repeating group's field is shown for one item: its show_when names an earlier field of the
    same group (the loader enforces that), evaluated on that item."""
    by_id = {f.id: f for f in fields}
    seen: set[str] = set()
    while field.show_when is not None and field.id not in seen:
        seen.add(field.id)
        if not condition_holds(field.show_when, dict(item)):
            return False
        controller = by_id.get(field.show_when.question)
        if controller is None:
            return True
        field = controller
    return True


def _format_date_answer(kind: str, value: Any) -> str:
    when = answer_date(value) if kind == "date" else answer_month(value)
    if when is not None:
        return format_date(when) if kind == "date" else f"{when:%B %Y}"
    return " ".join(part for part in date_parts(kind, value).values() if part)


def _format_items(question: Question, value: Any, organisation_names: Mapping[str, str]) -> str:
    name = (question.item_name or "item").capitalize()
    lines = []
    items = [item for item in _as_list(value) if isinstance(item, Mapping) and not is_blank(item)]
    for number, item in enumerate(items, start=1):
        parts = []
        for field in question.fields:
            if not item_field_shown(field, item, question.fields):
                continue
            text = format_answer(field, item.get(field.id), organisation_names)
            if text:
                parts.append(f"{field.short_label}: {text.replace(chr(10), ', ')}")
        lines.append(f"{name} {number}: {'; '.join(parts)}")
    return "\n".join(lines)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value]
