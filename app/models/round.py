"""Rounds (data collections) and the questionnaire versions they use."""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.organisation import Organisation

LONDON = ZoneInfo("Europe/London")

DEFAULT_REMINDER_OFFSETS = [14, 7, 2, 1]


class QuestionnaireVersion(Model):
    """A validated definition, kept as its YAML text. Immutable once a round uses it."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "<questionnaire id>/<version>"
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoundState(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class Round(Model):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # Days before the deadline on which leads with work outstanding are reminded.
    reminder_offsets: Mapped[list[int]] = mapped_column(JSON, default=lambda: list(DEFAULT_REMINDER_OFFSETS))
    # Also tell those with work outstanding, on the morning after the deadline, that it has passed.
    deadline_passed_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    extensions: Mapped[list[DeadlineExtension]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="DeadlineExtension.id"
    )

    @property
    def year(self) -> int:
        """The year the round is named for and its projects are counted in: that of its deadline (UK time).
        "Collaboration return 2027" opens in the autumn of 2026 and closes in 2027."""
        return self.deadline.astimezone(LONDON).year

    def state(self, now: datetime | None = None) -> RoundState:
        now = now or utcnow()
        if now < self.opens_at:
            return RoundState.UPCOMING
        if now <= self.deadline:
            return RoundState.OPEN
        return RoundState.CLOSED


class DeadlineExtension(Model):
    """A later deadline for one organisation in one round."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))

    round: Mapped[Round] = relationship(back_populates="extensions")
    organisation: Mapped[Organisation] = relationship()
