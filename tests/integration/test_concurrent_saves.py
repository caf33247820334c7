"""Two leads press "Save and continue" at the same moment, through a live server: each answer is kept, or
its lead is told of the conflict; never "saved" and then lost. On SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Sector, Submission
from app.models.base import utcnow
from app.services.errors import InvalidTransition
from app.services.rounds import deadlines as rounds
from app.services.submissions import lifecycle as submissions
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.journey import fill_every_page, valid_posts
from tests.live import Browser, Page, live_server

pytestmark = pytest.mark.commits  # a live server: its requests use their own connections

ROUNDS = 5
CONFLICT = "Someone else changed this page after you opened it"


@pytest.fixture
def two_leads(app):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    first = factories.user(email="priya@example.org", organisation_=police)
    factories.user(email="sam@example.org", organisation_=police)
    now = utcnow()
    round_ = rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    with live_server(app) as base:
        browsers = [Browser(base), Browser(base)]
        browsers[0].sign_in("priya@example.org", factories.PASSWORD)
        browsers[1].sign_in("sam@example.org", factories.PASSWORD)
        yield {"round": round_, "lead": first, "browsers": browsers}


def _new_project(world) -> int:
    submission = submissions.start(world["round"], by=world["lead"])
    db.session.commit()
    return submission.id


def _at_once(posts: list[tuple[Browser, str, dict]]) -> list[Page]:
    """Each post from its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    answers: list[Page | None] = [None] * len(posts)

    def run(index: int, browser: Browser, path: str, data: dict) -> None:
        barrier.wait()
        answers[index] = browser.post(path, data)

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(answer is not None for answer in answers)
    return answers  # type: ignore[return-value]


def _saved_answers(submission_id: int) -> dict:
    db.session.expire_all()
    return dict(db.session.get(Submission, submission_id).answers)


def test_two_leads_saving_different_pages_at_once_both_keep_their_answer(two_leads):
    priya, sam = two_leads["browsers"]
    for attempt in range(ROUNDS):
        submission_id = _new_project(two_leads)
        name_url = f"/projects/{submission_id}/project_name"
        summary_url = f"/projects/{submission_id}/project_summary"
        name_form = priya.form_fields(name_url, "opened_as")
        summary_form = sam.form_fields(summary_url, "opened_as")

        answers = _at_once(
            [
                (priya, name_url, {**name_form, "project_name": f"Name {attempt}"}),
                (sam, summary_url, {**summary_form, "summary": f"Summary {attempt}"}),
            ]
        )

        saved = _saved_answers(submission_id)
        for answer, (question, value) in zip(
            answers, [("project_name", f"Name {attempt}"), ("summary", f"Summary {attempt}")], strict=True
        ):
            assert answer.status < 500, answer.text[:300]
            told_of_conflict = answer.status == 200 and CONFLICT in answer.text
            assert saved.get(question) == value or told_of_conflict, (attempt, question, saved)
            if answer.status == 302:  # "saved": it must really be there
                assert saved.get(question) == value, (attempt, question, saved)


def test_two_saves_of_one_page_from_one_opened_copy_never_both_say_saved(two_leads):
    priya, sam = two_leads["browsers"]
    for attempt in range(ROUNDS):
        submission_id = _new_project(two_leads)
        url = f"/projects/{submission_id}/project_name"
        opened = priya.form_fields(url, "opened_as")["opened_as"]
        forms = [priya.form_fields(url), sam.form_fields(url)]

        answers = _at_once(
            [
                (priya, url, {**forms[0], "opened_as": opened, "project_name": f"Priya's {attempt}"}),
                (sam, url, {**forms[1], "opened_as": opened, "project_name": f"Sam's {attempt}"}),
            ]
        )

        saved = _saved_answers(submission_id)["project_name"]
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200, 302], (attempt, statuses)
        winner, loser = (answers[0], answers[1]) if answers[0].status == 302 else (answers[1], answers[0])
        assert CONFLICT in loser.text
        # The one told "saved" is what is kept, and the other sees it beside what they typed.
        assert saved == (f"Priya's {attempt}" if winner is answers[0] else f"Sam's {attempt}")
        assert saved in loser.text


def test_a_page_saved_while_the_project_is_being_submitted_is_never_left_out(app):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    lead = factories.user(email="priya@example.org", organisation_=police)
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    client = app.test_client()
    sign_in(client, lead.email, factories.PASSWORD)
    submission_id = int(
        submit_form(client, "/projects/start", {}, form_url="/projects").headers["Location"].rsplit("/", 1)[1]
    )
    fill_every_page(client, submission_id, valid_posts(lead_id=police.id, partner_id=fire.id))
    submission = db.session.get(Submission, submission_id)
    read = dict(submission.answers)  # the submit has read the answers...

    # ...when another lead's save commits, from another connection.
    with db.engine.begin() as connection:
        connection.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(answers={**read, "project_name": "Renamed"}, edit_version=Submission.edit_version + 1)
        )

    with pytest.raises(InvalidTransition, match="Someone changed this project while you were submitting it"):
        submissions.submit(submission, by=lead)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Submission, submission_id).revisions == []
    # Submitting again takes what is saved now.
    revision = submissions.submit(db.session.get(Submission, submission_id), by=lead)
    assert revision.answers["project_name"] == "Renamed"
