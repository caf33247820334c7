"""Facet values and their labels, from the questionnaire and the fixed lists."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import REGION_LABELS_BY_VALUE, Round
from app.questionnaires.schema import Questionnaire

FACET_TITLES = {
    "services": "Services involved",
    "combination": "Service combination",
    "themes": "Themes",
    "region": "Region",
    "stage": "Stage",
    "year": "Year",
    "enablers": "Enablers",
    "barriers": "Barriers",
    "has_evaluation": "Evaluated",
}
SERVICES = {
    "police": "Police",
    "fire": "Fire and rescue",
    "ambulance": "Ambulance",
    "other": "Other partners",
}
COMBINATIONS = {
    "police_fire": "Police and fire",
    "police_ambulance": "Police and ambulance",
    "fire_ambulance": "Fire and ambulance",
    "police_fire_ambulance": "Police, fire and ambulance",
    "single": "One emergency service with other partners",
}
# Facets whose values are a question's choices: the question with the role of the same name (roles.py).
CHOICE_FACETS = ("themes", "stage", "enablers", "barriers")


def labels(questionnaire: Questionnaire) -> dict[str, dict[str, str]]:
    """For each filter facet, its values in display order with their labels."""
    result = {
        "services": SERVICES,
        "combination": COMBINATIONS,
        "region": dict(REGION_LABELS_BY_VALUE),
        "has_evaluation": {"yes": "Yes", "no": "No"},
        "year": {str(y): str(y) for y in sorted(_years(), reverse=True)},
    }
    for facet in CHOICE_FACETS:
        question = questionnaire.with_role(facet)
        result[facet] = {c.value: c.label for c in question.choices} if question else {}
    return result


def _years() -> set[int]:
    return {r.opens_at.year for r in db.session.scalars(select(Round))}
