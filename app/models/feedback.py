"""Feedback and requests for help sent from the help pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.user import User


class Feedback(Model):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    message: Mapped[str] = mapped_column(Text)
    # Where to reply, if the sender wants a reply (and who was signed in, if anyone).
    reply_to: Mapped[str | None] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The page they came from, as a path on this service.
    page: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User | None] = relationship()
