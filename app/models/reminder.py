"""Deadline reminders: one row per (round, offset, person), so each is planned and sent at most once."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.user import User

# The offset used for the "deadline passed" notice on the morning after the deadline.
DEADLINE_PASSED = -1


class ReminderStatus(enum.StrEnum):
    PLANNED = "planned"
    SENT = "sent"  # queued in the outbox
    SKIPPED = "skipped"  # nothing outstanding when it came to be sent, or opted out, or superseded

    @property
    def label(self) -> str:
        return {"planned": "Planned", "sent": "Sent", "skipped": "Not needed"}[self]


class Reminder(Model):
    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("round_id", "offset_days", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    # Days before the deadline (DEADLINE_PASSED for the notice after it); a manual send uses its own key.
    offset_days: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(
        Enum(
            ReminderStatus,
            name="reminder_status",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ReminderStatus.PLANNED,
        index=True,
    )
    reason: Mapped[str | None] = mapped_column(String(200))
    outbound_email_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_emails.id"))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
