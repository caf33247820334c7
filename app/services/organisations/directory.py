"""Reading organisations: the lists and pickers that show them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_, select

from app.extensions import db
from app.models import Organisation, Sector
from app.questionnaires.organisation_options import OrganisationOption


def active_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).filter_by(active=True).order_by(Organisation.name)))


def all_organisations() -> list[Organisation]:
    """Every organisation, active or not, by name: for filters over what has already happened."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def organisations_by_sector() -> list[Organisation]:
    """Every organisation, active or not, by sector (in the order sectors are declared) then by name."""
    sector_order = {sector: position for position, sector in enumerate(Sector)}
    organisations = db.session.scalars(select(Organisation)).all()
    return sorted(organisations, key=lambda org: (sector_order[org.sector], org.name.lower()))


def organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def organisation_options(keep: Iterable[int] = ()) -> list[OrganisationOption]:
    """Active organisations for the organisation pickers, sector by sector; and those of `keep`, already
    chosen, even if they have been deactivated since, so that a saved answer stays a valid one."""
    chosen: ColumnElement[bool] = Organisation.active.is_(True)
    if keep:
        chosen = or_(chosen, Organisation.id.in_(sorted(set(keep))))
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.sector, Organisation.region)
        .where(chosen)
        .order_by(Organisation.sector, Organisation.name)
    ).all()
    return [
        OrganisationOption(
            id=i,
            name=n,
            sector=s.value,
            sector_label=s.label,
            region=r.value if r is not None else None,
            region_label=r.label if r is not None else None,
        )
        for i, n, s, r in rows
    ]
