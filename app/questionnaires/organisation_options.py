"""The organisations an organisation question offers: one rule for the lead's pages and for imports alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.questionnaires.schema import Question


@dataclass(frozen=True)
class OrganisationOption:
    """An organisation a question may offer."""

    id: int
    name: str
    sector: str  # the sector's value, e.g. "fire_and_rescue"
    sector_label: str  # e.g. "Fire and rescue"
    region: str | None = None  # the region's value, e.g. "south_east"
    region_label: str | None = None  # e.g. "South East"


def offered(
    question: Question, options: Iterable[OrganisationOption], lead_id: int | None
) -> tuple[OrganisationOption, ...]:
    """What the question offers: its sectors only (all when it names none), and never the lead among the
    partners."""
    return tuple(
        option
        for option in options
        if (not question.sectors or option.sector in question.sectors)
        and not (question.type == "organisations" and option.id == lead_id)
    )
