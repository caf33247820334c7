"""Submissions (one collaboration project in one round), their revisions and nil returns."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.organisation import Organisation
from app.models.round import QuestionnaireVersion, Round
from app.models.user import User


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    SubmissionStatus.DRAFT: "In progress",
    SubmissionStatus.SUBMITTED: "Submitted",
    SubmissionStatus.IN_REVIEW: "Submitted",
    SubmissionStatus.CHANGES_REQUESTED: "Changes requested",
    SubmissionStatus.APPROVED: "Approved",
    SubmissionStatus.REJECTED: "Rejected",
}

EDITABLE_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED)
# A lead may withdraw a submission until a reviewer decides on it; it returns to them as a draft.
WITHDRAWABLE_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW)


def _status_enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


class PartnerConfirmation(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DENIED = "denied"

    @property
    def label(self) -> str:
        return {"pending": "Not answered yet", "confirmed": "Confirmed", "denied": "Denied"}[self]


class Submission(Model):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)  # given on first submit
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    status: Mapped[SubmissionStatus] = mapped_column(
        _status_enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.DRAFT, index=True
    )
    name: Mapped[str | None] = mapped_column(String(300))  # the project name, copied for lists
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # page id -> "completed" | "in_progress"
    page_states: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Counts every saved change; an edit posted from an older copy is detected, not silently written.
    edit_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reviewer working on it (claimed, or assigned by an administrator).
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it was rejected, or the overall comment when changes were requested, for the lead to read.
    decision_note: Mapped[str | None] = mapped_column(Text)
    # Set when a reviewer rejected it as a duplicate: "record:4" or "submission:12".
    duplicate_of: Mapped[str | None] = mapped_column(String(40))

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    revisions: Mapped[list[Revision]] = relationship(back_populates="submission", order_by="Revision.number")
    partners: Mapped[list[SubmissionPartner]] = relationship(cascade="all, delete-orphan")


class SubmissionPartner(Model):
    """A partner organisation named in a submitted project: it sees the project in its own list."""

    __tablename__ = "submission_partners"
    __table_args__ = (UniqueConstraint("submission_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The partner's own answer: do they agree they are part of this project?
    confirmation: Mapped[PartnerConfirmation] = mapped_column(
        _status_enum(PartnerConfirmation, "partner_confirmation"), default=PartnerConfirmation.PENDING
    )
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    answered_by: Mapped[User | None] = relationship()


class Revision(Model):
    """An immutable snapshot of the answers, taken at every submit."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    number: Mapped[int] = mapped_column(Integer)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="revisions")
    submitted_by: Mapped[User] = relationship()


class NilReturn(Model):
    """An organisation's answer that it has no collaboration projects to report this round."""

    __tablename__ = "nil_returns"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    made_by: Mapped[User] = relationship()
