"""The overview's sentences, generated from its figures, and the short quotes taken from projects' answers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.models import Record
from app.services.find.figures import COMBINATION_LABELS, Figures
from app.services.find.overview.model import Quote
from app.services.find.visibility import SMALL_COUNT

WITHHELD = f"fewer than {SMALL_COUNT}"

QUOTE_LENGTH = 180  # characters: a quote is a sentence a reader takes in at once
QUOTES_PER_FACTOR = 3
ALL_THREE = COMBINATION_LABELS["police_fire_ambulance"]


def count(number: int | None, one: str, many: str | None = None) -> str:
    """'12 projects'; a withheld count (None) is 'fewer than 3 projects', never a number."""
    if number is None:
        return f"{WITHHELD} {many or one + 's'}"
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def share(part: int | None, whole: int | None) -> str:
    """'about a third' style shares read badly in tables; a whole percentage is plain and checkable."""
    if part is None or whole is None:
        return ""
    if not whole:
        return "0%"
    percent = round(100 * part / whole)
    if part and not percent:
        return "less than 1%"
    return f"{percent}%"


def listing(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _share(part: int | None, whole: int | None, suffix: str = "") -> str:
    """' (12%)', or nothing when either number is withheld: a share would give the number away."""
    text = share(part, whole)
    return f" ({text}{suffix})" if text else ""


def _plural(number: int | None, one: str, many: str) -> str:
    return one if number == 1 else many


def summary(figures: Figures) -> list[str]:
    """Three to five sentences a reader takes in before any chart. No withheld figure is ever stated."""
    projects = figures.headline.projects
    if figures.withheld:
        return [
            f"Fewer than {SMALL_COUNT} collaboration projects match these filters, and at least one of them "
            "is shared as figures only, so their figures are not shown."
        ]
    if not projects:
        return ["No approved collaboration projects match these filters."]
    lines = [
        f"This overview covers {count(projects, 'collaboration project')} involving "
        f"{count(figures.headline.organisations, 'organisation')}."
    ]
    top = [(label, number) for label, number in figures.by_theme if number is not None][:3]
    if top:
        themes = listing([f"{label.lower()} ({count(number, 'project')})" for label, number in top])
        lines.append(f"The most common {'theme is' if len(top) == 1 else 'themes are'} {themes}.")
    all_three = dict(figures.by_combination).get(ALL_THREE, 0)
    lines.append(
        f"{count(all_three, 'project').capitalize()}{_share(all_three, projects)} "
        f"{_plural(all_three, 'involves', 'involve')} all three emergency services: "
        "police, fire and ambulance."
    )
    evaluated = figures.headline.evaluated
    lines.append(
        f"{count(evaluated, 'project').capitalize()}{_share(evaluated, projects)} "
        f"{_plural(evaluated, 'has', 'have')} been evaluated."
    )
    savings = figures.savings
    if savings.cashable_savings_count is None or savings.cashable_savings is None:
        lines.append(
            f"Fewer than {SMALL_COUNT} projects gave a figure for cashable savings, so the sum is not shown."
        )
    elif savings.cashable_savings_count == 1 and savings.cashable_savings:
        lines.append(
            f"One project gave a figure for cashable savings: {savings.cashable_savings_text} a year."
        )
    elif savings.cashable_savings_count and savings.cashable_savings:
        lines.append(
            f"The {count(savings.cashable_savings_count, 'project')} that gave a figure report "
            f"cashable savings of {savings.cashable_savings_text} a year between them."
        )
    else:
        lines.append("No project reported cashable savings.")
    return lines


def theme(
    label: str,
    projects: int | None,
    total: int | None,
    combinations: list[tuple[str, int | None]],
    regions: list[tuple[str, int | None]],
) -> str:
    """A theme's sentence. A withheld count is never stated, and no value is called the most common when
    its count is withheld (rows with one come last, so only the first row is looked at)."""
    sentence = (
        f"{count(projects, 'project').capitalize()}{_share(projects, total, ' of all')} "
        f"{label_verb(projects)} {label.lower()}."
    )
    if combinations and combinations[0][1] is not None:
        most, number = combinations[0]
        sentence += f" The most common combination of services is {most.lower()} ({count(number, 'project')})"
        if regions and regions[0][1] is not None:
            sentence += f", and most are in {regions[0][0]} ({regions[0][1]:,})"
        sentence += "."
    return sentence


def label_verb(projects: int | None) -> str:
    return "covers" if projects == 1 else "cover"


SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def quotes(answers: Iterable[tuple[Record, object]], *, used: set[str]) -> list[Quote]:
    """Up to QUOTES_PER_FACTOR short quotes, each the first sentence of a project's answer, different from
    each other and from the quotes already `used` elsewhere in the report (where there are enough)."""
    chosen: list[Quote] = []
    spare: list[Quote] = []
    seen: set[str] = set()
    for record, answer in answers:
        if not isinstance(answer, str) or not answer.strip():
            continue
        text = _first_sentence(answer)
        if not text or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        quote = Quote(text=text, project=record.name or "Untitled project", record_id=record.id)
        if text.casefold() in used:
            spare.append(quote)
            continue
        chosen.append(quote)
        if len(chosen) == QUOTES_PER_FACTOR:
            break
    chosen += spare[: QUOTES_PER_FACTOR - len(chosen)]
    used.update(quote.text.casefold() for quote in chosen)
    return chosen


def _first_sentence(answer: str) -> str:
    text = " ".join(answer.split())
    first = SENTENCE_END.split(text, maxsplit=1)[0]
    if len(first) <= QUOTE_LENGTH:
        return first
    cut = first[: QUOTE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
