"""Who works with whom: each organisation's projects, partners and themes, the sectors that work together most
and the organisations that do, counted over the records the reader may see.

Visibility is Find's (app/services/find/search.py): `visible_sharing` says which sharing choices a reader
may see and `conditions` applies it with the Find filters; figures-only records are never used here, since a
pair of organisations names the project's participants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Record, Sector
from app.models.organisation import SECTOR_LABELS
from app.services.find import search as find
from app.services.find.figures import facet_values
from app.services.find.search import FindQuery

TOP_PAIRS = 50


@dataclass(frozen=True)
class Project:
    record_id: int
    name: str
    lead_id: int
    participants: tuple[int, ...]  # lead first, then partner organisations, each once


@dataclass(frozen=True)
class OrganisationPair:
    first: Organisation
    second: Organisation
    projects: int


@dataclass(frozen=True)
class SectorMatrix:
    sectors: list[Sector]  # those that take part in any project, in the usual order
    counts: dict[tuple[str, str], int]  # (sector, sector) in that order -> projects

    def count(self, a: Sector, b: Sector) -> int:
        return self.counts.get(_ordered_pair(a.value, b.value), 0)

    @property
    def largest(self) -> int:
        return max(self.counts.values(), default=0)


@dataclass(frozen=True)
class Collaboration:
    projects: int
    matrix: SectorMatrix
    pairs: list[OrganisationPair]
    pair_total: int  # how many pairs of organisations work together at all


@dataclass(frozen=True)
class Profile:
    organisation: Organisation
    led: list[Record]
    partnered: list[Record]
    partners: list[tuple[Organisation, int]]  # most shared projects first
    themes: list[tuple[str, int]]


SECTOR_ORDER = list(Sector)


def _ordered_pair(a: str, b: str) -> tuple[str, str]:
    order = {sector.value: index for index, sector in enumerate(SECTOR_ORDER)}
    return (a, b) if order.get(a, 99) <= order.get(b, 99) else (b, a)


def projects(query: FindQuery, *, signed_in: bool) -> list[Project]:
    """The projects the reader may see that match the Find query, with who takes part in each."""
    statement = select(Record.id, Record.name, Record.organisation_id, Record.facets).where(
        *find.conditions(query, sharing=find.visible_sharing(signed_in))
    )
    found = []
    for record_id, name, lead_id, facets in db.session.execute(statement):
        partners = (facets or {}).get("partners") or []
        ids = [lead_id] + [int(value) for value in partners if str(value).isdigit()]
        found.append(Project(record_id, name, lead_id, tuple(dict.fromkeys(ids))))
    return found


def _organisations(ids: Iterable[int]) -> dict[int, Organisation]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))}


def collaboration(query: FindQuery, *, signed_in: bool, top: int = TOP_PAIRS) -> Collaboration:
    found = projects(query, signed_in=signed_in)
    organisations = _organisations(i for project in found for i in project.participants)
    sector_counts: Counter[tuple[str, str]] = Counter()
    pair_counts: Counter[tuple[int, ...]] = Counter()
    for project in found:
        present = [organisations[i] for i in project.participants if i in organisations]
        sectors = Counter(o.sector.value for o in present)
        pairs = {_ordered_pair(a, b) for a, b in combinations(sorted(sectors), 2)} | {
            (s, s) for s, n in sectors.items() if n > 1
        }
        sector_counts.update(pairs)
        pair_counts.update(tuple(sorted(pair)) for pair in combinations({o.id for o in present}, 2))
    used = {s for pair in sector_counts for s in pair}
    ranked = sorted(
        pair_counts.items(),
        key=lambda item: (-item[1], organisations[item[0][0]].name, organisations[item[0][1]].name),
    )[:top]
    return Collaboration(
        projects=len(found),
        matrix=SectorMatrix([s for s in SECTOR_ORDER if s.value in used], dict(sector_counts)),
        pairs=[OrganisationPair(organisations[a], organisations[b], n) for (a, b), n in ranked],
        pair_total=len(pair_counts),
    )


def projects_of_pair(first: int, second: int, query: FindQuery, *, signed_in: bool) -> list[Project]:
    """The projects behind a pair's count in `collaboration(query)`: the same query, the same visibility."""
    return sorted(
        (p for p in projects(query, signed_in=signed_in) if {first, second} <= set(p.participants)),
        key=lambda p: p.name.casefold(),
    )


def projects_of_sectors(first: str, second: str, query: FindQuery, *, signed_in: bool) -> list[Project]:
    """The projects behind a cell of the sector matrix of `collaboration(query)`."""
    found = projects(query, signed_in=signed_in)
    organisations = _organisations(i for project in found for i in project.participants)
    chosen = []
    for project in found:
        sectors = [organisations[i].sector.value for i in project.participants if i in organisations]
        if (first == second and sectors.count(first) > 1) or (
            first != second and {first, second} <= set(sectors)
        ):
            chosen.append(project)
    return sorted(chosen, key=lambda p: p.name.casefold())


def profile(organisation: Organisation, *, signed_in: bool, theme_labels: dict[str, str]) -> Profile:
    """An organisation's page: the projects it leads and partners in, its partners and its themes."""
    records = find.records_of_organisation(organisation.id, signed_in=signed_in)
    led = [r for r in records if r.organisation_id == organisation.id]
    partnered = [r for r in records if r.organisation_id != organisation.id]
    partner_counts: Counter[int] = Counter()
    for record in records:
        ids = {record.organisation_id} | {int(v) for v in facet_values(record, "partners") if v.isdigit()}
        partner_counts.update(ids - {organisation.id})
    names = _organisations(partner_counts)
    partners = sorted(
        ((names[i], n) for i, n in partner_counts.items() if i in names),
        key=lambda item: (-item[1], item[0].name),
    )
    themes = Counter(value for record in records for value in facet_values(record, "themes"))
    return Profile(
        organisation=organisation,
        led=led,
        partnered=partnered,
        partners=partners,
        themes=[(theme_labels.get(v, v), n) for v, n in sorted(themes.items(), key=lambda i: (-i[1], i[0]))],
    )


def sector_label(value: str) -> str:
    return SECTOR_LABELS.get(Sector(value), value) if value in {s.value for s in Sector} else value
