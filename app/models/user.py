"""People who sign in: collaboration leads, reviewers and administrators."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.organisation import Organisation


class Role(enum.StrEnum):
    LEAD = "lead"
    REVIEWER = "reviewer"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return {"lead": "Collaboration lead", "reviewer": "Reviewer", "administrator": "Administrator"}[self]


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    # Null until the person accepts their invitation and chooses a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changes whenever the password does, so that sessions signed in with an old password end.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person opts out of deadline reminders (from an email's link or their account page).
    reminders_opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reviewers: set when they opt out of the daily digest of items waiting for review.
    review_digest_opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in with an authenticator app (TOTP): the shared secret, set once the person has entered
    # a code to confirm it; when they turned it on; and the last time step whose code was accepted, so that
    # no code can be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    organisation: Mapped[Organisation | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_enabled_at is not None and self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role.value}>"


# Email addresses are unique whatever their case.
Index("uq_users_email_lower", func.lower(User.email), unique=True)
