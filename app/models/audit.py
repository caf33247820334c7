"""The audit log: an append-only record of every action that matters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.user import User


class AuditEvent(Model):
    __tablename__ = "audit_events"
    # The audit log page filters on one of these and shows the newest first, a page at a time: each index
    # serves both the filter and the order, so a page stays quick with millions of events.
    __table_args__ = (
        Index("ix_audit_events_actor_time", "actor_id", "occurred_at", "id"),
        Index("ix_audit_events_action_time", "action", "occurred_at", "id"),
        Index("ix_audit_events_organisation_time", "organisation_id", "occurred_at", "id"),
        Index("ix_audit_events_subject_time", "subject_type", "subject_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the action was done to, e.g. ("user", 12) or ("submission", 40).
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("Audit events are append-only")
