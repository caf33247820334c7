"""Administrators look after organisations: finding, adding, changing, deactivating, deleting, importing.

A deactivated organisation stays in every past submission, record and figure, but cannot be chosen for new
people or as a new partner, and its collaboration leads lose access. Only an organisation that nothing refers
to can be deleted: one with submissions never can.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, Region, Sector, Submission, User
from app.services import audit
from app.services.errors import DomainError, NotAllowed
from app.services.organisations.files import ImportResult, OrganisationRow, import_organisations
from app.services.paging import Page, paginate
from app.services.people import account_admin as people


@dataclass
class OrganisationSummary:
    organisation: Organisation
    users: int
    submissions: int


def search_organisations(
    *,
    text: str = "",
    sector: Sector | None = None,
    region: Region | None = None,
    national: bool = False,
    active: bool | None = None,
    page: int = 1,
) -> Page:
    """A page of organisations by name, each with how many people and submissions it has."""
    query = select(Organisation)
    if text.strip():
        query = query.where(
            func.lower(Organisation.name).like(people.like_pattern(text.strip()), escape="\\")
        )
    if sector is not None:
        query = query.where(Organisation.sector == sector)
    if region is not None:
        query = query.where(Organisation.region == region)
    elif national:
        query = query.where(Organisation.region.is_(None))
    if active is not None:
        query = query.where(Organisation.active.is_(active))
    listing = paginate(query.order_by(func.lower(Organisation.name), Organisation.id), page)
    ids = [org.id for org in listing.items]
    users = _counts(User.organisation_id, ids)
    submissions = _counts(Submission.organisation_id, ids)
    listing.items = [
        OrganisationSummary(org, users.get(org.id, 0), submissions.get(org.id, 0)) for org in listing.items
    ]
    return listing


def _counts(column: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all()
    return {row[0]: row[1] for row in rows}


def counts_for(organisation: Organisation) -> OrganisationSummary:
    users = _counts(User.organisation_id, [organisation.id]).get(organisation.id, 0)
    submissions = _counts(Submission.organisation_id, [organisation.id]).get(organisation.id, 0)
    return OrganisationSummary(organisation, users, submissions)


def find_by_name(name: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )


def _check_name(name: str, organisation: Organisation | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter the organisation's name")
    same = find_by_name(name)
    if same is not None and same is not organisation:
        raise DomainError(f"There is already an organisation called {same.name}")
    return name


def create_organisation(
    *, name: str, sector: Sector, region: Region | None, by: User, ip_address: str | None = None
) -> Organisation:
    organisation = Organisation(name=_check_name(name), sector=sector, region=region, active=True)
    db.session.add(organisation)
    db.session.flush()
    # The organisation is the subject, not organisation_id: that would stop an unused one being deleted.
    audit.record(
        "organisation.created",
        actor=by,
        subject=organisation,
        ip_address=ip_address,
        name=organisation.name,
        sector=sector.value,
        region=region.value if region else None,
    )
    return organisation


def change_organisation(
    organisation: Organisation,
    *,
    name: str,
    sector: Sector,
    region: Region | None,
    by: User,
    ip_address: str | None = None,
) -> dict[str, list[Any]]:
    name = _check_name(name, organisation)
    changes: dict[str, Any] = {}
    if name != organisation.name:
        changes["name"] = [organisation.name, name]
    if sector != organisation.sector:
        changes["sector"] = [organisation.sector.value, sector.value]
    if region != organisation.region:
        changes["region"] = [
            organisation.region.value if organisation.region else None,
            region.value if region else None,
        ]
    if not changes:
        return changes
    organisation.name, organisation.sector, organisation.region = name, sector, region
    db.session.flush()
    audit.record("organisation.changed", actor=by, subject=organisation, ip_address=ip_address, **changes)
    return changes


def deactivate_organisation(
    organisation: Organisation, *, by: User, ip_address: str | None = None
) -> list[User]:
    """Deactivate it and its collaboration leads' accounts; return those leads."""
    if not organisation.active:
        raise DomainError(f"{organisation.name} is already deactivated")
    organisation.active = False
    leads = people.deactivate_leads_of(organisation, by=by, ip_address=ip_address)
    audit.record(
        "organisation.deactivated",
        actor=by,
        subject=organisation,
        ip_address=ip_address,
        name=organisation.name,
        leads_deactivated=len(leads),
    )
    return leads


def reactivate_organisation(organisation: Organisation, *, by: User, ip_address: str | None = None) -> None:
    """It can be chosen again. Its people's accounts are not reopened: an administrator reactivates each."""
    if organisation.active:
        raise DomainError(f"{organisation.name} is already active")
    organisation.active = True
    db.session.flush()
    audit.record(
        "organisation.reactivated",
        actor=by,
        subject=organisation,
        ip_address=ip_address,
        name=organisation.name,
    )


# What refers to an organisation, in words, by table. A table added later still counts, by its name.
_USES = {
    "submissions": ("submission", "submissions"),
    "records": ("published record", "published records"),
    "users": ("user", "users"),
    "submission_partners": ("submission naming it as a partner", "submissions naming it as a partner"),
    "nil_returns": ("nil return", "nil returns"),
    "deadline_extensions": ("deadline extension", "deadline extensions"),
    "reminders": ("reminder", "reminders"),
    "audit_events": ("event in the audit log", "events in the audit log"),
}


def uses_of(organisation: Organisation) -> dict[str, int]:
    """How many rows of each table refer to the organisation, for the tables that have any."""
    uses: dict[str, int] = {}
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == "organisations":
                count = db.session.scalar(
                    select(func.count()).select_from(table).where(foreign_key.parent == organisation.id)
                )
                if count:
                    uses[table.name] = uses.get(table.name, 0) + count
    return uses


def _describe(table: str, count: int) -> str:
    one, many = _USES.get(table, (f"row in {table}", f"rows in {table}"))
    return f"{count} {one if count == 1 else many}"


def deletion_problem(organisation: Organisation) -> str | None:
    """Why the organisation cannot be deleted, or None when nothing refers to it."""
    uses = uses_of(organisation)
    if not uses:
        return None
    ordered = [table for table in _USES if table in uses] + sorted(set(uses) - set(_USES))
    parts = [_describe(table, uses[table]) for table in ordered]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    advice = "Deactivate it instead." if organisation.active else "It stays deactivated."
    return f"{organisation.name} cannot be deleted because it has {listed}. {advice}"


def delete_organisation(organisation: Organisation, *, by: User, ip_address: str | None = None) -> None:
    problem = deletion_problem(organisation)
    if problem:
        raise NotAllowed(problem)
    audit.record(
        "organisation.deleted",
        actor=by,
        subject=organisation,
        ip_address=ip_address,
        name=organisation.name,
        sector=organisation.sector.value,
        region=organisation.region.value if organisation.region else None,
    )
    db.session.delete(organisation)
    db.session.flush()


# Importing a CSV file ------------------------------------------------------------------------------------


@dataclass
class PlannedChange:
    organisation: Organisation
    row: OrganisationRow
    changes: list[str]


@dataclass
class ImportPlan:
    added: list[OrganisationRow] = field(default_factory=list)
    changed: list[PlannedChange] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[Organisation] = field(default_factory=list)
    leads_losing_access: int = 0

    def fingerprint(self) -> str:
        """Changes whenever what the import would do changes, so a confirmation cannot apply a stale plan."""
        content = {
            "added": [(r.name, r.sector.value, r.region, r.active) for r in self.added],
            "changed": [(c.organisation.id, c.changes) for c in self.changed],
            "unchanged": self.unchanged,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _region_label(region: Region | None) -> str:
    return region.label if region else "National"


def plan_import(rows: list[OrganisationRow]) -> ImportPlan:
    """What importing these checked rows would add and change, without changing anything."""
    existing = {org.name.lower(): org for org in db.session.scalars(select(Organisation))}
    plan = ImportPlan()
    for row in rows:
        org = existing.get(row.name.lower())
        if org is None:
            plan.added.append(row)
            continue
        changes = []
        if org.name != row.name:
            changes.append(f"Name from {org.name} to {row.name}")
        if org.sector != row.sector:
            changes.append(f"Sector from {org.sector.label} to {row.sector.label}")
        if org.region != row.region:
            changes.append(f"Region from {_region_label(org.region)} to {_region_label(row.region)}")
        if org.active != row.active:
            changes.append("Deactivated" if org.active else "Reactivated")
            if org.active:
                plan.deactivated.append(org)
                plan.leads_losing_access += len(people.leads_losing_access(org))
        if changes:
            plan.changed.append(PlannedChange(org, row, changes))
        else:
            plan.unchanged += 1
    return plan


def apply_import(
    rows: list[OrganisationRow], *, by: User | None, ip_address: str | None = None, via: str
) -> ImportResult:
    """Import checked rows: add and update organisations; close the leads' accounts of those deactivated."""
    plan = plan_import(rows)
    result = import_organisations(rows)
    for organisation in plan.deactivated:
        people.deactivate_leads_of(organisation, by=by, ip_address=ip_address)
    audit.record(
        "organisations.imported",
        actor=by,
        ip_address=ip_address,
        via=via,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        added_names=[row.name for row in plan.added],
        changed_names=[change.row.name for change in plan.changed],
    )
    return result
