"""Mappings saved under a name, to use again for the next export of the same survey: chosen on the upload
page, downloaded as YAML, or named to `flask import responses --mapping`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SavedMapping, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import DomainError

MAX_NAME_LENGTH = 100


def saved_mappings() -> list[SavedMapping]:
    return list(db.session.scalars(select(SavedMapping).order_by(func.lower(SavedMapping.name))))


def by_name(name: str) -> SavedMapping | None:
    wanted = " ".join(name.split()).casefold()
    return next((saved for saved in saved_mappings() if saved.name.casefold() == wanted), None)


def check_name(name: str, *, replacing: str | None = None) -> str:
    """The name tidied; DomainError if it is empty, too long, or another saved mapping's (unless it is the
    one being replaced)."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter a name for the mapping, for example SurveyMonkey collaboration survey")
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(f"The mapping's name must be {MAX_NAME_LENGTH} characters or fewer")
    existing = by_name(name)
    if existing is not None and (replacing is None or existing.name.casefold() != replacing.casefold()):
        raise DomainError(f"A mapping called {existing.name} is saved already: give this one another name")
    return name


def save(
    name: str, mapping_text: str, *, by: User, ip_address: str | None = None, replacing: str | None = None
) -> SavedMapping:
    """Save a mapping under a name; the saved mapping of that name is replaced only when `replacing` names it
    (the mapping the import started from)."""
    name = check_name(name, replacing=replacing)
    saved = by_name(name)
    replaced = saved is not None
    if saved is None:
        saved = SavedMapping(name=name, created_by=by, created_at=utcnow())
        db.session.add(saved)
    saved.mapping_text = mapping_text
    saved.updated_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:  # saved by someone else at the same moment: the caller rolls back
        raise DomainError(f"A mapping called {name} is saved already: give this one another name") from None
    audit.record(
        "import_mapping.saved", actor=by, subject=saved, ip_address=ip_address, name=name, replaced=replaced
    )
    return saved


def delete(saved: SavedMapping, *, by: User, ip_address: str | None = None) -> None:
    audit.record("import_mapping.deleted", actor=by, subject=saved, ip_address=ip_address, name=saved.name)
    db.session.delete(saved)
    db.session.flush()
