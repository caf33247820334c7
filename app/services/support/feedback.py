"""Feedback from the help pages: kept in the database, and emailed through the outbox to SUPPORT_EMAIL."""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.models import Feedback, User
from app.services import audit
from app.services.email import outbox


def send(message: str, *, reply_to: str | None, page: str | None, by: User | None) -> Feedback:
    """Keep the feedback and queue its email to support in the same transaction."""
    feedback = Feedback(message=message, reply_to=reply_to or None, page=page or None, user=by)
    db.session.add(feedback)
    db.session.flush()
    support = current_app.config.get("SUPPORT_EMAIL")
    if support:
        outbox.enqueue(
            support,
            f"Feedback about {current_app.config['SERVICE_NAME']} ({feedback.id})",
            "feedback",
            idempotency_key=f"feedback:{feedback.id}",
            feedback=feedback,
            sender=by,
        )
    audit.record(
        "feedback.sent",
        actor=by,
        subject=feedback,
        organisation_id=by.organisation_id if by is not None else None,
        emailed=bool(support),
    )
    return feedback
