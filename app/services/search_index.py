"""The full-text index of records: FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both sit behind `index_record` (SQLite keeps its own table up to date; PostgreSQL's column is generated) and
`match`, which returns record ids ranked best first with a highlighted snippet. What a person types is never
passed to either engine as syntax: it is cut into words, each searched as a prefix, all of which must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from app.extensions import db
from app.models import Record

MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
START, STOP = "\x02", "\x03"  # markers the engines put around matches, turned into <mark> after escaping


def terms(query: str) -> list[str]:
    """The words of a query, lower case, at most MAX_TERMS, each at most 40 characters."""
    words = [w.lower()[:40] for w in _WORD.findall(query[:1000])]
    return list(dict.fromkeys(words))[:MAX_TERMS]


@dataclass(frozen=True)
class Hit:
    record_id: int
    rank: float
    snippet: Markup


def _highlight(raw: str) -> Markup:
    return Markup(str(escape(raw)).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704 (escaped first)


def _dialect() -> str:
    return db.engine.dialect.name


def index_record(record: Record) -> None:
    """Keep the SQLite index in step with the record (PostgreSQL's generated column needs nothing)."""
    if _dialect() != "sqlite":
        return
    db.session.execute(text("DELETE FROM record_search WHERE rowid = :id"), {"id": record.id})
    db.session.execute(
        text("INSERT INTO record_search (rowid, name, body) VALUES (:id, :name, :body)"),
        {"id": record.id, "name": record.name, "body": record.search_text},
    )


def match(query: str) -> list[Hit] | None:
    """Ids of records matching every word of the query (as prefixes), best first; None for an empty query."""
    words = terms(query)
    if not words:
        return None
    if _dialect() == "postgresql":
        return _match_postgresql(words)
    return _match_sqlite(words)


def _match_sqlite(words: list[str]) -> list[Hit]:
    # Each word quoted (so FTS syntax typed by a person is just text) and searched as a prefix.
    expression = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    rows = db.session.execute(
        text(
            "SELECT rowid, bm25(record_search, 5.0, 1.0) AS rank, "
            "snippet(record_search, 1, :start, :stop, '…', 24) "
            "FROM record_search WHERE record_search MATCH :expression ORDER BY rank"
        ),
        {"expression": expression, "start": START, "stop": STOP},
    ).all()
    return [Hit(record_id=r[0], rank=-float(r[1]), snippet=_highlight(r[2] or "")) for r in rows]


def _match_postgresql(words: list[str]) -> list[Hit]:
    # Non-word characters were removed by terms(); each word becomes a prefix lexeme.
    expression = " & ".join(f"{w}:*" for w in words)
    rows = db.session.execute(
        text(
            "SELECT id, ts_rank_cd(search_vector, query) AS rank, "
            "ts_headline('english', search_text, query, "
            "'StartSel=' || :start || ', StopSel=' || :stop || ', MaxWords=30, MinWords=12, MaxFragments=2') "
            "FROM records, to_tsquery('english', :expression) AS query "
            "WHERE search_vector @@ query ORDER BY rank DESC, id"
        ),
        {"expression": expression, "start": START, "stop": STOP},
    ).all()
    return [Hit(record_id=r[0], rank=float(r[1]), snippet=_highlight(r[2] or "")) for r in rows]
