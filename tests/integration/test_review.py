"""Reviewers' decisions: every transition allowed and refused, on the real pages and services."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    OutboundEmail,
    PartnerConfirmation,
    Record,
    Sector,
    Submission,
    SubmissionStatus,
)
from app.models.base import utcnow
from app.services.email import outbox
from app.services.errors import DomainError, NotAllowed
from app.services.review import decisions as reviews
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.journey import fill_every_page, valid_posts


@pytest.fixture
def world(app, client):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    factories.user(email="sam@example.org", name="Sam Lead", organisation_=fire)
    reviewer = factories.reviewer(email="rhys@example.org")
    other_reviewer = factories.reviewer(email="rowan@example.org", name="Rowan Reviewer")
    police_reviewer = factories.user(
        factories.Role.REVIEWER, email="pat@example.org", name="Pat Police", organisation_=police
    )
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    sign_in(client, "priya@example.org", factories.PASSWORD)
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    submission_id = int(response.headers["Location"].rsplit("/", 1)[1])
    fill_every_page(client, submission_id, valid_posts(lead_id=police.id, partner_id=fire.id))
    submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})
    submit_form(client, "/sign-out", {}, form_url="/projects")
    return {
        "submission": db.session.get(Submission, submission_id),
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "police_reviewer": police_reviewer,
        "police": police,
        "fire": fire,
    }


def events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action=action))


def emails_to(address: str, template: str) -> list[OutboundEmail]:
    return list(db.session.scalars(select(OutboundEmail).filter_by(recipient=address, template=template)))


def version_on(page: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', page).group(1)


def test_a_reviewer_finds_the_submission_and_approves_it(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    queue = client.get("/review").text
    assert item.name in queue and "today" in queue
    page = client.get(f"/review/{item.id}").text
    assert "Kent Fire and Rescue Service" in page and "Not answered yet" in page  # partner confirmation
    assert "Submitted" in page  # the timeline
    submit_form(
        client,
        f"/review/{item.id}/claim",
        {"expected_version": str(item.edit_version)},
        form_url=f"/review/{item.id}",
    )
    db.session.refresh(item)
    assert item.status == SubmissionStatus.IN_REVIEW and item.claimed_by_id == world["reviewer"].id
    confirm = client.get(f"/review/{item.id}/approve").text
    assert "Are you sure you want to approve this project?" in confirm
    response = submit_form(
        client,
        f"/review/{item.id}/approve",
        {"expected_version": version_on(confirm)},
        form_url=f"/review/{item.id}/approve",
    )
    assert response.headers["Location"] == "/review"
    db.session.refresh(item)
    assert item.status == SubmissionStatus.APPROVED
    record = db.session.scalars(select(Record)).one()
    assert record.name == "Kent and Medway co-responding"
    assert record.facets["themes"] == ["co_responding", "other"]
    assert record.facets["combination"] == ["police_fire"]
    assert record.facets["region"] == ["south_east"]
    assert "Agree data sharing before the first shift." in record.search_text
    assert record.sharing == "public"
    assert events("review.approved") == 1
    [email] = emails_to("priya@example.org", "decision_approved")
    assert "has been approved" in email.body_text


def test_request_changes_on_one_question_then_the_lead_resubmits(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    form = client.get(f"/review/{item.id}/request-changes").text
    data = {
        "expected_version": version_on(form),
        "comment-lessons_learnt": "Say what you would do differently.",
    }
    check = submit_form(client, f"/review/{item.id}/request-changes", data)
    assert "Check your comments before you send them" in check.text
    submit_form(
        client,
        f"/review/{item.id}/request-changes",
        {**data, "confirmed": "yes"},
        form_url=f"/review/{item.id}/request-changes",
    )
    db.session.refresh(item)
    assert item.status == SubmissionStatus.CHANGES_REQUESTED
    [email] = emails_to("priya@example.org", "decision_changes_requested")
    assert "Lessons learnt:\nSay what you would do differently." in email.body_text  # quoted, not counted
    submit_form(client, "/sign-out", {}, form_url="/review")

    sign_in(client, "priya@example.org", factories.PASSWORD)
    task_list = client.get(f"/projects/{item.id}").text
    assert "A reviewer has asked for changes" in task_list and "Lessons learnt" in task_list
    page = client.get(f"/projects/{item.id}/lessons_learnt").text
    assert "Say what you would do differently." in page
    assert 'aria-describedby="lessons_learnt-review-comment' in page  # read out with the answer
    submit_form(
        client, f"/projects/{item.id}/lessons_learnt", {"lessons_learnt": "Start the data work earlier."}
    )
    submit_form(client, f"/projects/{item.id}/check-your-answers", {"confirm": "y"})
    db.session.refresh(item)
    assert item.status == SubmissionStatus.SUBMITTED and len(item.revisions) == 2
    submit_form(client, "/sign-out", {}, form_url="/projects")

    sign_in(client, "rhys@example.org", factories.PASSWORD)
    page = client.get(f"/review/{item.id}").text
    assert "What changed since the previous revision" in page
    assert "Agree data sharing before the first shift." in page and "Start the data work earlier." in page


def test_rejecting_needs_a_reason_the_lead_then_sees(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    form = client.get(f"/review/{item.id}/reject").text
    page = submit_form(
        client, f"/review/{item.id}/reject", {"expected_version": version_on(form), "reason": ""}
    )
    assert "Enter the reason for rejecting this submission" in page.text
    data = {"expected_version": version_on(form), "reason": "This is business as usual, not collaboration."}
    assert (
        "Are you sure you want to reject this project?"
        in submit_form(client, f"/review/{item.id}/reject", data).text
    )
    submit_form(
        client,
        f"/review/{item.id}/reject",
        {**data, "confirmed": "yes"},
        form_url=f"/review/{item.id}/reject",
    )
    db.session.refresh(item)
    assert item.status == SubmissionStatus.REJECTED
    assert item.decision_note == "This is business as usual, not collaboration."
    assert db.session.scalar(select(func.count(Record.id))) == 0
    submit_form(client, "/sign-out", {}, form_url="/review")
    sign_in(client, "priya@example.org", factories.PASSWORD)
    assert "This is business as usual, not collaboration." in client.get(f"/projects/{item.id}").text


def test_a_decision_on_a_submission_that_changed_meanwhile_changes_nothing(client, world):
    item = world["submission"]
    seen = item.edit_version
    reviews.approve(item, by=world["other_reviewer"], expected_version=seen)
    db.session.commit()
    with pytest.raises(reviews.StaleDecision, match="It is now approved"):
        reviews.reject(item, by=world["reviewer"], expected_version=seen, reason="No")
    db.session.rollback()
    db.session.refresh(item)
    assert item.status == SubmissionStatus.APPROVED
    assert events("review.rejected") == 0


def test_a_decision_after_the_lead_withdrew_is_refused_on_the_page(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    confirm = client.get(f"/review/{item.id}/approve").text
    from app.services.submissions import lifecycle as submissions

    submissions.withdraw(item, by=item.created_by)
    db.session.commit()
    response = submit_form(
        client,
        f"/review/{item.id}/approve",
        {"expected_version": version_on(confirm)},
        form_url=f"/review/{item.id}",
    )
    page = client.get(response.headers["Location"]).text
    assert "This submission has changed since you opened it" in page
    db.session.refresh(item)
    assert item.status == SubmissionStatus.DRAFT
    assert db.session.scalar(select(func.count(Record.id))) == 0


def test_illegal_transitions_are_refused_by_the_service(world):
    item = world["submission"]
    reviews.reject(item, by=world["reviewer"], expected_version=item.edit_version, reason="Not collaboration")
    db.session.commit()
    for decide in (
        lambda: reviews.approve(item, by=world["reviewer"], expected_version=item.edit_version),
        lambda: reviews.request_changes(
            item, by=world["reviewer"], expected_version=item.edit_version, comments={"summary": "x"}
        ),
        lambda: reviews.claim(item, by=world["reviewer"], expected_version=item.edit_version),
    ):
        with pytest.raises(DomainError):
            decide()
        db.session.rollback()
    lead = db.session.scalars(select(factories.User).filter_by(email="priya@example.org")).one()
    with pytest.raises(NotAllowed):
        reviews.approve(item, by=lead, expected_version=item.edit_version)


def test_a_reviewer_cannot_decide_on_their_own_organisation(client, world):
    item = world["submission"]
    with pytest.raises(NotAllowed, match="it names your organisation as its lead or as a partner"):
        reviews.approve(item, by=world["police_reviewer"], expected_version=item.edit_version)
    db.session.rollback()
    sign_in(client, "pat@example.org", factories.PASSWORD)
    page = client.get(f"/review/{item.id}").text
    assert "This submission names your organisation as its lead or as a partner" in page
    assert f'href="/review/{item.id}/approve' not in page
    response = client.get(f"/review/{item.id}/approve")
    assert (
        "You cannot decide on this submission: it names your organisation"
        in client.get(response.headers["Location"]).text
    )


def test_a_failed_decision_rolls_back_its_event_and_emails(world, monkeypatch):
    item = world["submission"]
    before = db.session.scalar(select(func.count(OutboundEmail.id)))

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is full")

    monkeypatch.setattr(outbox, "enqueue", broken)  # a fault injected after the status update and event
    with pytest.raises(RuntimeError):
        reviews.approve(item, by=world["reviewer"], expected_version=item.edit_version)
    db.session.rollback()
    db.session.refresh(item)
    assert item.status == SubmissionStatus.SUBMITTED
    assert events("review.approved") == 0
    assert db.session.scalar(select(func.count(Record.id))) == 0
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == before


def test_leads_cannot_reach_review_pages(client, world):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    item = world["submission"]
    for url in ("/review", f"/review/{item.id}", f"/review/{item.id}/approve"):
        assert client.get(url).status_code == 404, url


def test_partners_confirm_or_deny_their_part(client, world):
    item = world["submission"]
    [ask] = emails_to("sam@example.org", "partner_confirmation")
    assert f"/projects/partner/{item.id}" in ask.body_text
    sign_in(client, "sam@example.org", factories.PASSWORD)
    page = client.get(f"/projects/partner/{item.id}").text
    assert "Is Kent Fire and Rescue Service part of this project?" in page
    response = submit_form(client, f"/projects/partner/{item.id}", {"answer": "no", "comment": "Not ours"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.partners[0].confirmation == PartnerConfirmation.DENIED
    submit_form(client, "/sign-out", {}, form_url="/projects")
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    assert "A partner says it is not part of this project" in client.get(f"/review/{item.id}").text
    assert item.name in client.get("/review?partners=denied").text
    assert item.name not in client.get("/review?partners=confirmed").text


def test_the_queue_filters_and_counts(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    assert item.name in client.get("/review?sector=police&region=south_east&theme=co_responding").text
    assert item.name not in client.get("/review?sector=ambulance").text
    assert item.name not in client.get("/review?claimed=me").text
    assert item.name in client.get("/review?claimed=nobody&sort=newest").text
    page = client.get("/review?sector=spaceship&page=999&round=abc")
    assert page.status_code == 200 and "We ignored a filter we did not recognise (sector)" in page.text
    assert "Waiting for a decision: 1" in client.get("/review").text.replace("<strong>", "").replace(
        "</strong>", ""
    )


def test_an_update_to_an_approved_project_changes_the_record_only_when_approved(client, world):
    item = world["submission"]
    reviews.approve(item, by=world["reviewer"], expected_version=item.edit_version)
    db.session.commit()
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submit_form(client, f"/projects/{item.id}/propose-update", {}, form_url=f"/projects/{item.id}")
    submit_form(client, f"/projects/{item.id}/project_name", {"project_name": "Kent co-responding, phase 2"})
    submit_form(client, f"/projects/{item.id}/check-your-answers", {"confirm": "y"})
    record = db.session.scalars(select(Record)).one()
    assert record.name == "Kent and Medway co-responding"
    db.session.refresh(item)
    reviews.approve(item, by=world["reviewer"], expected_version=item.edit_version)
    db.session.commit()
    db.session.refresh(record)
    assert record.name == "Kent co-responding, phase 2"
    assert db.session.scalar(select(func.count(Record.id))) == 1


def test_reviewers_get_one_digest_a_day_unless_they_opt_out(client, world):
    from datetime import UTC, datetime

    import time_machine

    from app.services.review import digest

    morning = datetime.combine(utcnow().date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    with time_machine.travel(morning + timedelta(hours=6), tick=False):  # 6am UK time: too early
        assert digest.run() == 0
    with time_machine.travel(morning + timedelta(hours=9), tick=False):
        assert digest.run() == 2  # Rhys and Rowan; Pat is from the submitting organisation
        assert digest.run() == 0  # once a day, however often the worker runs
    [email] = emails_to("rhys@example.org", "review_digest")
    assert (
        "1 collaboration project is waiting" in email.body_text or "1 collaboration project" in email.subject
    )
    assert "Kent and Medway co-responding" in email.body_text
    sign_in(client, "rowan@example.org", factories.PASSWORD)
    submit_form(client, "/account/review-digest", {"digest": "off"}, form_url="/account")
    with time_machine.travel(morning + timedelta(days=1, hours=9), tick=False):
        assert digest.run() == 1
