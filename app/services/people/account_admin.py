"""Administrators look after people's accounts: finding them, changing their name, role or organisation,
deactivating and reactivating them, and cancelling invitations.

Inviting and signing in live in accounts.py; these are the rules an administrator's changes must keep.
"""

from __future__ import annotations

import enum
import secrets
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Organisation, Role, User
from app.services import audit
from app.services.errors import DomainError, NotAllowed
from app.services.paging import Page, paginate
from app.services.people import accounts, tokens


class ChangeRefused(DomainError):
    """A change to someone's account that breaks a rule, with the field of the form it concerns."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    INVITED = "invited"
    DEACTIVATED = "deactivated"

    @property
    def label(self) -> str:
        return {"active": "Active", "invited": "Invited", "deactivated": "Deactivated"}[self]


def status_of(user: User) -> UserStatus:
    if not user.active:
        return UserStatus.DEACTIVATED
    return UserStatus.INVITED if user.password_hash is None else UserStatus.ACTIVE


def like_pattern(text: str) -> str:
    """A LIKE pattern for `text` anywhere, with its own % and _ matched literally (escape character \\)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_users(
    *,
    text: str = "",
    role: Role | None = None,
    organisation_id: int | None = None,
    status: UserStatus | None = None,
    page: int = 1,
) -> Page:
    query = select(User).options(joinedload(User.organisation))
    if text.strip():
        pattern = like_pattern(text.strip())
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if role is not None:
        query = query.where(User.role == role)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    if status == UserStatus.ACTIVE:
        query = query.where(User.active.is_(True), User.password_hash.is_not(None))
    elif status == UserStatus.INVITED:
        query = query.where(User.active.is_(True), User.password_hash.is_(None))
    elif status == UserStatus.DEACTIVATED:
        query = query.where(User.active.is_(False))
    return paginate(query.order_by(func.lower(User.name), User.id), page)


def active_administrators() -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMINISTRATOR, User.active.is_(True))
        )
        or 0
    )


def _check_administrator(by: User) -> None:
    if by.role != Role.ADMINISTRATOR or not by.active:
        raise NotAllowed("Only administrators can change people's accounts")


def _is_last_administrator(user: User) -> bool:
    return user.role == Role.ADMINISTRATOR and user.active and active_administrators() <= 1


def change_user(
    user: User,
    *,
    name: str,
    role: Role,
    organisation: Organisation | None,
    by: User,
    ip_address: str | None = None,
) -> dict[str, Any]:
    """Change a person's name, role and organisation; return what changed (no event if nothing did)."""
    _check_administrator(by)
    name = name.strip()
    if not name:
        raise ChangeRefused("Enter the person's full name", "name")
    if role != user.role:
        if user.id == by.id:
            raise ChangeRefused("You cannot change your own role: ask another administrator", "role")
        if _is_last_administrator(user):
            raise ChangeRefused(f"{user.name} is the only active administrator, so must stay one", "role")
    if role == Role.ADMINISTRATOR:
        organisation = None  # administrators work for the whole service
    if role == Role.LEAD and organisation is None:
        raise ChangeRefused("Select the lead's organisation", "organisation")
    if organisation is not None and not organisation.active and organisation.id != user.organisation_id:
        raise ChangeRefused(
            f"{organisation.name} is deactivated: select an active organisation", "organisation"
        )

    changes: dict[str, Any] = {}
    if name != user.name:
        changes["name"] = [user.name, name]
    if role != user.role:
        changes["role"] = [user.role.value, role.value]
    new_organisation_id = organisation.id if organisation else None
    if new_organisation_id != user.organisation_id:
        changes["organisation"] = [
            user.organisation.name if user.organisation else None,
            organisation.name if organisation else None,
        ]
    if not changes:
        return changes
    user.name, user.role, user.organisation = name, role, organisation
    db.session.flush()
    audit.record(
        "user.changed",
        actor=by,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        **changes,
    )
    return changes


def _end_access(user: User) -> int:
    """Close the door: no session signed in before now, and no emailed link, works any more."""
    user.active = False
    user.session_token = secrets.token_hex(16)
    return tokens.revoke_all(user)


def deactivation_problem(user: User, *, by: User) -> str | None:
    """Why this administrator may not deactivate this account, in words for them; None if they may."""
    if user.id == by.id:
        return "You cannot deactivate your own account: ask another administrator"
    if _is_last_administrator(user):
        return f"{user.name} is the only active administrator, so their account cannot be deactivated"
    return None


def deactivate_user(user: User, *, by: User, ip_address: str | None = None) -> None:
    """The person can no longer sign in; everything they did stays, credited to them."""
    _check_administrator(by)
    if not user.active:
        raise DomainError(f"{user.name}'s account is already deactivated")
    problem = deactivation_problem(user, by=by)
    if problem:
        raise NotAllowed(problem)
    links = _end_access(user)
    db.session.flush()
    audit.record(
        "user.deactivated",
        actor=by,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        email=user.email,
        links_cancelled=links,
    )


def reactivation_problem(user: User) -> str | None:
    organisation = user.organisation
    if user.role == Role.LEAD and organisation is not None and not organisation.active:
        return (
            f"{organisation.name} is deactivated: change {user.name}'s organisation to an active one "
            "before you reactivate their account"
        )
    return None


def reactivate_user(user: User, *, by: User, ip_address: str | None = None) -> None:
    _check_administrator(by)
    if user.active:
        raise DomainError(f"{user.name}'s account is already active")
    problem = reactivation_problem(user)
    if problem:
        raise DomainError(problem)
    user.active = True
    db.session.flush()
    audit.record(
        "user.reactivated",
        actor=by,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        email=user.email,
    )


def revoke_invitation(user: User, *, by: User, ip_address: str | None = None) -> None:
    """The invitation link stops working; the account stays closed until they are invited again."""
    _check_administrator(by)
    if user.password_hash is not None:
        raise DomainError(f"{user.name} has already accepted their invitation")
    if not user.active:
        raise DomainError(f"{user.name}'s invitation has already been cancelled")
    _end_access(user)
    db.session.flush()
    audit.record(
        "invitation.revoked",
        actor=by,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        email=user.email,
    )


def resend_invitation(user: User, *, by: User, ip_address: str | None = None) -> None:
    """Send a new invitation link; for a cancelled invitation this opens the account again."""
    _check_administrator(by)
    if user.password_hash is not None:
        raise DomainError(f"{user.name} has already accepted their invitation")
    if not user.active:
        reactivate_user(user, by=by, ip_address=ip_address)
    accounts.send_invitation(user, by=by)
    audit.record("invitation.resent", actor=by, subject=user, ip_address=ip_address, email=user.email)


def deactivate_leads_of(organisation: Organisation, *, by: User | None, ip_address: str | None) -> list[User]:
    """When an organisation is deactivated its collaboration leads lose access: they exist to report for it.

    Reviewers and administrators keep their accounts (a reviewer's organisation still keeps them off its
    projects).
    """
    leads = leads_losing_access(organisation)
    for lead in leads:
        _end_access(lead)
        audit.record(
            "user.deactivated",
            actor=by,
            subject=lead,
            organisation_id=organisation.id,
            ip_address=ip_address,
            email=lead.email,
            reason=f"{organisation.name} was deactivated",
        )
    db.session.flush()
    return leads


def leads_losing_access(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                and_(
                    User.organisation_id == organisation.id,
                    User.role == Role.LEAD,
                    User.active.is_(True),
                )
            )
            .order_by(func.lower(User.name), User.id)
        )
    )
