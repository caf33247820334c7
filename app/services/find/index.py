"""Find's index, held in memory by each web process: which records have each filter value and each sharing
choice (as bitsets of record ids), the orders records are listed in, and which records each searched set of
words matches, with their scores.

A search page then needs no more from the database than a check that the index is current (one row,
find_index_state, which triggers change whenever records or their facet rows change) and the page's twenty
records. The index is read again, whole, after any change; the full-text engines (FTS5, tsvector) still find
the words, once per set of words and change, and the results are kept (up to MATCHES_BYTES).

Each bitset is a row of 64-bit words; bit i of a row stands for the record with id i. Counting the matches
with each filter value is then an AND and a population count per value.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from flask import current_app, has_request_context, request
from sqlalchemy import ColumnElement, Result, Text, cast, func, select, text

from app.extensions import db
from app.models import FacetValue, FindIndexState, Record, RecordFacet, Round
from app.questionnaires.loader import default_questionnaire
from app.services.find import record_index as search_index
from app.services.find.figures import FIGURE_FACETS, Savings, Tallies, money_value, round_key

# The matches of recent sets of words that each process keeps, the most recently used, up to this many bytes
# (ids, scores and bitset: a set of words matching 40% of 100,000 records takes about 650 KB).
MATCHES_BYTES = 16 * 1024 * 1024


def _ids(joined: str | None) -> np.ndarray:
    """Record ids from a comma-separated list, as the database aggregated them."""
    return np.fromstring(joined or "", dtype=np.int64, sep=",") if joined else np.zeros(0, np.int64)


def _joined(column: Any) -> Any:
    """The database's aggregate joining a column's values with commas."""
    if db.engine.dialect.name == "postgresql":
        return func.string_agg(cast(column, Text), ",")
    return func.group_concat(column)


@dataclass(frozen=True)
class Matches:
    """The records that match a set of words: their ids, their scores (higher is better) and as a bitset."""

    ids: np.ndarray
    scores: np.ndarray
    bits: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.scores.nbytes + self.bits.nbytes


@dataclass
class Snapshot:
    version: int | None
    size: int  # one more than the highest record id
    value_rows: dict[tuple[str, str], int]  # (facet, value) -> its row in `values`
    values: np.ndarray  # one bitset per filter value
    sharing: dict[str, np.ndarray]  # one bitset per sharing choice
    _orders: dict[str, np.ndarray] = field(default_factory=dict)
    _for_figures: ForFigures | None = None
    _matches: OrderedDict[tuple[str, ...], Matches] = field(default_factory=OrderedDict)
    _matches_bytes: int = 0
    _remembered: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # held briefly, to read or add to the above
    _figures_lock: threading.Lock = field(default_factory=threading.Lock)  # held while figures' data is read

    @classmethod
    def load(cls, version: int | None) -> Snapshot:
        size = (db.session.scalar(select(func.max(Record.id))) or 0) + 1
        per_value = db.session.execute(
            select(FacetValue.facet, FacetValue.value, _joined(RecordFacet.record_id))
            .join(RecordFacet, RecordFacet.facet_value_id == FacetValue.id)
            .group_by(FacetValue.id, FacetValue.facet, FacetValue.value)
            .order_by(FacetValue.facet, FacetValue.value)
        ).all()
        snapshot = cls(
            version=version,
            size=size,
            value_rows={(facet, value): row for row, (facet, value, _) in enumerate(per_value)},
            values=np.zeros((len(per_value), _words(size)), np.uint64),
            sharing={},
        )
        for row, (_, _, joined) in enumerate(per_value):
            snapshot.values[row] = snapshot.bits(_ids(joined))
        for sharing, joined in db.session.execute(
            select(Record.sharing, _joined(Record.id)).group_by(Record.sharing)
        ):
            snapshot.sharing[sharing] = snapshot.bits(_ids(joined))
        return snapshot

    def bits(self, ids: np.ndarray) -> np.ndarray:
        """The bitset of these record ids (ids beyond the snapshot's records are left out)."""
        mask = np.zeros(self.size, np.bool_)
        mask[ids[ids < self.size]] = True
        return _pack(mask)

    def remembered(self, key: str, make: Callable[[], Any]) -> Any:
        """What `make` gives, worked out once per snapshot: for what depends only on the tables the snapshot's
        version watches (records, their facets, rounds, organisations, questionnaire versions). Treat it as
        read-only: threads share it."""
        with self._lock:
            if key in self._remembered:
                return self._remembered[key]
        made = make()
        with self._lock:
            return self._remembered.setdefault(key, made)

    def nothing(self) -> np.ndarray:
        return np.zeros(_words(self.size), np.uint64)

    def select(
        self, *, sharing: Iterable[str], words: list[str], filters: dict[str, list[str]]
    ) -> np.ndarray:
        """The records visible with this sharing that match every word and, for each filtered facet, have any
        one of the chosen values."""
        chosen = self.nothing()
        for choice in sharing:
            if choice in self.sharing:
                chosen |= self.sharing[choice]
        if words:
            chosen &= self.matches(words).bits
        for facet, values in filters.items():
            rows = [self.value_rows[(facet, v)] for v in values if (facet, v) in self.value_rows]
            chosen &= np.bitwise_or.reduce(self.values[rows], axis=0) if rows else self.nothing()
        return chosen

    def counts(self, chosen: np.ndarray) -> tuple[int, dict[str, dict[str, int]]]:
        """How many records are chosen and, for every filter value any of them has, how many have it."""
        total = int(np.bitwise_count(chosen).sum())
        per_value = np.bitwise_count(self.values & chosen).sum(axis=1, dtype=np.int64)
        counts: dict[str, dict[str, int]] = {}
        for (facet, value), row in self.value_rows.items():
            if per_value[row]:
                counts.setdefault(facet, {})[value] = int(per_value[row])
        return total, counts

    def page(self, chosen: np.ndarray, *, sort: str, words: list[str], start: int, stop: int) -> list[int]:
        """The ids of the chosen records from start to stop in this order: by relevance (ties by id), newest
        first (ties newest id first) or by name (ties by id)."""
        mask = self._mask(chosen)
        if sort == "relevance" and words:
            matches = self.matches(words)
            keep = mask[matches.ids]
            ids, scores = matches.ids[keep], matches.scores[keep]
            ranked = ids[np.lexsort((ids, -scores))]
            return [int(i) for i in ranked[start:stop]]
        order = self._order(sort)
        return [int(i) for i in order[mask[order]][start:stop]]

    def tallies(self, chosen: np.ndarray) -> Tallies:
        """What the figures of the chosen records are made from (app/services/find/figures.py)."""
        total, counts = self.counts(chosen)
        data = self._figures_data()
        rounds: Counter[tuple[Any, ...]] = Counter()
        for key, bits in data.rounds:
            if n := int(np.bitwise_count(bits & chosen).sum()):
                rounds[key] += n
        organisations = int(np.count_nonzero((data.organisations & chosen).any(axis=1)))
        mask = self._mask(chosen)
        money = {}
        for question_id, (ids, amounts) in data.money.items():
            chosen_amounts = amounts[mask[ids]]
            money[question_id] = (sum(chosen_amounts, Decimal(0)), len(chosen_amounts))
        return Tallies(
            projects=total,
            values={facet: Counter(counts.get(facet, {})) for facet in FIGURE_FACETS},
            rounds=rounds,
            organisations=organisations,
            savings=Savings(*money["cashable_savings"], *money["cost"]),
        )

    def _mask(self, chosen: np.ndarray) -> np.ndarray:
        return np.unpackbits(chosen.view(np.uint8), count=self.size, bitorder="little").view(np.bool_)

    def _figures_data(self) -> ForFigures:
        # One thread reads it and others wanting figures wait; searches go on meanwhile.
        with self._figures_lock:
            if self._for_figures is None:
                self._for_figures = ForFigures.load(self)
            return self._for_figures

    def matches(self, words: list[str]) -> Matches:
        key = tuple(words)
        with self._lock:
            found = self._matches.get(key)
            if found is not None:
                self._matches.move_to_end(key)
                return found
        # Every match's id and score joined into two strings by the database, parsed by numpy: a row per match
        # through the driver and SQLAlchemy took longer than the search itself.
        ranked = search_index.ranked(words)
        joined_ids, joined_scores = db.session.execute(
            select(_joined(ranked.c.record_id), _joined(func.coalesce(ranked.c.score, 0.0)))
        ).one()
        ids = _ids(joined_ids)
        scores = np.fromstring(joined_scores, dtype=np.float64, sep=",") if joined_scores else np.zeros(0)
        keep = ids < self.size
        found = Matches(ids=ids[keep], scores=scores[keep], bits=self.bits(ids))
        with self._lock:
            if key not in self._matches:
                self._matches[key] = found
                self._matches_bytes += found.nbytes
            while self._matches_bytes > MATCHES_BYTES and len(self._matches) > 1:
                _, dropped = self._matches.popitem(last=False)
                self._matches_bytes -= dropped.nbytes
        return found

    def nbytes(self) -> int:
        """The memory the snapshot's arrays take (numpy's own count; Python's objects around them aside)."""
        total = self.values.nbytes + sum(bits.nbytes for bits in self.sharing.values())
        total += sum(order.nbytes for order in self._orders.values()) + self._matches_bytes
        data = self._for_figures
        if data is not None:
            total += data.organisations.nbytes + sum(bits.nbytes for _, bits in data.rounds)
            total += sum(ids.nbytes + amounts.size * 104 for ids, amounts in data.money.values())
        return total

    def _order(self, sort: str) -> np.ndarray:
        sort = "name" if sort == "name" else "newest"  # relevance without words lists the newest first
        with self._lock:
            found = self._orders.get(sort)
        if found is not None:
            return found
        if sort == "name":
            statement = select(Record.id).order_by(name_order(), Record.id)
        else:
            statement = select(Record.id).order_by(Record.approved_at.desc(), Record.id.desc())
        order = np.fromiter(db.session.scalars(statement), dtype=np.int64)
        order = order[order < self.size]
        with self._lock:
            self._orders[sort] = order
        return order


@dataclass(frozen=True)
class ForFigures:
    """Bitsets of the records of each round and of each organisation (leading or partnering), and the sums of
    money answered: read the first time a snapshot's figures are wanted."""

    rounds: list[tuple[tuple[Any, ...], np.ndarray]]  # (figures.round_key, bitset)
    organisations: np.ndarray  # one bitset per organisation
    money: dict[str, tuple[np.ndarray, np.ndarray]]  # role -> (record ids, amounts as Decimal)

    @classmethod
    def load(cls, snapshot: Snapshot) -> ForFigures:
        rounds = {r.id: r for r in db.session.scalars(select(Round))}
        per_round = db.session.execute(select(Record.round_id, _joined(Record.id)).group_by(Record.round_id))
        organisations: dict[str, np.ndarray] = {}
        for key, joined in _organisation_records():
            bits = snapshot.bits(_ids(joined))
            organisations[key] = organisations[key] | bits if key in organisations else bits
        questionnaire = default_questionnaire()
        questions = tuple(questionnaire.role_question(role).id for role in MONEY_ROLES)
        amounts: dict[object, Decimal | None] = {}  # each answer read once
        found: dict[str, tuple[list[int], list[Decimal]]] = {role: ([], []) for role in MONEY_ROLES}
        for record_id, *answers in _money_answers(questions):
            for question_id, answer in zip(MONEY_ROLES, answers, strict=True):
                if answer is None or record_id >= snapshot.size:
                    continue
                if answer not in amounts:
                    amounts[answer] = money_value(answer)
                amount = amounts[answer]
                if amount is not None:
                    found[question_id][0].append(record_id)
                    found[question_id][1].append(amount)
        money = {
            question_id: (np.array(ids, dtype=np.int64), np.array(values, dtype=object))
            for question_id, (ids, values) in found.items()
        }
        return cls(
            rounds=[(round_key(i, rounds.get(i)), snapshot.bits(_ids(joined))) for i, joined in per_round],
            organisations=np.array(list(organisations.values()), dtype=np.uint64).reshape(
                len(organisations), _words(snapshot.size)
            ),
            money=money,
        )


MONEY_ROLES = ("cashable_savings", "cost")  # the roles (questionnaires/roles.py) the figures add up


def _money_answers(question_ids: tuple[str, ...]) -> Result[Any]:
    """Each record's id and its answers to these questions (as text, or a number on SQLite)."""
    if db.engine.dialect.name == "postgresql":
        # One reading of each record's answers for both questions, not one per question. The ids are
        # questionnaire ids (lower-case letters, digits and underscores), quoted as SQL names.
        columns = ", ".join(f'"{q}" text' for q in question_ids)
        selected = ", ".join(f'j."{q}"' for q in question_ids)
        return db.session.execute(
            text(f"SELECT id, {selected} FROM records, json_to_record(answers) AS j({columns})")  # noqa: S608
        )
    return db.session.execute(select(Record.id, *(Record.answers[q].as_string() for q in question_ids)))


def _organisation_records() -> Iterator[tuple[str, str]]:
    """(organisation key, the ids of the records it leads or partners, joined), keyed as figures keys them."""
    leads = db.session.execute(
        select(Record.organisation_id, _joined(Record.id)).group_by(Record.organisation_id)
    )
    yield from ((f"id:{organisation_id}", joined) for organisation_id, joined in leads)
    if db.engine.dialect.name == "postgresql":
        partners = text(
            "SELECT partner, string_agg(id::text, ',') FROM records, "
            "json_array_elements_text(CASE WHEN json_typeof(facets -> 'partners') = 'array' "
            "THEN facets -> 'partners' ELSE '[]'::json END) AS partner GROUP BY partner"
        )
    else:
        partners = text(
            "SELECT json_each.value, group_concat(records.id) FROM records, "
            "json_each(records.facets, '$.partners') GROUP BY json_each.value"
        )
    yield from ((f"id:{partner}", joined) for partner, joined in db.session.execute(partners))


def name_order() -> ColumnElement[Any]:
    """Records by name, without regard to case, the same on both databases."""
    name = func.lower(Record.name)
    # PostgreSQL's collation would ignore spaces and punctuation; "C" sorts as SQLite does.
    return name.collate("C") if db.engine.dialect.name == "postgresql" else name


def _words(size: int) -> int:
    return (size + 63) // 64


def _pack(mask: np.ndarray) -> np.ndarray:
    packed = np.zeros(_words(mask.size) * 8, np.uint8)
    bytes_ = np.packbits(mask, bitorder="little")
    packed[: bytes_.size] = bytes_
    return packed.view(np.uint64)


class FindIndex:
    """The current snapshot of this process, read again when the records have changed."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        version = db.session.scalar(select(FindIndexState.version).where(FindIndexState.id == 1))
        snapshot = self._snapshot
        if snapshot is not None and version is not None and snapshot.version == version:
            return snapshot
        with self._lock:  # one thread reads the index; the others wait for it
            snapshot = self._snapshot
            if snapshot is None or version is None or snapshot.version != version:
                snapshot = Snapshot.load(version)
                self._snapshot = snapshot
            return snapshot


def current() -> Snapshot:
    """This process's index of Find, as the database stands now; in a request, as it stood when the request
    first asked (one reading of the index's version, and one snapshot, for everything a page shows)."""
    index: FindIndex = current_app.extensions.setdefault("find_index", FindIndex())
    if not has_request_context():
        return index.current()
    snapshot: Snapshot | None = request.environ.get(_IN_REQUEST)
    if snapshot is None:
        snapshot = request.environ[_IN_REQUEST] = index.current()
    return snapshot


_IN_REQUEST = "app.find_snapshot"
