"""Find's in-memory index: the same records, counts and order as SQL gives, and never out of date, whatever
changed the records (the service, another process, plain SQL), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import create_engine, delete, select, text, update

from app.extensions import db
from app.models import FindIndexState, Organisation, QuestionnaireVersion, Record, Round, User
from app.questionnaires.loader import default_questionnaire
from app.services.find import index as find_index
from app.services.find import publishing as records
from app.services.find import search as find
from app.services.find import visibility
from app.services.find.figures import figures
from app.services.find.search import FindQuery
from tests.integration.test_find_at_scale import direct_counts, many, sixty_records  # noqa: F401 (fixtures)


def version() -> int | None:
    return db.session.scalar(select(FindIndexState.version))


def test_every_change_to_records_or_their_facets_changes_the_version(app, many):  # noqa: F811
    record = many[0]
    seen = {version()}
    db.session.execute(update(Record).where(Record.id == record.id).values(sharing="figures_only"))
    db.session.commit()
    seen.add(version())
    records.publish(
        record.submission,
        record.revision,
        default_questionnaire(),
        by=db.session.get(User, record.approved_by_id),
    )
    db.session.commit()
    seen.add(version())
    db.session.execute(text("DELETE FROM record_facets WHERE record_id = :id"), {"id": many[1].id})
    db.session.commit()
    seen.add(version())
    db.session.execute(delete(Record).where(Record.id == many[2].id))
    db.session.commit()
    seen.add(version())
    assert None not in seen and len(seen) == 5


def test_renaming_a_round_or_organisation_or_adding_a_questionnaire_version_is_seen_at_once(
    app,
    many,  # noqa: F811
):
    questionnaire = default_questionnaire()
    titles = [
        title for title, _ in find.figures(FindQuery(), signed_in=True, questionnaire=questionnaire).by_round
    ]
    round_id = many[0].round_id
    old_title = db.session.get(Round, round_id).title
    assert old_title in titles
    seen = {version()}
    db.session.execute(
        update(Round).where(Round.id == round_id).values(title="Collaboration return, renamed")
    )
    db.session.commit()
    seen.add(version())
    titles = [
        title for title, _ in find.figures(FindQuery(), signed_in=True, questionnaire=questionnaire).by_round
    ]
    assert "Collaboration return, renamed" in titles and old_title not in titles
    db.session.execute(
        update(Organisation).where(Organisation.id == many[0].organisation_id).values(name="Renamed Police")
    )
    db.session.commit()
    seen.add(version())
    db.session.execute(update(QuestionnaireVersion).values(key=QuestionnaireVersion.key))
    db.session.commit()
    seen.add(version())
    assert None not in seen and len(seen) == 4


@pytest.mark.commits  # another engine changes the records
def test_a_change_committed_elsewhere_is_seen_by_the_next_search(app, many, database_url):  # noqa: F811
    public = next(r for r in many if r.sharing == "public")
    visible = sum(1 for r in many if r.sharing != "figures_only")
    before = find.find(FindQuery(text=public.name), signed_in=True)
    assert public.id in {r.id for r in before.records}
    # Another process (a reviewer's approval on another machine, say) takes the record out of view.
    other = create_engine(database_url)
    with other.begin() as connection:
        connection.execute(
            text("UPDATE records SET sharing = 'figures_only' WHERE id = :id"), {"id": public.id}
        )
    other.dispose()
    db.session.commit()  # end this session's transaction, as the end of a request does
    after = find.find(FindQuery(text=public.name), signed_in=True)
    assert public.id not in {r.id for r in after.records}
    assert after.total == before.total - 1
    everything = find.find(FindQuery(), signed_in=True)
    assert everything.total == visible - 1


def test_without_the_state_row_nothing_is_reused(app, many):  # noqa: F811
    find.find(FindQuery(), signed_in=True)
    db.session.execute(delete(FindIndexState))
    db.session.commit()
    first = find_index.current()
    assert first.version is None
    assert find_index.current() is not first
    public = [r for r in many if r.sharing == "public"]
    public[0].sharing = "figures_only"
    db.session.commit()
    assert version() is not None
    assert find.find(FindQuery(), signed_in=False).total == len(public) - 1


QUERIES = [
    FindQuery(text=text_, filters=filters, sort=sort)
    for text_, filters, sort in itertools.product(
        ["", "co-responding", "estates shared", "fire"],
        [
            {},
            {"themes": ["co_responding", "prevention"]},
            {"region": ["north_west"], "stage": ["implemented"]},
        ],
        ["relevance", "newest", "name"],
    )
]


def test_pages_and_counts_agree_with_the_same_query_in_sql(app, many):  # noqa: F811
    """36 queries (words, filters, sorts), each signed in and not: the total, the first two pages and, for
    queries without words, the counts."""
    for query, signed_in in itertools.product(QUERIES, (True, False)):
        sharing = find.visible_sharing(signed_in)
        in_sql = [r.id for r in find.matching_records(query, sharing=sharing)]
        result = find.find(query, signed_in=signed_in)
        assert result.total == len(in_sql), query
        assert [r.id for r in result.records] == in_sql[: find.PAGE_SIZE], query
        if query.text == "":
            total, expected = direct_counts(many, query, sharing)
            assert result.total == total
            assert {f: dict(c) for f, c in result.counts.items()} == {
                f: dict(c) for f, c in expected.items()
            }, query
        if len(in_sql) > find.PAGE_SIZE:
            second = find.find(FindQuery(**{**query.__dict__, "page": 2}), signed_in=signed_in)
            assert [r.id for r in second.records] == in_sql[find.PAGE_SIZE : 2 * find.PAGE_SIZE], query


def test_figures_from_the_index_equal_figures_from_the_records(app, many):  # noqa: F811
    questionnaire = default_questionnaire()
    queries = [
        FindQuery(),
        FindQuery(text="co-responding"),
        FindQuery(filters={"themes": ["co_responding", "prevention"]}),
        FindQuery(filters={"region": ["north_west", "london"], "has_evaluation": ["yes"]}),
        FindQuery(filters={"themes": ["nothing_has_this"]}),
    ]
    for query, signed_in in itertools.product(queries, (True, False)):
        # Counted from the records themselves: all the filters select (figures-only ones included unless
        # words are searched), those the viewer may not read hidden.
        viewer = visibility.viewer(signed_in=signed_in)
        sharing = viewer.readable if query.text else viewer.counted
        counted = list(find.matching_records(query, sharing=sharing))
        from_records = figures(counted, questionnaire, readable=viewer.readable)
        from_index = find.figures(query, signed_in=signed_in, questionnaire=questionnaire)
        assert from_index == from_records, query
    everything = find.figures(FindQuery(), signed_in=True, questionnaire=questionnaire)
    assert everything.headline.projects == len(many)  # figures-only records are counted
    assert everything.savings.cashable_savings_count > 0 and len(everything.by_round) == 2


def test_the_overview_counts_every_record_and_describes_those_it_may(
    client,
    many,  # noqa: F811
):
    from tests import factories
    from tests.conftest import sign_in

    sign_in(client, "lee@example.org", factories.PASSWORD)
    visible = sum(1 for r in many if r.sharing != "figures_only")
    page = " ".join(client.get("/find/overview?edition=sector").text.split())
    assert f"It counts {len(many)} projects and describes {visible} of them" in page
    assert f'app-headline__number">{len(many)}</span> projects' in page


@pytest.mark.commits  # each thread has a connection of its own
def test_threads_of_one_process_share_one_index_read_after_a_change(app, many):  # noqa: F811
    """A web process answers with several threads: after a change one of them reads the index again, the
    others wait for it and use the same one, and every answer counts the change."""
    import threading

    public = next(r for r in many if r.sharing == "public")
    visible = sum(1 for r in many if r.sharing != "figures_only")
    find.find(FindQuery(), signed_in=True)
    public.sharing = "figures_only"
    db.session.commit()
    results: list[tuple[int, int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def search() -> None:
        try:
            with app.app_context():
                start.wait()
                total = find.find(FindQuery(text="co-responding"), signed_in=True).total
                everything = find.find(FindQuery(), signed_in=True).total
                results.append((id(find_index.current()), total, everything))
                db.session.remove()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=search) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({snapshot for snapshot, _, _ in results}) == 1
    assert {everything for _, _, everything in results} == {visible - 1}
    assert len({total for _, total, _ in results}) == 1
