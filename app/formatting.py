"""Template filters: dates and times shown to people are Europe/London, in the GOV.UK style."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def london(value: datetime) -> datetime:
    return value.astimezone(LONDON)


def govuk_time(value: datetime) -> str:
    """'9am', '11:59pm', 'midday', 'midnight'."""
    local = london(value)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def govuk_date(value: datetime) -> str:
    """'18 December 2017'."""
    local = london(value)
    return f"{local.day} {local:%B %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """'11:59pm on Monday 18 December 2017'."""
    if value is None:
        return ""
    local = london(value)
    return f"{govuk_time(value)} on {local:%A} {govuk_date(value)}"


def register(app: Flask) -> None:
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(govuk_time, "govuk_time")
