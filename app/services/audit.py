"""Writing audit events. Reading them belongs to the administration pages."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None = None,
    subject: Any = None,
    organisation_id: int | None = None,
    ip_address: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction; it is kept only if the transaction commits."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=subject.__tablename__.removesuffix("s") if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        organisation_id=organisation_id,
        ip_address=ip_address,
        details=details,
    )
    db.session.add(event)
    return event
