"""Notable practice: a reviewer's choice, when approving, that a project be featured in the overview."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.user import User


class NotablePractice(Model):
    """One project (by its submission, so that the choice outlives a republished record) featured as a case
    study under one or more of its themes, with a sentence saying why. Absent: not notable practice."""

    __tablename__ = "notable_practices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # theme choice values
    reason: Mapped[str] = mapped_column(Text)
    chosen_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    chosen_by: Mapped[User] = relationship()
