"""Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238) after the password, or a
single-use recovery code when the app is not to hand."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import RecoveryCode, Role, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import DomainError, NotAllowed
from app.services.statements import rows_changed

# What every authenticator app understands: 6 digits, a new code every 30 seconds, HMAC-SHA1.
DIGITS = 6
STEP_SECONDS = 30
DIGEST = hashlib.sha1
# The codes of the step before and the step after are accepted too: phone clocks drift and people type slowly.
WINDOW = 1
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits but those people confuse (0/o, 1/l/i): 31 symbols, about 50 bits a code.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
ROLES_THAT_MAY_BE_REQUIRED = (Role.REVIEWER, Role.ADMINISTRATOR)

WRONG_CODE = "The code is not correct or has expired"
USED_CODE = (
    "That code has already been used. Wait for your authenticator app to show a new code, then enter it"
)
WRONG_RECOVERY_CODE = "The recovery code is not correct or has already been used"


class WrongCode(DomainError):
    pass


# Who needs it


def required_for(user: Any) -> bool:
    """Whether this person's role must use two-factor sign-in on this instance (REQUIRE_2FA)."""
    return bool(current_app.config.get("REQUIRE_2FA")) and getattr(user, "role", None) in (
        ROLES_THAT_MAY_BE_REQUIRED
    )


def must_set_up(user: Any) -> bool:
    """A signed-in person who may use nothing but the set-up page until they turn two-factor sign-in on."""
    return bool(getattr(user, "is_authenticated", False)) and required_for(user) and not user.has_two_factor


# Setting it up


def new_secret() -> str:
    """A random 160-bit secret in base 32, as authenticator apps take it."""
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of 4 characters, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, digest=DIGEST, interval=STEP_SECONDS)


def setup_uri(user: User, secret: str) -> str:
    """The otpauth:// address that the QR code carries; the app shows the service's name and the email."""
    return _totp(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def qr_code(uri: str) -> str:
    """The QR code for `uri` as an SVG data URI, drawn here: no script and nothing fetched from elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff")


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step whose code `code` is, within the window around `at` (now); None when it matches none."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    now_step = int((time.time() if at is None else at) // STEP_SECONDS)
    totp = _totp(secret)
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def turn_on(user: User, secret: str, code: str, *, ip_address: str | None = None) -> list[str]:
    """Turn two-factor sign-in on once the person proves their app has the secret; return the recovery codes,
    which are shown this once and kept only as hashes."""
    if user.has_two_factor:
        raise DomainError("Two-factor authentication is already on")
    step = matching_step(secret, code)
    if step is None:
        raise WrongCode(WRONG_CODE)
    user.totp_secret = secret
    user.totp_last_step = step
    user.two_factor_enabled_at = utcnow()
    # Sessions elsewhere were signed in with the password alone: they end, this device is signed in again.
    user.session_token = secrets.token_hex(16)
    codes = _replace_recovery_codes(user)
    audit.record(
        "two_factor.enabled",
        actor=user,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
    )
    db.session.flush()
    return codes


# Codes from the app


def check_code(user: User, code: str, *, ip_address: str | None = None, purpose: str = "sign in") -> None:
    """Accept a code from the person's app, each time step once only; raise WrongCode and audit otherwise."""
    if not user.has_two_factor:
        raise DomainError("Two-factor authentication is not on")
    step = matching_step(user.totp_secret or "", code)
    if step is None:
        _failed(user, ip_address, purpose=purpose, reason="wrong code")
        raise WrongCode(WRONG_CODE)
    # One conditional UPDATE: of two requests with the same code, however close together, one wins.
    accepted = rows_changed(
        db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
    )
    if accepted != 1:
        _failed(user, ip_address, purpose=purpose, reason="code already used")
        raise WrongCode(USED_CODE)
    set_committed_value(user, "totp_last_step", step)


def _failed(user: User, ip_address: str | None, **details: Any) -> None:
    audit.record(
        "two_factor.failed",
        actor=user,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        **details,
    )


# Recovery codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t\r\n")


def _hash_recovery_code(user: User, code: str) -> str:
    # The person's id is part of what is hashed, so one table of hashes cannot be searched for all at once.
    return hashlib.sha256(f"{user.id}:{normalise_recovery_code(code)}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    half = RECOVERY_CODE_LENGTH // 2
    return f"{raw[:half]}-{raw[half:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    now = utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(user, code), created_at=now)
        for code in codes
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def use_recovery_code(user: User, code: str, *, ip_address: str | None = None) -> int:
    """Accept an unused recovery code, once; return how many are left. Raise WrongCode and audit otherwise."""
    cleaned = normalise_recovery_code(code)
    used = 0
    if (
        user.has_two_factor
        and len(cleaned) == RECOVERY_CODE_LENGTH
        and set(cleaned) <= set(RECOVERY_ALPHABET)
    ):
        used = rows_changed(
            db.session.execute(
                update(RecoveryCode)
                .where(
                    RecoveryCode.user_id == user.id,
                    RecoveryCode.code_hash == _hash_recovery_code(user, cleaned),
                    RecoveryCode.used_at.is_(None),
                )
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        )
    if used != 1:
        _failed(user, ip_address, purpose="sign in", reason="wrong recovery code")
        raise WrongCode(WRONG_RECOVERY_CODE)
    left = recovery_codes_left(user)
    audit.record(
        "two_factor.recovery_code_used",
        actor=user,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        codes_left=left,
    )
    return left


def new_recovery_codes(user: User, code: str, *, ip_address: str | None = None) -> list[str]:
    """Replace every recovery code, used or not, once the person gives a current code from their app."""
    check_code(user, code, ip_address=ip_address, purpose="new recovery codes")
    codes = _replace_recovery_codes(user)
    audit.record(
        "two_factor.recovery_codes_replaced",
        actor=user,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
    )
    db.session.flush()
    return codes


# Turning it off


def turn_off(user: User, code: str, *, ip_address: str | None = None) -> None:
    """The person turns it off themselves, with a current code; not when their role must use it."""
    if required_for(user):
        raise NotAllowed(f"{user.role.label}s must use two-factor authentication, so you cannot turn it off")
    check_code(user, code, ip_address=ip_address, purpose="turn off")
    _clear(user)
    audit.record(
        "two_factor.disabled",
        actor=user,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
    )


def check_reset_allowed(user: User, *, by: User | None) -> None:
    """Raise the reason why `by` (None: the command line) may not reset this person's two-factor
    authentication, if there is one."""
    if by is not None and by.role != Role.ADMINISTRATOR:
        raise NotAllowed("Only administrators can reset two-factor authentication")
    if by is not None and by.id == user.id:
        raise NotAllowed("You cannot reset your own two-factor authentication. Ask another administrator")
    if not user.has_two_factor:
        raise DomainError(f"{user.name} does not use two-factor authentication")


def reset(user: User, *, by: User | None, ip_address: str | None = None) -> None:
    """An administrator (or, for the last administrator, someone on the server's command line) turns it off
    for someone who lost their phone, who is then signed out everywhere."""
    check_reset_allowed(user, by=by)
    _clear(user)
    user.session_token = secrets.token_hex(16)
    audit.record(
        "two_factor.reset",
        actor=by,
        subject=user,
        organisation_id=user.organisation_id,
        ip_address=ip_address,
        email=user.email,
        **({} if by is not None else {"via": "command line"}),
    )


def _clear(user: User) -> None:
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
