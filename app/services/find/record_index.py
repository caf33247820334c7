"""The indexes of records that Find reads: full text and facet values.

Full text is FTS5 on SQLite (table record_search, migration 0005) and, on PostgreSQL, a narrow table of
tsvectors with a GIN index (record_search_vectors, migration 0022: a search matching many records reads it,
not the wide records table). What a person types is never passed to either engine as syntax: it is cut into
words, each searched as a prefix, all of which must match. `condition` selects the matching records,
`ranked` scores them (higher is better) and `snippets` highlights the matches of the few records on a page.

Facet values: each value of a filter facet gets a number (table facet_values) and each record one row per
value it has (record_facets), from which Find's index (app/services/find/index.py) is read and by which
downloads and figures filter in SQL.

`index_record` keeps both in step when a record is published or changed (its name and search text are read
from the database, so it must be flushed first); rows of record_facets, and on PostgreSQL of
record_search_vectors, go with their record when it is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Subquery,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import BindParameter

from app.extensions import db
from app.models import FacetValue, Record, RecordFacet

MAX_TERMS = 12
MAX_VALUE_LENGTH = 100  # facet_values.value; longer values are never filter values
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
TOKENIZER = "porter unicode61"  # record_search's (migration 0005)
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
    "geography",
    "pilot",
    "partners",
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
        matches = text(
            "SELECT record_id FROM record_search_vectors "
            "WHERE search_vector @@ to_tsquery('english', :search_expression)"
        ).bindparams(search_expression=_postgresql_expression(words))
        return Record.id.in_(matches.columns(record_id=Integer))
    matches = text("SELECT rowid FROM record_search WHERE record_search MATCH :search_expression").bindparams(
        search_expression=_sqlite_expression(words)
    )
    return Record.id.in_(matches.columns(rowid=Integer))


def ranked(words: list[str]) -> Subquery:
    """The matching records' ids (record_id) and how well each matches (score, higher is better)."""
    if _dialect() == "postgresql":
        # ts_rank (how often the words occur, names weighing most), not ts_rank_cd (how near each other they
        # are): it ranks every match of a fresh search in about two thirds of the time.
        statement = text(
            "SELECT record_id, ts_rank(search_vector, to_tsquery('english', :search_expression)) AS score "
            "FROM record_search_vectors WHERE search_vector @@ to_tsquery('english', :search_expression)"
        ).bindparams(search_expression=_postgresql_expression(words))
    else:
        statement = text(
            "SELECT rowid AS record_id, -bm25(record_search, 5.0, 1.0) AS score "
            "FROM record_search WHERE record_search MATCH :search_expression "
            # Not merged into a query around it (bm25 can be used only directly on the FTS5 table).
            "LIMIT -1"
        ).bindparams(search_expression=_sqlite_expression(words))
    return statement.columns(record_id=Integer, score=Float).subquery("ranked")


def snippet_column(words: list[str]) -> ColumnElement[str] | None:
    """On PostgreSQL, a record's matching passage as a column, so that a page's records and their passages
    come in one query; None on SQLite (and without words), where snippets() finds them."""
    if not words or _dialect() != "postgresql":
        return None
    return func.ts_headline(
        "english",
        Record.search_text,
        func.to_tsquery("english", _postgresql_expression(words)),
        _HEADLINE,
    )


def marked(raw: str | None) -> Markup:
    """A passage as the engines gave it, escaped, with its matches marked."""
    return _highlight(raw or "")


# PostgreSQL's ts_headline: the markers, how long a passage is and how many pieces it may be made of.
_HEADLINE = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"


def snippets(record_ids: list[int], words: list[str]) -> dict[int, Markup]:
    """The matching passage of each of these records, with the matches marked."""
    if not record_ids or not words:
        return {}
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    if _dialect() == "postgresql":
        statement = text(
            "SELECT id, ts_headline('english', search_text, to_tsquery('english', :search_expression), "
            ":options) FROM records WHERE id IN :ids"
        ).bindparams(ids, search_expression=_postgresql_expression(words), options=_HEADLINE)
    else:
        # FTS5 would first gather every match of a prefix across the whole table, whichever rows are wanted
        # (15 ms for 20,000 matches); a table of this connection's own with just the page's records gives
        # the same passages in under a millisecond. Its rows go when the request's transaction ends.
        _page_search_table()
        db.session.execute(text("DELETE FROM temp.page_search"))
        db.session.execute(
            text(
                "INSERT INTO temp.page_search (rowid, name, body) "
                "SELECT id, name, search_text FROM records WHERE id IN :ids"
            ).bindparams(ids),
            {"ids": record_ids},
        )
        statement = text(
            "SELECT rowid, snippet(page_search, 1, :start, :stop, '…', 24) FROM temp.page_search "
            "WHERE page_search MATCH :search_expression"
        ).bindparams(search_expression=_sqlite_expression(words))
    rows = db.session.execute(statement, {"start": START, "stop": STOP, "ids": record_ids})
    return {record_id: _highlight(raw or "") for record_id, raw in rows}


def _page_search_table() -> None:
    """A full-text table in this SQLite connection's temporary schema, tokenised as record_search is (made
    again if a rolled-back transaction took it away)."""
    db.session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_search "
            f"USING fts5(name, body, tokenize = '{TOKENIZER}')"
        )
    )


def index_record(record: Record) -> None:
    """Bring both indexes in step with the record (flushed: its name and search text are read back)."""
    index_records([record])


def index_records(records: Sequence[Record]) -> None:
    """index_record for many records at once (an import): one statement of each kind for them all."""
    if not records:
        return
    ids = [record.id for record in records]
    index_text(ids)
    db.session.execute(delete(RecordFacet).where(RecordFacet.record_id.in_(ids)))
    pairs = {record.id: filter_values(record.facets) for record in records}
    wanted = {pair for found in pairs.values() for pair in found}
    if wanted:
        numbers = facet_value_ids(wanted)
        db.session.execute(
            insert(RecordFacet),
            [
                {"record_id": record_id, "facet_value_id": numbers[pair]}
                for record_id, found in pairs.items()
                for pair in found
            ],
        )


def index_text(ids: Sequence[int]) -> None:
    """The full-text index of these records (inserted or changed, and flushed) made from their name and
    search text as the database holds them: one statement of each kind for them all."""
    if not ids:
        return
    if _dialect() == "postgresql":
        db.session.execute(
            text(
                # Weighted as migration 0005's generated column was: the name counts most.
                "INSERT INTO record_search_vectors (record_id, search_vector) SELECT id, "
                "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
                "setweight(to_tsvector('english', coalesce(search_text, '')), 'B') "
                "FROM records WHERE id = ANY(:ids) "
                "ON CONFLICT (record_id) DO UPDATE SET search_vector = EXCLUDED.search_vector"
            ),
            {"ids": list(ids)},
        )
        return
    in_ids: BindParameter[int] = bindparam("ids", expanding=True)
    db.session.execute(text("DELETE FROM record_search WHERE rowid IN :ids").bindparams(in_ids), {"ids": ids})
    db.session.execute(
        text(
            "INSERT INTO record_search (rowid, name, body) SELECT id, name, search_text FROM records "
            "WHERE id IN :ids"
        ).bindparams(in_ids),
        {"ids": ids},
    )


def filter_values(facets: dict[str, Any] | None) -> list[tuple[str, str]]:
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
