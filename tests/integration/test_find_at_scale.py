"""Find's filters and counts worked out in SQL: equal to counting the records' facets directly, the same on
SQLite and PostgreSQL, kept in step when records change, and a handful of queries whatever the number."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, event, func, select

from app.extensions import db
from app.models import Record, RecordFacet, Sector, User
from app.questionnaires.loader import default_questionnaire
from app.services.find import demo_records
from app.services.find import publishing as records
from app.services.find import record_index as search_index
from app.services.find import search as find
from app.services.find.search import FILTER_FACETS, FindQuery
from tests import factories
from tests.conftest import sign_in
from tests.database import shared_rows
from tests.records import a_round

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@shared_rows
def sixty_records() -> None:
    """Sixty demo records (shared publicly, with the sector, or for figures only), over two rounds: made once
    for the module's tests (tests/database.py)."""
    from app.services.organisations.files import load_seed_organisations

    load_seed_organisations()
    approver = factories.reviewer(email="rhys@example.org")
    factories.user(
        email="lee@example.org", organisation_=factories.organisation("Lee's police", sector=Sector.POLICE)
    )
    demo_records.generate(30, round_=a_round("Return 2025", year=2025), approver=approver, seed=1)
    demo_records.generate(30, round_=a_round("Return 2026"), approver=approver, seed=2)
    db.session.commit()


@pytest.fixture
def many(app, sixty_records) -> list[Record]:
    return db.session.scalars(select(Record)).all()


def direct_counts(records_: list[Record], query: FindQuery, sharing: tuple[str, ...]) -> tuple[int, dict]:
    """What the counts must be, worked out the slow way: every record's facets, in Python."""
    words = search_index.terms(query.text)
    chosen = [
        r
        for r in records_
        if r.sharing in sharing
        and all(w in r.search_text.lower() or w in r.name.lower() for w in words)
        and all(set(v) & set(r.facets.get(f, [])) for f, v in query.filters.items())
    ]
    counts = {f: Counter(v for r in chosen for v in set(r.facets.get(f, []))) for f in FILTER_FACETS}
    return len(chosen), counts


@pytest.mark.parametrize(
    ("filters", "signed_in"),
    [
        ({}, True),
        ({}, False),
        ({"themes": ["co_responding", "prevention"]}, True),
        ({"services": ["police"], "stage": ["implemented", "planning"]}, True),
        ({"has_evaluation": ["yes"], "enablers": ["leadership"]}, False),
    ],
)
def test_counts_equal_counting_each_records_facets(app, many, filters, signed_in):
    query = FindQuery(filters=filters, sort="newest")
    result = find.find(query, signed_in=signed_in)
    total, expected = direct_counts(many, query, find.visible_sharing(signed_in))
    assert result.total == total
    assert {f: dict(c) for f, c in result.counts.items()} == {f: dict(c) for f, c in expected.items()}
    assert sum(result.counts["themes"].values()) >= total > 0  # themes has several values per record


def test_counts_of_a_text_search_cover_every_match_not_just_the_page(app, many):
    query = FindQuery(text="co-responding", sort="relevance")
    result = find.find(query, signed_in=True)
    matching = {r.id for r in find.matching_records(query, sharing=find.visible_sharing(True))}
    assert result.total == len(matching) > 0
    assert len(result.records) == min(len(matching), find.PAGE_SIZE)
    assert {r.id for r in result.records} <= matching
    expected = Counter(v for r in many if r.id in matching for v in set(r.facets["region"]))
    assert result.counts["region"] == expected
    assert all("<mark>" in str(result.snippets[r.id]) for r in result.records)


def test_pages_follow_one_another_without_repeats_or_gaps(app, many):
    for sort in ("newest", "name"):
        seen = []
        for page in (1, 2, 3):
            seen += [r.id for r in find.find(FindQuery(sort=sort, page=page), signed_in=True).records]
        visible = [r for r in many if r.sharing != "figures_only"]
        assert sorted(seen) == sorted(r.id for r in visible)
    names = [r.name.lower() for r in find.find(FindQuery(sort="name"), signed_in=True).records]
    assert names == sorted(names)


def test_republishing_a_record_changes_its_counts_and_deleting_it_removes_them(app, many):
    record = next(r for r in many if r.sharing == "public" and "procurement" not in r.facets["themes"])
    before = find.find(FindQuery(), signed_in=True).counts["themes"]["procurement"]
    submission, revision = record.submission, record.revision
    revision.answers = {**revision.answers, "themes": ["procurement"]}
    records.publish(
        submission, revision, default_questionnaire(), by=db.session.get(User, record.approved_by_id)
    )
    db.session.commit()
    after = find.find(FindQuery(), signed_in=True)
    assert after.counts["themes"]["procurement"] == before + 1
    assert find.find(FindQuery(filters={"themes": ["procurement"]}), signed_in=True).total == before + 1
    total = after.total
    db.session.execute(delete(Record).where(Record.id == record.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(RecordFacet.record_id == record.id)) == 0
    assert find.find(FindQuery(), signed_in=True).total == total - 1


def statements_of(client, path: str) -> list[str]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.status_code == 200 and "project" in page.text
    return statements


def test_the_search_page_takes_a_handful_of_queries_however_many_records(client, many):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    path = "/find?q=co-responding&themes=co_responding&services=fire"
    # The first page after a change reads the index: its size, the records of each filter value and of each
    # sharing choice, and the records matching the words; and the names of the partner organisations to
    # filter by.
    first = statements_of(client, path)
    assert len(first) <= 13, first
    # Then: the user, whether the index is current, the page's records and their snippets (on SQLite four
    # statements: the page's records copied to a table of their own, and read). The filters' labels (rounds,
    # organisations) are kept with the index.
    again = statements_of(client, path)
    assert len(again) <= 7, again
    assert any("find_index_state" in s for s in again)


def test_related_and_organisation_pages_read_the_indexes(client, many):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    record = next(r for r in many if r.sharing == "public")
    related = find.related(record, signed_in=True)
    assert record not in related and len(related) <= 3
    for other in related:
        assert set(other.facets["themes"]) & set(record.facets["themes"])
        assert set(other.facets["region"]) & set(record.facets["region"])
        assert other.sharing != "figures_only"
    partner = int(record.facets["partners"][0])
    listed = find.records_of_organisation(partner, signed_in=True)
    expected = {
        r.id
        for r in many
        if r.sharing != "figures_only"
        and (r.organisation_id == partner or str(partner) in r.facets["partners"])
    }
    assert {r.id for r in listed} == expected
    assert client.get(f"/find/organisations/{partner}").status_code == 200


@pytest.mark.commits  # Alembic works on a connection of its own
def test_upgrading_indexes_the_records_already_published(app, many):
    from flask_migrate import downgrade, upgrade

    expected = find.find(FindQuery(), signed_in=True)
    db.session.remove()
    downgrade(directory=str(MIGRATIONS), revision="0010")
    upgrade(directory=str(MIGRATIONS))
    again = find.find(FindQuery(), signed_in=True)
    assert again.total == expected.total and again.counts == expected.counts


def test_downloads_hold_every_matching_record_in_order(client, many):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    data = json.loads(client.get("/find/download.json?sort=name").get_data(as_text=True))
    visible = [r for r in many if r.sharing != "figures_only"]
    assert [row["id"] for row in data] == [
        r.id for r in sorted(visible, key=lambda r: (r.name.lower(), r.id))
    ]
    csv_lines = client.get("/find/download.csv?themes=co_responding").get_data(as_text=True).splitlines()
    assert len(csv_lines) - 1 == sum(1 for r in visible if "co_responding" in r.facets["themes"])


def test_new_facet_values_are_numbered_once(app):
    first = search_index.facet_value_ids([("themes", "a"), ("themes", "b")])
    second = search_index.facet_value_ids([("themes", "b"), ("region", "a")])
    assert first[("themes", "b")] == second[("themes", "b")]
    assert len({*first.values(), *second.values()}) == 3
