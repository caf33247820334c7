"""Reading organisations: the lists and pickers that show them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Organisation
from app.questionnaires.organisation_options import OrganisationOption


def active_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).filter_by(active=True).order_by(Organisation.name)))


def all_organisations() -> list[Organisation]:
    """Every organisation, active or not, by name: for filters over what has already happened."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def organisation_options(keep: Iterable[int] = ()) -> list[OrganisationOption]:
    """Active organisations for the organisation pickers, sector by sector; and those of `keep`, already
    chosen, even if they have been deactivated since, so that a saved answer stays a valid one."""
    chosen = Organisation.active.is_(True)
    if keep:
        chosen = or_(chosen, Organisation.id.in_(sorted(set(keep))))
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.sector)
        .where(chosen)
        .order_by(Organisation.sector, Organisation.name)
    ).all()
    return [OrganisationOption(id=i, name=n, sector=s.value, sector_label=s.label) for i, n, s in rows]
