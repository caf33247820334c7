"""Facet values and their labels, from the questionnaire and the fixed lists."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import REGION_LABELS_BY_VALUE, Organisation, Round
from app.questionnaires.loader import default_questionnaire
from app.questionnaires.schema import Questionnaire
from app.services.find import index as find_index

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
    "geography": "Area covered",
    "pilot": "Pilot",
    "partners": "Partner organisation",
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
# Facets whose values are the choices of the question the definition marks with that facet (no role needed:
# nothing but the filter reads them).
MARKED_FACETS = ("geography",)


def labels(questionnaire: Questionnaire) -> dict[str, dict[str, str]]:
    """For each filter facet, its values in display order with their labels."""
    result = {
        "services": SERVICES,
        "combination": COMBINATIONS,
        "region": dict(REGION_LABELS_BY_VALUE),
        "has_evaluation": {"yes": "Yes", "no": "No"},
        "pilot": {"yes": "Yes", "no": "No"},
        "partners": {
            str(i): name
            for i, name in db.session.execute(
                select(Organisation.id, Organisation.name).order_by(Organisation.name)
            )
        },
        "year": {str(y): str(y) for y in sorted(_years(), reverse=True)},
    }
    for facet in CHOICE_FACETS:
        question = questionnaire.with_role(facet)
        result[facet] = {c.value: c.label for c in question.choices} if question else {}
    for facet in MARKED_FACETS:
        marked = next((q for q in questionnaire.questions if q.facet == facet), None)
        result[facet] = {c.value: c.label for c in marked.choices} if marked else {}
    return result


Labels = tuple[dict[str, dict[str, str]], dict[str, set[str]]]


def current_labels() -> Labels:
    """The shipped questionnaire's `labels`, and each facet's values as a set, from this process's index of
    Find: read again only when organisations, rounds or records change."""

    def make() -> Labels:
        made = labels(default_questionnaire())
        return made, {name: set(values) for name, values in made.items()}

    found: Labels = find_index.current().remembered("labels", make)
    return found


def _years() -> set[int]:
    return {r.year for r in db.session.scalars(select(Round))}
