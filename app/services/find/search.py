"""Finding records: full-text search, facet filters with counts, visibility, sorting and pages.

Who may see what is decided in app/services/find/visibility.py: "public" records can be shown to anyone
(when the instance is public), "sector" records to signed-in people only, and "figures_only" records are
never shown, only counted, and never matched by words.

A search page is worked out from each process's index of the records (app/services/find/index.py): which
records match (visibility, words and filters), how many of them have each filter value, and which are on the
page; and the figures. Downloads and the overview's case studies select the same records in SQL, with
`conditions`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from markupsafe import Markup
from sqlalchemy import ColumnElement, Select, Text, cast, func, null, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.ids import parse_id
from app.models import (
    FacetValue,
    Organisation,
    Record,
    RecordFacet,
    Round,
    Submission,
    SubmissionPartner,
)
from app.questionnaires.schema import Questionnaire
from app.services.find import index as find_index
from app.services.find import record_index as search_index
from app.services.find import visibility
from app.services.find.downloads import ExportRecord
from app.services.find.figures import Figures, from_tallies
from app.services.find.record_index import FILTER_FACETS

PAGE_SIZE = 20
EXPORT_BATCH = 500  # records read from the database at a time when every matching record is wanted
SORTS = ("relevance", "newest", "name")
__all__ = ["FILTER_FACETS"]


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

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> FindQuery:
        """The query whose `args()` these are (kept, say, with a download the worker makes later): the order
        left out of them is the default, most relevant first."""
        filters = {name: list(values) for name, values in args.items() if name in FILTER_FACETS}
        page = args.get("page", 1)
        return cls(text=args.get("q", ""), filters=filters, sort=args.get("sort", "relevance"), page=page)


@dataclass
class Listed:
    """What a page of results shows of a record: read as one narrow row, not the whole record."""

    id: int
    name: str
    summary: str
    organisation_id: int | None
    organisation_name: str
    round_title: str
    passage: str | None = None  # the matching passage, marked by the engine (PostgreSQL only)


@dataclass
class FindResult:
    records: list[Any]  # Listed, or the whole Record for those who asked (the API)
    snippets: dict[int, Markup]
    total: int
    page: int
    pages: int
    counts: dict[str, Counter[str]]


def parse(args: MultiDict[str, str], known_values: dict[str, set[str]]) -> FindQuery:
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
    number = parse_id(page)
    query.page = number if number is not None and number < 100_000 else 1
    return query


def visible_sharing(signed_in: bool) -> tuple[str, ...]:
    """The sharing choices of the records this viewer may read (app/services/find/visibility.py)."""
    return visibility.viewer(signed_in=signed_in).readable


def conditions(query: FindQuery, *, sharing: tuple[str, ...], text: bool = True) -> list[ColumnElement[bool]]:
    """What a record must satisfy: visible to this viewer, every word (unless text=False: the caller joins
    the ranked matches instead), and for each filtered facet any one of its chosen values."""
    where: list[ColumnElement[bool]] = [Record.sharing.in_(sharing)]
    words = search_index.terms(query.text)
    if text and words:
        where.append(search_index.condition(words))
    for facet, values in query.filters.items():
        having_value = (
            select(RecordFacet.record_id)
            .join(FacetValue, FacetValue.id == RecordFacet.facet_value_id)
            .where(FacetValue.facet == facet, FacetValue.value.in_(values))
        )
        where.append(Record.id.in_(having_value))
    return where


def _ordered(statement: Select[Any], query: FindQuery, *, sharing: tuple[str, ...]) -> Select[Any]:
    """The statement restricted to the matching records, in the requested order (always a total order, so
    that pages are stable)."""
    words = search_index.terms(query.text)
    if query.sort == "relevance" and words:
        ranked = search_index.ranked(words)
        return (
            statement.join(ranked, ranked.c.record_id == Record.id)
            .where(*conditions(query, sharing=sharing, text=False))
            .order_by(ranked.c.score.desc(), Record.id)
        )
    statement = statement.where(*conditions(query, sharing=sharing))
    if query.sort == "name":
        return statement.order_by(find_index.name_order(), Record.id)
    return statement.order_by(Record.approved_at.desc(), Record.id.desc())


def _with_display(statement: Select[Any]) -> Select[Any]:
    # Many-to-one only, joined in the same query: also right when rows are read in batches.
    return statement.options(
        joinedload(Record.organisation), joinedload(Record.submission).joinedload(Submission.round)
    )


def find(query: FindQuery, *, signed_in: bool, whole: bool = False) -> FindResult:
    """One page of results, the number of matching records and, for each filter facet, how many of them have
    each value, from this process's index (app/services/find/index.py); the page's records (as Listed, or as
    whole Records with `whole`) and their snippets from the database."""
    sharing = visible_sharing(signed_in)
    words = search_index.terms(query.text)
    index = find_index.current()
    chosen = index.select(sharing=sharing, words=words, filters=query.filters)
    total, values = index.counts(chosen)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    records: list[Any] = []
    snippets: dict[int, Markup] = {}
    if total:
        start = (page - 1) * PAGE_SIZE
        ids = index.page(chosen, sort=query.sort, words=words, start=start, stop=start + PAGE_SIZE)
        # Visibility is checked again, in case a record changed since the index was read.
        passage = None if whole else search_index.snippet_column(words)
        by_id = _whole(ids, sharing) if whole else _listed(ids, sharing, passage)
        records = [by_id[record_id] for record_id in ids if record_id in by_id]
        if passage is not None:  # PostgreSQL: the passages came with the rows
            snippets = {r.id: search_index.marked(r.passage) for r in records}
        else:
            snippets = search_index.snippets([r.id for r in records], words)
    return FindResult(
        records=records,
        snippets=snippets,
        total=total,
        page=page,
        pages=pages,
        counts={facet: Counter(values.get(facet, {})) for facet in FILTER_FACETS},
    )


def _whole(ids: list[int], sharing: tuple[str, ...]) -> dict[int, Any]:
    statement = select(Record).where(Record.id.in_(ids), Record.sharing.in_(sharing))
    return {r.id: r for r in db.session.scalars(_with_display(statement))}


def _listed(ids: list[int], sharing: tuple[str, ...], passage: ColumnElement[str] | None) -> dict[int, Any]:
    """The page's records as narrow rows, with their matching passages when `passage` is given."""
    statement = (
        select(
            Record.id,
            Record.name,
            Record.summary,
            Record.organisation_id,
            func.coalesce(Organisation.name, ""),
            func.coalesce(Round.title, ""),
            passage if passage is not None else null(),
        )
        .outerjoin(Organisation, Organisation.id == Record.organisation_id)
        .outerjoin(Round, Round.id == Record.round_id)
        .where(Record.id.in_(ids), Record.sharing.in_(sharing))
    )
    return {row[0]: Listed(*row) for row in db.session.execute(statement)}


def matching_records(query: FindQuery, *, sharing: tuple[str, ...]) -> Iterator[Record]:
    """Every record with this sharing that matches the text and the filters, in the requested order, read from
    the database EXPORT_BATCH at a time (a server-side cursor on PostgreSQL), so memory stays flat however
    many there are, as long as the caller keeps none of them."""
    statement = _with_display(_ordered(select(Record), query, sharing=sharing))
    yield from db.session.scalars(statement.execution_options(yield_per=EXPORT_BATCH))


_ANSWERS_AT = ExportRecord._fields.index("answers")  # read as text by export_records, decoded there


def export_records(query: FindQuery, *, sharing: tuple[str, ...]) -> Iterator[ExportRecord]:
    """What the downloads need of `matching_records`, in the same order, read as plain rows EXPORT_BATCH at a
    time (a server-side cursor on PostgreSQL). Read through the session's connection without the ORM: its
    result handling per row cost two and a half times the query itself (bench/downloads.py)."""
    statement = (
        select(
            Record.id,
            Record.name,
            Record.sharing,
            Record.approved_at,
            Record.updated_at,
            # As text, decoded here one record at a time: psycopg's own JSONB loader took five times as long.
            cast(Record.answers, Text),
            Organisation.name,
            Organisation.sector,
            Organisation.region,
            Submission.reference,
            Round.title,
        )
        .select_from(Record)
        .outerjoin(Organisation, Organisation.id == Record.organisation_id)
        .outerjoin(Submission, Submission.id == Record.submission_id)
        .outerjoin(Round, Round.id == Submission.round_id)
    )
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Every row will be fetched: plan the cursor for all of them (hash joins and one sort), not for the
        # first tenth (nested loops), which took twice the server's time (bench/downloads.py).
        connection.execute(sql_text("SET LOCAL cursor_tuple_fraction = 1"))
    rows = connection.execute(
        _ordered(statement, query, sharing=sharing).execution_options(
            stream_results=True, yield_per=EXPORT_BATCH
        )
    )
    make, loads, at = ExportRecord._make, json.loads, _ANSWERS_AT
    for row in rows:
        answers = row[at]
        yield make((*row[:at], loads(answers) if answers is not None else None, *row[at + 1 :]))


def count(query: FindQuery, *, signed_in: bool) -> int:
    """How many records this viewer may see match the query."""
    index = find_index.current()
    chosen = index.select(
        sharing=visible_sharing(signed_in), words=search_index.terms(query.text), filters=query.filters
    )
    return int(np.bitwise_count(chosen).sum())


def figures(
    query: FindQuery,
    *,
    signed_in: bool,
    questionnaire: Questionnaire,
    readable: tuple[str, ...] | None = None,
) -> Figures:
    """The figures of every approved record the query selects, including those shared as figures only, from
    this process's index: no record is read. Words select only records the viewer may read; small figures
    involving the others are withheld (app/services/find/visibility.py). `readable` narrows what the viewer
    may read, for a document meant for fewer people (the overview's published edition)."""
    viewer = visibility.viewer(signed_in=signed_in)
    readable = viewer.readable if readable is None else readable
    index = find_index.current()
    words = search_index.terms(query.text)
    chosen = index.select(sharing=readable if words else viewer.counted, words=words, filters=query.filters)
    unreadable = index.select(sharing=[s for s in viewer.counted if s not in readable], words=[], filters={})
    hidden = chosen & unreadable
    return from_tallies(
        index.tallies(chosen), questionnaire, hidden=index.tallies(hidden) if hidden.any() else None
    )


def visible_record(record_id: int, *, signed_in: bool) -> Record | None:
    record = db.session.get(Record, record_id)
    if record is None or record.sharing not in visible_sharing(signed_in):
        return None
    return record


def related(record: Record, *, signed_in: bool, limit: int = 3) -> list[Record]:
    """Other records sharing a theme and a region with this one, those sharing most themes first."""
    themes = [v for f, v in search_index.filter_values(record.facets) if f == "themes"]
    regions = [v for f, v in search_index.filter_values(record.facets) if f == "region"]
    if not themes or not regions:
        return []

    def having(facet: str, values: list[str]) -> Select[Any]:
        return (
            select(RecordFacet.record_id)
            .join(FacetValue, FacetValue.id == RecordFacet.facet_value_id)
            .where(FacetValue.facet == facet, FacetValue.value.in_(values))
        )

    shared = func.count().label("shared")
    scores = (
        having("themes", themes)
        .add_columns(shared)
        .where(RecordFacet.record_id != record.id, RecordFacet.record_id.in_(having("region", regions)))
        .group_by(RecordFacet.record_id)
        .subquery()
    )
    name = Record.name.collate("C") if db.engine.dialect.name == "postgresql" else Record.name
    statement = (
        select(Record)
        .join(scores, scores.c.record_id == Record.id)
        .where(Record.sharing.in_(visible_sharing(signed_in)))
        .order_by(scores.c.shared.desc(), name, Record.id)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def records_of_organisation(organisation_id: int, *, signed_in: bool) -> list[Record]:
    """Records an organisation leads or is a partner in (as the published record names its partners)."""
    # The submission's partners narrow the search; the record's own facets decide, as an update waiting
    # for review may have changed the submission's partners since the record was published.
    partner_of = select(SubmissionPartner.submission_id).where(
        SubmissionPartner.organisation_id == organisation_id
    )
    candidates = db.session.scalars(
        select(Record)
        .where(
            Record.sharing.in_(visible_sharing(signed_in)),
            or_(Record.organisation_id == organisation_id, Record.submission_id.in_(partner_of)),
        )
        .order_by(Record.name)
    )
    return [
        r
        for r in candidates
        if r.organisation_id == organisation_id
        or str(organisation_id) in (r.facets or {}).get("partners", [])
    ]
