"""A GOV.UK date field (day, month, year) and a time-of-day field, with GOV.UK messages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, StringField
from wtforms.validators import StopValidation, ValidationError

from app.formatting import LONDON

TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class GovDateField(Field):
    """Three inputs named alike; tolerant of missing or extra parts so a tampered post cannot break it."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, what: str = "The date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        parts = [str(v).strip() for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        day, month, year = parts
        if not any(parts):
            return
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValueError(f"{self.what} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValueError(f"{self.what} must be a real date")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValueError(f"{self.what} must be a real date") from error

    def process_data(self, value):
        self.data = value
        if value is not None:
            self.raw_data = value.strftime("%d %m %Y").split(" ")


class DateRequired:
    """Like DataRequired, but a message about the date's parts (from processing) is kept, not replaced."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(self.message)


def parse_time(text: str) -> time | None:
    """'9am', '11:59pm', '23:59', 'midday', 'midnight' -> a time; None when it cannot be read."""
    text = text.strip().lower().replace(" ", "")
    if text in ("midday", "noon", "12noon"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = TIME_PATTERN.match(text)
    if not match:
        return None
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDayField(StringField):
    def __init__(self, label=None, validators=None, *, what: str = "The time", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what

    def pre_validate(self, form):
        if self.data and parse_time(self.data) is None:
            raise ValidationError(f"{self.what} must be a time, like 9am or 11:59pm")

    @property
    def time(self) -> time | None:
        return parse_time(self.data or "")


def london_to_utc(day: date, at: time) -> datetime:
    """A date and time as people in England and Wales mean them, as a UTC timestamp."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)
