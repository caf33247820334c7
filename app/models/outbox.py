"""The email outbox: rows written in the same transaction as the change that causes them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow


class EmailStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # No mail server is configured: kept for people to read on the Emails page, never delivered.
    NOT_DELIVERED = "not_delivered"

    @property
    def label(self) -> str:
        return {
            "pending": "Waiting to send",
            "sending": "Sending",
            "sent": "Sent",
            "failed": "Failed",
            "not_delivered": "Not delivered",
        }[self]


class OutboundEmail(Model):
    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The whole message as built when it was queued, for rows queued before the worker built each message
    # with Flask-Mail as it sends it (outbox.message) from the parts above; empty for rows queued since.
    message: Mapped[bytes | None] = mapped_column(LargeBinary)
    template: Mapped[str] = mapped_column(String(100))
    # For emails people can opt out of: the one-click List-Unsubscribe address (RFC 8058).
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[EmailStatus] = mapped_column(
        Enum(
            EmailStatus,
            name="email_status",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=EmailStatus.PENDING,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A worker that claims a row holds it until this time; a crashed worker's claim lapses.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Data retention clears the bodies (text, HTML and the built message) of old emails and keeps the row.
    body_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body_kept_days: Mapped[int | None] = mapped_column(Integer)

    @property
    def body_removed(self) -> bool:
        return self.body_removed_at is not None
