"""The indexes of records that Find reads: full text and facet values.

Full text is FTS5 on SQLite and a generated tsvector column with a GIN index on PostgreSQL. What a person
types is never passed to either engine as syntax: it is cut into words, each searched as a prefix, all of
which must match. `condition` selects the matching records, `ranked` scores them (higher is better) and
`snippets` highlights the matches of the few records on a page.

Facet values: each value of a filter facet gets a number (table facet_values) and each record one row per
value it has (record_facets), so that filters and counts are worked out by the database, grouping small
integers.

`index_record` keeps both in step when a record is published or changed (PostgreSQL's text column needs
nothing); rows of record_facets go with their record when it is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Subquery,
    bindparam,
    delete,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import FacetValue, Record, RecordFacet

MAX_TERMS = 12
MAX_VALUE_LENGTH = 100  # facet_values.value; longer values are never filter values
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
START, STOP = "\x02", "\x03"  # markers the engines put around matches, turned into <mark> after escaping
# The facets people filter by, in the order the filter panel shows them (the URL parameter of each).
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


def terms(query: str) -> list[str]:
    """The words of a query, lower case, at most MAX_TERMS, each at most 40 characters."""
    words = [w.lower()[:40] for w in _WORD.findall(query[:1000])]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _highlight(raw: str) -> Markup:
    return Markup(str(escape(raw)).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704 (escaped first)


def _dialect() -> str:
    return db.engine.dialect.name


def _sqlite_expression(words: list[str]) -> str:
    # Each word quoted (so FTS syntax typed by a person is just text) and searched as a prefix.
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _postgresql_expression(words: list[str]) -> str:
    # Non-word characters were removed by terms(); each word becomes a prefix lexeme.
    return " & ".join(f"{w}:*" for w in words)


def condition(words: list[str]) -> ColumnElement[bool]:
    """Records matching every word (as prefixes)."""
    if _dialect() == "postgresql":
        return text("records.search_vector @@ to_tsquery('english', :search_expression)").bindparams(
            search_expression=_postgresql_expression(words)
        )
    matches = text("SELECT rowid FROM record_search WHERE record_search MATCH :search_expression").bindparams(
        search_expression=_sqlite_expression(words)
    )
    return Record.id.in_(matches.columns(rowid=Integer))


def ranked(words: list[str]) -> Subquery:
    """The matching records' ids (record_id) and how well each matches (score, higher is better)."""
    if _dialect() == "postgresql":
        statement = text(
            "SELECT id AS record_id, ts_rank_cd(search_vector, to_tsquery('english', :search_expression)) "
            "AS score FROM records WHERE search_vector @@ to_tsquery('english', :search_expression)"
        ).bindparams(search_expression=_postgresql_expression(words))
    else:
        statement = text(
            "SELECT rowid AS record_id, -bm25(record_search, 5.0, 1.0) AS score "
            "FROM record_search WHERE record_search MATCH :search_expression"
        ).bindparams(search_expression=_sqlite_expression(words))
    return statement.columns(record_id=Integer, score=Float).subquery("ranked")


def snippets(record_ids: list[int], words: list[str]) -> dict[int, Markup]:
    """The matching passage of each of these records, with the matches marked."""
    if not record_ids or not words:
        return {}
    if _dialect() == "postgresql":
        statement = text(
            "SELECT id, ts_headline('english', search_text, to_tsquery('english', :search_expression), "
            "'StartSel=' || :start || ', StopSel=' || :stop || ', MaxWords=30, MinWords=12, MaxFragments=2') "
            "FROM records WHERE id IN :ids"
        ).bindparams(search_expression=_postgresql_expression(words))
    else:
        statement = text(
            "SELECT rowid, snippet(record_search, 1, :start, :stop, '…', 24) FROM record_search "
            "WHERE record_search MATCH :search_expression AND rowid IN :ids"
        ).bindparams(search_expression=_sqlite_expression(words))
    statement = statement.bindparams(bindparam("ids", expanding=True))
    rows = db.session.execute(statement, {"start": START, "stop": STOP, "ids": record_ids})
    return {record_id: _highlight(raw or "") for record_id, raw in rows}


def index_record(record: Record) -> None:
    """Bring both indexes in step with the record (PostgreSQL's full-text column is generated)."""
    if _dialect() == "sqlite":
        db.session.execute(text("DELETE FROM record_search WHERE rowid = :id"), {"id": record.id})
        db.session.execute(
            text("INSERT INTO record_search (rowid, name, body) VALUES (:id, :name, :body)"),
            {"id": record.id, "name": record.name, "body": record.search_text},
        )
    db.session.execute(delete(RecordFacet).where(RecordFacet.record_id == record.id))
    pairs = filter_values(record.facets)
    if pairs:
        numbers = facet_value_ids(pairs)
        db.session.execute(
            insert(RecordFacet), [{"record_id": record.id, "facet_value_id": numbers[pair]} for pair in pairs]
        )


def filter_values(facets: dict | None) -> list[tuple[str, str]]:
    """A record's (facet, value) pairs for the filter facets, each once."""
    pairs: dict[tuple[str, str], None] = {}
    for facet in FILTER_FACETS:
        values = (facets or {}).get(facet) or []
        for value in values if isinstance(values, list) else [values]:
            if len(str(value)) <= MAX_VALUE_LENGTH:
                pairs[(facet, str(value))] = None
    return list(pairs)


def facet_value_ids(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The number of each (facet, value), numbering new ones. Safe when two approvals add the same value."""
    wanted = set(pairs)
    upsert = postgresql_insert if _dialect() == "postgresql" else sqlite_insert
    db.session.execute(
        upsert(FacetValue).on_conflict_do_nothing(index_elements=["facet", "value"]),
        [{"facet": facet, "value": value} for facet, value in sorted(wanted)],
    )
    facets = {facet for facet, _ in wanted}
    rows = db.session.execute(
        select(FacetValue.facet, FacetValue.value, FacetValue.id).where(FacetValue.facet.in_(facets))
    )
    return {(facet, value): number for facet, value, number in rows if (facet, value) in wanted}


def _outer_first(column):
    """The column as a join key that only the other table can be looked up by: SQLite would otherwise read
    all of record_facets in value order (which saves it sorting) and look each row up in the matching ids,
    many times the work of reading the few rows of each matching record."""
    return column + 0 if _dialect() == "sqlite" else column


def value_counts(record_ids) -> tuple[int, dict[str, dict[str, int]]]:
    """How many records a select of record ids gives, and for each filter facet how many of them have each
    value, in one statement. Complete: every value that any of them has, never capped."""
    matching = record_ids.cte("matching")
    if _dialect() in ("postgresql", "sqlite"):
        matching = matching.prefix_with("MATERIALIZED")  # worked out once, read twice
    counted_rows = select(
        RecordFacet.facet_value_id.label("facet_value_id"), literal_column("count(*)").label("n")
    )
    if _dialect() == "postgresql":
        # As a join, PostgreSQL hashes the whole of record_facets (a million rows at 100,000 records); as a
        # semi-join it looks up each matching record's rows by the primary key: about half the time.
        counted_rows = counted_rows.where(RecordFacet.record_id.in_(select(matching.c[0])))
    else:
        counted_rows = counted_rows.select_from(matching).join(
            RecordFacet, RecordFacet.record_id == _outer_first(matching.c[0])
        )
    per_value = counted_rows.group_by(RecordFacet.facet_value_id).subquery("per_value")
    counted = select(FacetValue.facet, FacetValue.value, per_value.c.n).join(
        per_value, per_value.c.facet_value_id == FacetValue.id
    )
    total = select(
        literal_column("NULL").label("facet"),
        literal_column("NULL").label("value"),
        literal_column("count(*)"),
    ).select_from(matching)
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FILTER_FACETS}
    records = 0
    for facet, value, n in db.session.execute(total.union_all(counted)):
        if facet is None:
            records = n
        else:
            counts.setdefault(facet, {})[value] = n
    return records, counts
