"""Reading organisations and people for the pages that list them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Organisation, User


def active_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).filter_by(active=True).order_by(Organisation.name)))


def organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def list_users() -> list[User]:
    return list(
        db.session.scalars(select(User).options(joinedload(User.organisation)).order_by(User.name, User.id))
    )
