"""Finding records: full-text search, facet filters with counts, visibility, sorting and pages.

Visibility follows each record's sharing choice: "public" records can be shown to anyone (when the instance is
public), "sector" records to signed-in people only, and "figures_only" records are never shown, only counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Record, Submission
from app.services import search_index

PAGE_SIZE = 20
# The facets people filter by, in the order the filter panel shows them, with the URL parameter of each.
FILTER_FACETS = (
    "services",
    "combination",
    "themes",
    "region",
    "stage",
    "year",
    "enablers",
    "barriers",
    "has_evaluation",
)
SORTS = ("relevance", "newest", "name")


@dataclass
class FindQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    ignored: list[str] = field(default_factory=list)  # filter values we did not recognise, to say so

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query as URL parameters, with changes: every state of the page is a shareable URL."""
        args: dict[str, Any] = {"q": self.text} if self.text else {}
        args.update({name: values for name, values in self.filters.items() if values})
        if self.sort != "relevance":
            args["sort"] = self.sort
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "", [])}


@dataclass
class FindResult:
    records: list[Record]
    snippets: dict[int, Markup]
    total: int
    page: int
    pages: int
    counts: dict[str, Counter]


def parse(args, known_values: dict[str, set[str]]) -> FindQuery:
    """Read a query from request.args: unknown filter values are dropped and reported, never an error."""
    query = FindQuery(text=(args.get("q") or "")[:10_000].strip())
    for name in FILTER_FACETS:
        values = [v for v in args.getlist(name) if v][:20]
        good = [v for v in values if v in known_values.get(name, set())]
        if len(good) != len(values):
            query.ignored.append(name)
        if good:
            query.filters[name] = list(dict.fromkeys(good))
    sort = args.get("sort") or ("relevance" if query.text else "newest")
    query.sort = sort if sort in SORTS else "newest"
    page = args.get("page") or "1"
    query.page = int(page) if page.isdigit() and len(page) < 6 and int(page) > 0 else 1
    return query


def visible_sharing(signed_in: bool) -> tuple[str, ...]:
    return ("public", "sector") if signed_in else ("public",)


def matching(query: FindQuery, *, sharing: tuple[str, ...]) -> tuple[list[Record], dict[int, Markup]]:
    """Every record this viewer may see that matches the text and the filters, in the requested order."""
    hits = search_index.match(query.text) if query.text else None
    statement = (
        select(Record)
        .where(Record.sharing.in_(sharing))
        .options(
            selectinload(Record.organisation), selectinload(Record.submission).selectinload(Submission.round)
        )
    )
    if hits is not None:
        if not hits:
            return [], {}
        statement = statement.where(Record.id.in_([h.record_id for h in hits]))
    records = [r for r in db.session.scalars(statement) if _passes(r, query.filters)]
    snippets = {h.record_id: h.snippet for h in hits} if hits else {}
    if query.sort == "relevance" and hits:
        order = {h.record_id: n for n, h in enumerate(hits)}
        records.sort(key=lambda r: order[r.id])
    elif query.sort == "name":
        records.sort(key=lambda r: (r.name.lower(), r.id))
    else:
        records.sort(key=lambda r: (r.approved_at, r.id), reverse=True)
    return records, snippets


def _passes(record: Record, filters: dict[str, list[str]]) -> bool:
    """Values of one facet are alternatives (any of them); different facets must all hold."""
    return all(set(values) & set(record.facets.get(name, [])) for name, values in filters.items())


def find(query: FindQuery, *, signed_in: bool) -> FindResult:
    records, snippets = matching(query, sharing=visible_sharing(signed_in))
    counts = {
        name: Counter(v for r in records for v in set(r.facets.get(name, []))) for name in FILTER_FACETS
    }
    total = len(records)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    return FindResult(
        records=records[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        snippets=snippets,
        total=total,
        page=page,
        pages=pages,
        counts=counts,
    )


def for_figures(query: FindQuery, *, signed_in: bool) -> list[Record]:
    """Figures count every approved record the filters select, including those shared as figures only."""
    sharing = (*visible_sharing(signed_in), "figures_only")
    return matching(query, sharing=sharing)[0]


def visible_record(record_id: int, *, signed_in: bool) -> Record | None:
    record = db.session.get(Record, record_id)
    if record is None or record.sharing not in visible_sharing(signed_in):
        return None
    return record


def related(record: Record, *, signed_in: bool, limit: int = 3) -> list[Record]:
    """Other records sharing a theme and a region with this one."""
    themes = set(record.facets.get("themes", []))
    regions = set(record.facets.get("region", []))
    candidates = db.session.scalars(
        select(Record).where(Record.id != record.id, Record.sharing.in_(visible_sharing(signed_in)))
    ).all()
    scored = [
        (len(themes & set(r.facets.get("themes", []))), r)
        for r in candidates
        if themes & set(r.facets.get("themes", [])) and regions & set(r.facets.get("region", []))
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [r for _, r in scored[:limit]]


def records_of_organisation(organisation_id: int, *, signed_in: bool) -> list[Record]:
    """Records an organisation leads or is a partner in."""
    records = db.session.scalars(
        select(Record).where(Record.sharing.in_(visible_sharing(signed_in))).order_by(Record.name)
    ).all()
    return [
        r
        for r in records
        if r.organisation_id == organisation_id or str(organisation_id) in r.facets.get("partners", [])
    ]
