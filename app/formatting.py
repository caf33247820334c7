"""Template filters: dates and times shown to people are Europe/London, in the GOV.UK style."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

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


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    """'3 weeks left', '2 days left', '5 hours left', 'less than an hour left', 'the deadline has passed'."""
    now = now or datetime.now(UTC)
    seconds = (deadline - now).total_seconds()
    if seconds <= 0:
        return "the deadline has passed"
    for unit, size in (("week", 7 * 86400), ("day", 86400), ("hour", 3600)):
        count = int(seconds // size)
        if count >= (2 if unit == "week" else 1):
            return f"{count} {unit}{'s' if count != 1 else ''} left"
    return "less than an hour left"


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """'today', 'yesterday', '3 days ago', '2 weeks ago'."""
    if value is None:
        return ""
    now = now or datetime.now(UTC)
    days = (london(now).date() - london(value).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


def nl2br(text: str) -> Markup:
    """Line breaks in an answer shown as line breaks, everything else escaped."""
    return Markup("<br>").join(escape(line) for line in str(text).split("\n"))


def first_sentences(text: str, limit: int = 280) -> str:
    """As many whole sentences of `text` as fit in `limit` characters (at least the first, cut at a word with
    an ellipsis only if it alone is longer): a result's summary without a sentence cut in half."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if kept and len(kept) + 1 + len(sentence) > limit:
            return kept
        kept = f"{kept} {sentence}".strip()
    if len(kept) <= limit:
        return kept
    return kept[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def register(app: Flask) -> None:
    app.add_template_filter(time_left, "time_left")
    app.add_template_filter(nl2br, "nl2br")
    app.add_template_global(first_sentences, "first_sentences")
    app.add_template_filter(ago, "ago")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(govuk_time, "govuk_time")
