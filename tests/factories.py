"""Factories for test data: small functions that make what a test needs and nothing more."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Organisation, Region, Role, Sector, User
from app.services.people import accounts

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)
# People made here get a password hash made once per password, with scrypt at a 32nd of the service's work
# factor: the service's own (accounts.hash_password) takes a fifth of a second of CPU, and the suite makes
# thousands of people. Signing in still checks it with werkzeug's check_password_hash, as for anyone; setting
# a password (invitations, resets, changes) goes through the service and makes a full-strength hash.
_HASHES: dict[str, str] = {}


def _password_hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = generate_password_hash(password, method="scrypt:1024:8:1")
    return _HASHES[password]


def organisation(
    name: str | None = None, *, sector: Sector = Sector.POLICE, region=Region.SOUTH_EAST
) -> Organisation:
    org = Organisation(
        name=name or f"Test Constabulary {next(_sequence)}", sector=sector, region=region, active=True
    )
    db.session.add(org)
    # Committed: requests share the test's session, and a GET request rolls back what is uncommitted.
    db.session.commit()
    return org


def user(
    role: Role = Role.LEAD,
    *,
    email: str | None = None,
    name: str = "Test Person",
    password: str | None = PASSWORD,
    organisation_: Organisation | None = None,
    commit: bool = True,
) -> User:
    if role == Role.LEAD and organisation_ is None:
        organisation_ = organisation()
    person = accounts.create_user(
        email=email or f"person{next(_sequence)}@example.org",
        name=name,
        role=role,
        organisation=organisation_,
    )
    if password:
        person.password_hash = _password_hash(password)
    if commit:
        db.session.commit()
    return person


def administrator(**kwargs) -> User:
    return user(Role.ADMINISTRATOR, name=kwargs.pop("name", "Ada Administrator"), **kwargs)


def reviewer(**kwargs) -> User:
    return user(Role.REVIEWER, name=kwargs.pop("name", "Rhys Reviewer"), **kwargs)


def with_two_factor(person: User) -> tuple[str, list[str]]:
    """Turn two-factor authentication on for `person` as the set-up page does, as if some time ago (no code
    used yet); return the secret (for pyotp to compute codes) and the recovery codes."""
    import pyotp

    from app.services.people import two_factor

    secret = two_factor.new_secret()
    codes = two_factor.turn_on(person, secret, pyotp.TOTP(secret).now())
    person.totp_last_step = None
    db.session.commit()
    return secret, codes
