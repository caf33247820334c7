"""Bar charts drawn on the server as inline SVG, and the table of the same numbers that goes beneath each one.

No JavaScript and no inline styles (the Content Security Policy forbids both): only SVG presentation
attributes and classes from application.css. Sizes are in the viewBox, so the chart scales to the width of its
column. The SVG is one image to assistive technology (role="img"), named by its <title> and described by its
<desc>, which lists every number; the table beneath gives the same numbers to everyone else who wants them.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from decimal import Decimal

from flask import Flask
from markupsafe import Markup, escape

from app.questionnaires.display import format_money, format_number

Value = (
    int | Decimal | None
)  # None: a figure withheld, shown as "fewer than 3" (app/services/find/visibility.py)
WITHHELD = "fewer than 3"
BLUE = "#1d70b8"  # GOV.UK blue
BLACK = "#0b0c0c"  # GOV.UK text colour
GREY = "#b1b4b6"  # GOV.UK border colour
FONT = "Arial, sans-serif"

WIDTH = 600
PADDING = 10
TITLE_SIZE, TITLE_LINE = 19, 25
LABEL_SIZE, LABEL_LINE = 16, 20
BAR_HEIGHT, ROW_GAP = 24, 14
# Arial averages about half its size a character (more in bold): text wraps to stay within the viewBox.
LABEL_CHARACTERS = 64
TITLE_CHARACTERS = 48
VALUE_CHARACTER_WIDTH = 9.5  # values are bold


def format_value(value: Value, unit: str = "") -> str:
    """12 → "12", 1250 → "1,250"; with unit "£": "£1,250.50"; any other unit follows: "12 projects"."""
    if value is None:
        return WITHHELD
    if unit == "£":
        return format_money(Decimal(value))
    text = format_number(Decimal(value))
    return f"{text} {unit}" if unit else text


def bar_chart(
    title: str,
    rows: list[tuple[str, Value]],
    *,
    unit: str = "",
    chart_id: str | None = None,
    leave_out_withheld: bool = False,
) -> Markup:
    """A horizontal bar chart: each row's label above its bar, the value at the end of the bar, bars scaled so
    the largest fills the width. `chart_id` prefixes the ids of the <title> and <desc>; by default it is made
    from the title and numbers, so give one when a page shows the same chart twice. With
    `leave_out_withheld`, withheld rows (None) are not drawn and the description says so."""
    chart_id = chart_id or _chart_id(title, rows)
    description = describe_drawn(rows, unit) if leave_out_withheld else describe(rows, unit)
    if leave_out_withheld:
        rows = [(label, value) for label, value in rows if value is not None]
    values = [format_value(value, unit) for _, value in rows]
    value_space = max((len(text) for text in values), default=0) * VALUE_CHARACTER_WIDTH + 2 * PADDING
    bar_space = WIDTH - 2 * PADDING - value_space
    largest = max((Decimal(value) for _, value in rows if value is not None), default=Decimal(0))

    title_lines = textwrap.wrap(title, TITLE_CHARACTERS) or [""]
    parts = [
        f'<text y="{PADDING + TITLE_SIZE}" font-size="{TITLE_SIZE}" font-weight="bold" fill="{BLACK}">'
        f"{_lines(title_lines, TITLE_LINE)}</text>"
    ]
    top = y = PADDING + TITLE_LINE * len(title_lines) + ROW_GAP
    if not rows:
        parts.append(
            f'<text x="{PADDING}" y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="{BLACK}">'
            "There is nothing to show.</text>"
        )
        y += LABEL_LINE + ROW_GAP
    for (label, value), value_text in zip(rows, values, strict=True):
        lines = textwrap.wrap(str(label), LABEL_CHARACTERS) or [""]
        parts.append(
            f'<text y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="{BLACK}">'
            f"{_lines(lines, LABEL_LINE)}</text>"
        )
        y += LABEL_LINE * len(lines) + 4
        width = _bar_width(Decimal(value or 0), largest, bar_space)
        parts.append(
            f'<rect class="app-chart__bar" x="{PADDING}" y="{y}" width="{_number(width)}" '
            f'height="{BAR_HEIGHT}" fill="{BLUE}"/>'
        )
        parts.append(
            f'<text x="{_number(PADDING + width + 8)}" y="{y + BAR_HEIGHT - 6}" font-size="{LABEL_SIZE}" '
            f'font-weight="bold" fill="{BLACK}">{escape(value_text)}</text>'
        )
        y += BAR_HEIGHT + ROW_GAP
    height = y + PADDING - ROW_GAP
    if rows:  # the axis the bars grow from
        parts.append(
            f'<line x1="{PADDING}" y1="{top - ROW_GAP // 2}" x2="{PADDING}" '
            f'y2="{height - PADDING}" stroke="{GREY}" stroke-width="1"/>'
        )
    # Safe: every piece of text in it (title, labels, values) went through escape() above.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{''.join(parts)}</svg>"
    )


def describe(rows: list[tuple[str, Value]], unit: str = "") -> str:
    """The chart in words, for the <desc>: 'Bar chart of 2 items. Shared estates: 12; Joint training: 5.'"""
    if not rows:
        return "Bar chart with nothing to show."
    items = "; ".join(f"{label}: {format_value(value, unit)}" for label, value in rows)
    return f"Bar chart of {len(rows)} {'item' if len(rows) == 1 else 'items'}. {items}."


def describe_drawn(rows: list[tuple[str, Value]], unit: str = "") -> str:
    """Like describe, for a chart that leaves withheld rows out: says which were left out and why."""
    drawn: list[tuple[str, Value]] = [(label, value) for label, value in rows if value is not None]
    left_out = [str(label) for label, value in rows if value is None]
    text = describe(drawn, unit) if drawn else "Bar chart with no bars."
    if left_out:
        text += f" Not drawn, as each has {WITHHELD} projects: {'; '.join(left_out)}."
    return text


def table_for(
    title: str,
    rows: list[tuple[str, Value]],
    *,
    unit: str = "",
    label_heading: str = "Category",
    value_heading: str | None = None,
) -> dict:
    """The parameters of a govukTable with the chart's numbers, captioned with its title."""
    value_heading = value_heading or ("Amount" if unit == "£" else "Projects")
    return {
        "caption": title,
        "captionClasses": "govuk-table__caption--s",
        "firstCellIsHeader": True,
        "head": [{"text": label_heading}, {"text": value_heading, "format": "numeric"}],
        "rows": [
            [{"text": label}, {"text": format_value(value, unit), "format": "numeric"}]
            for label, value in rows
        ],
    }


def thousands(number: int | None) -> str:
    """12345 -> "12,345"; a withheld figure (None) -> "fewer than 3"."""
    return WITHHELD if number is None else f"{number:,}"


def register(app: Flask) -> None:
    """Make bar_chart, table_for and format_value available to templates (templates/find/_figures.html)."""
    app.add_template_global(bar_chart, "bar_chart")
    app.add_template_global(table_for, "table_for")
    app.add_template_global(format_value, "format_value")
    app.add_template_global(thousands, "thousands")
    app.add_template_global(describe, "chart_description")
    app.add_template_global(describe_drawn, "drawn_chart_description")
    app.add_template_global(compact_bar_chart, "compact_bar_chart")


def _bar_width(value: Decimal, largest: Decimal, space: float) -> float:
    if largest <= 0 or value <= 0:
        return 0.0
    return float(value / largest) * space


def _lines(lines: list[str], line_height: int) -> str:
    """Lines of an SVG <text>, which does not wrap by itself."""
    return "".join(
        f'<tspan x="{PADDING}" dy="{0 if index == 0 else line_height}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _chart_id(title: str, rows: list[tuple[str, Value]]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:24] or "chart"
    digest = hashlib.sha1(repr((title, rows)).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"chart-{slug}-{digest}"


COMPACT_WIDTH = 340
COMPACT_ROW = 24
COMPACT_LABEL_SPACE = 176  # each label sits left of its bar, in this much of the width
COMPACT_LABEL_CHARACTERS = 26


def compact_bar_chart(title: str, rows: list[tuple[str, Value]], *, chart_id: str) -> Markup:
    """A smaller bar chart for a column a third of a page wide (the overview's figures for each theme): each
    label on the bar's line, cut short if it must be (the table beneath has it whole), and the title left to
    the table's caption. One image to assistive technology, named and described like bar_chart's. A withheld
    value (None) has no bar: its description says so, and the table beneath says "fewer than 3"."""
    described = rows
    rows = [(label, value) for label, value in rows if value is not None]
    values = [format_value(value) for _, value in rows]
    largest = max((Decimal(value) for _, value in rows if value is not None), default=Decimal(0))
    value_space = max((len(text) for text in values), default=0) * 8 + 8
    bar_space = COMPACT_WIDTH - COMPACT_LABEL_SPACE - value_space - 4
    parts = []
    for index, ((label, value), text) in enumerate(zip(rows, values, strict=True)):
        y = index * COMPACT_ROW
        short = textwrap.shorten(str(label), COMPACT_LABEL_CHARACTERS, placeholder="…")
        width = _bar_width(Decimal(value or 0), largest, bar_space)
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13" fill="{BLACK}">{escape(short)}</text>'
            f'<rect x="{COMPACT_LABEL_SPACE}" y="{y + 3}" width="{_number(width)}" '
            f'height="{COMPACT_ROW - 6}" fill="{BLUE}"/>'
            f'<text x="{_number(COMPACT_LABEL_SPACE + width + 4)}" y="{y + 16}" font-size="13" '
            f'font-weight="bold" fill="{BLACK}">{escape(text)}</text>'
        )
    height = max(len(rows), 1) * COMPACT_ROW
    # Safe: every piece of text in it went through escape() above.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--compact" '
        f'viewBox="0 0 {COMPACT_WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(describe_drawn(described))}</desc>'
        f"{''.join(parts)}</svg>"
    )
