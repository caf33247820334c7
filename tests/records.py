"""Published records for the Find tests, made the way approval makes them."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Round
from app.models.base import utcnow
from app.questionnaires.loader import default_questionnaire
from app.services.find import demo_records
from app.services.rounds import deadlines as rounds
from tests import factories


def a_round(title: str = "Collaboration return 2026", year: int | None = None) -> Round:
    now = utcnow()
    opens = now.replace(year=year) if year else now - timedelta(days=30)
    round_ = rounds.create_round(
        title=title, opens_at=opens, deadline=opens + timedelta(days=60), version=rounds.default_version()
    )
    db.session.commit()
    return round_


def published(
    round_, organisation, *, name, summary, partners=(), sharing="public", approver=None, **answers
):
    """An approved submission and its record."""
    approver = approver or factories.reviewer()
    lead = factories.user(organisation_=organisation)
    values = {
        "project_name": name,
        "summary": summary,
        "partners": [str(p.id) for p in partners],
        "themes": ["co_responding"],
        "stage": "implemented",
        "has_evaluation": "no",
        "sharing": sharing,
        "lessons_learnt": "Agree the data sharing first.",
        "contact_name": "Casey Contact",
        "contact_email": "casey@example.org",
        **answers,
    }
    record = demo_records.publish_approved(
        round_, organisation, partners, values, approver, default_questionnaire()
    )
    record.submission.created_by = lead
    db.session.commit()
    return record
