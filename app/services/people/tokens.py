"""Single-use, expiring tokens for links sent by email."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import EmailToken, TokenPurpose, User
from app.models.base import utcnow
from app.services.errors import InvalidToken
from app.services.statements import rows_changed


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """Create a token and return its raw value for the link; older unused links of this kind stop working."""
    now = utcnow()
    db.session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == purpose,
            EmailToken.used_at.is_(None),
            EmailToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(
        EmailToken(
            token_hash=_hash(raw), purpose=purpose, user=user, created_at=now, expires_at=now + lifetime
        )
    )
    db.session.flush()
    return raw


def revoke_all(user: User) -> int:
    """Stop every unused link sent to this person from working; return how many there were."""
    result = db.session.execute(
        update(EmailToken)
        .where(EmailToken.user_id == user.id, EmailToken.used_at.is_(None), EmailToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return rows_changed(result)


def check(raw: str, purpose: TokenPurpose) -> EmailToken:
    """Return the live token for this raw value, or raise InvalidToken saying why it cannot be used."""
    if not raw or len(raw) > 100:
        raise InvalidToken("This link is not valid")
    token = db.session.scalar(select(EmailToken).filter_by(token_hash=_hash(raw), purpose=purpose))
    if token is None:
        raise InvalidToken("This link is not valid")
    if token.used_at is not None:
        raise InvalidToken("This link has already been used")
    if not token.user.active:  # a deactivated account, or an invitation an administrator cancelled
        raise InvalidToken("This link has been cancelled")
    if token.revoked_at is not None:
        raise InvalidToken("This link has been replaced by a newer one")
    if token.expires_at <= utcnow():
        raise InvalidToken("This link has expired")
    return token


def redeem(raw: str, purpose: TokenPurpose) -> User:
    """Use a token once. The conditional UPDATE makes a second, concurrent use fail."""
    token = check(raw, purpose)
    result = db.session.execute(
        update(EmailToken)
        .where(EmailToken.id == token.id, EmailToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if rows_changed(result) != 1:
        raise InvalidToken("This link has already been used")
    return token.user
