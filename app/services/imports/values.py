"""A cell's text as an answer: matching labels, splitting lists, reading dates as people write them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from app.questionnaires.display import parse_month
from app.questionnaires.schema import Question

YES_NO_WORDS = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
}

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u2009\u200b]+")
_MANY_BREAKS = re.compile(r"\n{3,}")
_PHONE = re.compile(
    r"(?P<number>\+?[0-9][0-9 ()-]{8,19}[0-9])\s*(?:,|;)?\s*"
    r"(?P<extension>(?:ext(?:ension)?\.?|x|extn\.?)\s*:?\s*[0-9]{1,6})?",
    re.I,
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def clean_text(text: str, *, one_line: bool) -> str:
    """Text as a person means it: non-breaking and doubled spaces made single, ends trimmed, Windows line
    ends made plain; in a one-line answer a stray line break is a space, in a longer one at most one empty
    line is kept between paragraphs."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    if one_line:
        return " ".join(line for line in lines if line)
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()


def read_phone(text: str) -> str | None:
    """A telephone number as typed, with its extension kept ("01522 582222 ext 21"); None if it is not one."""
    match = _PHONE.fullmatch(text.strip())
    if not match:
        return None
    number = " ".join(match.group("number").split())
    extension = match.group("extension")
    if extension:
        digits = re.sub(r"\D", "", extension)
        return f"{number} ext {digits}"
    return number


def is_email(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text.strip()))


# Day first, as in the UK: 27/03/2019, 27-03-2019, 27.03.2019; also ISO dates, months alone and month names.
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T][\d:.]+)?")
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?: [\d:.]+)?")
_MONTH_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{4})")
_WORDS = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)? )?([a-z]+),? (\d{4})")
# "Oct-15", "Oct 15", "Oct '15", "October-2015": a month's name and a two- or four-digit year.
_MONTH_NAME_YEAR = re.compile(r"([a-z]{3,9})[ -/]'?(\d{2}|\d{4})")


def normal(text: str) -> str:
    """Text compared the way people mean it: case and runs of spaces do not matter."""
    return " ".join(str(text).split()).casefold()


def choice_labels(question: Question) -> dict[str, str]:
    """The labels a file may use for a choice question without the mapping saying so: each choice's label
    and value (and yes, no, y, n, true and false for a yes/no question)."""
    if question.type == "yes_no" and not question.choices:
        return dict(YES_NO_WORDS)
    labels: dict[str, str] = {}
    for choice in question.choices:
        labels[normal(choice.value)] = choice.value
        labels[normal(choice.label)] = choice.value
    return labels


def choice_values(question: Question) -> tuple[str, ...]:
    if question.type == "yes_no" and not question.choices:
        return ("yes", "no")
    return tuple(choice.value for choice in question.choices)


def split(text: str, separators: Iterable[str]) -> list[str]:
    parts = [text]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip() for part in parts if part.strip()]


def read_date(text: str, kind: str) -> dict[str, str] | None:
    """A date ("date") or month ("month_year") in the ANSWER SHAPE, its parts as written (so that 31/02/2019
    is kept and called not a real date by the questionnaire's own rule); None when it is not a date at all."""
    text = " ".join(text.strip().lower().replace(",", " ").split())
    day = month = year = None
    if match := _ISO.fullmatch(text):
        year, month, day = match.group(1), match.group(2), match.group(3)
    elif match := _NUMERIC.fullmatch(text):
        day, month, year = match.groups()
        if len(year) == 2:
            year = str(2000 + int(year))
    elif match := _MONTH_NUMERIC.fullmatch(text):
        month, year = match.groups()
    elif (match := _WORDS.fullmatch(text)) and parse_month(match.group(2)):
        day, month, year = match.group(1), str(parse_month(match.group(2))), match.group(3)
    elif (match := _MONTH_NAME_YEAR.fullmatch(text)) and parse_month(match.group(1)):
        month, year = str(parse_month(match.group(1))), match.group(2)
        year = year if len(year) == 4 else str(2000 + int(year))
    else:
        return None
    parts = {"month": str(int(month)), "year": year}
    if kind == "month_year" and day is not None and not _real(day, month, year):
        return None  # the month of 31/02/2016 would hide that it is not a real date
    if kind == "date":
        if day is None:
            return None
        parts = {"day": str(int(day)), **parts}
    return parts


def _real(day: str, month: str, year: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def example_date(kind: str) -> str:
    return "27/03/2019 or 2019-03-27" if kind == "date" else "03/2019, March 2019 or 2019-03"
