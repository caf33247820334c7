"""The lead's journey through the default questionnaire, on the real pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboundEmail, Revision, Sector, Submission, SubmissionStatus
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.journey import fill_every_page, valid_posts


@pytest.fixture
def setting(app):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    lead = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    partner_lead = factories.user(email="sam@example.org", name="Sam Lead", organisation_=fire)
    now = utcnow()
    round_ = rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    return {"police": police, "fire": fire, "lead": lead, "partner_lead": partner_lead, "round": round_}


def start(client) -> int:
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    match = re.match(r"/projects/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_a_lead_fills_in_checks_and_submits_a_project(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    listing = client.get("/projects").text
    assert "Collaboration return 2026" in listing
    assert "11:59pm" in listing or "left" in listing
    submission_id = start(client)
    assert "Not yet started" in client.get(f"/projects/{submission_id}").text

    fill_every_page(
        client, submission_id, valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id)
    )
    task_list = client.get(f"/projects/{submission_id}").text
    assert task_list.count("Completed") == 8
    check = client.get(f"/projects/{submission_id}/check-your-answers").text
    assert "Kent and Medway co-responding" in check
    assert "£125,000.00" in check or "£125,000" in check
    assert "Kent Fire and Rescue Service" in check
    assert "Community first responders" in check

    response = submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})
    assert response.headers["Location"] == f"/projects/{submission_id}/submitted"
    confirmation = client.get(response.headers["Location"]).text
    submission = db.session.get(Submission, submission_id)
    assert submission.reference and submission.reference in confirmation
    assert submission.status == SubmissionStatus.SUBMITTED
    [revision] = db.session.scalars(select(Revision)).all()
    assert revision.answers["project_name"] == "Kent and Medway co-responding"
    [receipt] = db.session.scalars(select(OutboundEmail).filter_by(recipient="priya@example.org")).all()
    assert submission.reference in receipt.body_text
    assert "Lessons learnt" in receipt.body_text or "lessons" in receipt.body_text.lower()
    assert "Agree data sharing before the first shift." in receipt.body_text
    assert "submission.submitted" in db.session.scalars(select(AuditEvent.action)).all()


def test_the_partner_sees_the_submitted_project_read_only(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    fill_every_page(
        client, submission_id, valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id)
    )
    submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})
    submit_form(client, "/sign-out", {}, form_url="/projects")

    sign_in(client, "sam@example.org", factories.PASSWORD)
    listing = client.get("/projects").text
    assert "Named as partner" in listing
    assert "Kent and Medway co-responding" in listing
    view = client.get(f"/projects/partner/{submission_id}")
    assert view.status_code == 200
    assert "Led by Kent Police" in view.text
    # ...but it is not theirs to change.
    assert client.get(f"/projects/{submission_id}").status_code == 404
    assert client.get(f"/projects/{submission_id}/project_name").status_code == 404


def test_an_invalid_page_is_saved_as_typed_and_shows_errors(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    long_summary = "word " * 501
    response = submit_form(client, f"/projects/{submission_id}/project_summary", {"summary": long_summary})
    assert response.status_code == 200
    assert "Project summary must be 500 words or fewer" in response.text
    submission = db.session.get(Submission, submission_id)
    assert submission.answers["summary"] == long_summary.strip()
    assert submission.page_states["project_summary"] == "in_progress"
    assert long_summary.strip() in client.get(f"/projects/{submission_id}/project_summary").text

    response = submit_form(client, f"/projects/{submission_id}/cost", {"cost": "lots"})
    assert "must be an amount of money" in response.text
    assert db.session.get(Submission, submission_id).answers["cost"] == "lots"


def test_save_and_come_back_later_returns_to_the_task_list(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    response = submit_form(
        client,
        f"/projects/{submission_id}/project_name",
        {"project_name": "Shared estate", "save_later": "1"},
    )
    assert response.headers["Location"] == f"/projects/{submission_id}"
    assert "Your answers have been saved" in client.get(f"/projects/{submission_id}").text


def test_hidden_answers_are_not_submitted(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    posts = valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id)
    fill_every_page(client, submission_id, posts)
    # Changing the evaluation answer to no hides the findings page; its answer must not be submitted.
    submit_form(client, f"/projects/{submission_id}/evaluation", {"has_evaluation": "no"})
    submit_form(
        client, f"/projects/{submission_id}/themes", {"themes": ["co_responding"], "other_theme": "x"}
    )
    submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})
    revision = db.session.scalars(select(Revision)).one()
    assert "evaluation_findings" not in revision.answers
    assert "other_theme" not in revision.answers


def test_submitting_needs_every_section_and_the_declaration(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    page = client.get(f"/projects/{submission_id}/check-your-answers").text
    assert "You cannot submit yet" in page
    response = submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})
    assert "Complete every section before you submit" in response.text
    fill_every_page(
        client, submission_id, valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id)
    )
    response = submit_form(client, f"/projects/{submission_id}/check-your-answers", {})
    assert "Confirm that the information is accurate" in response.text
    assert db.session.get(Submission, submission_id).status == SubmissionStatus.DRAFT


def test_another_organisations_project_is_not_found(client, setting):
    sign_in(client, "sam@example.org", factories.PASSWORD)
    theirs = start(client)
    submit_form(client, "/sign-out", {}, form_url="/projects")
    sign_in(client, "priya@example.org", factories.PASSWORD)
    for url in (
        f"/projects/{theirs}",
        f"/projects/{theirs}/project_name",
        f"/projects/{theirs}/check-your-answers",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/projects/{theirs}/no_such_page").status_code == 404
    assert client.get("/projects/99999").status_code == 404


def test_reviewers_and_administrators_cannot_reach_the_lead_pages(client, setting):
    factories.reviewer(email="rhys@example.org")
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    assert client.get("/projects").status_code == 404


def test_after_the_deadline_leads_can_read_but_not_change(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    submit_form(client, f"/projects/{submission_id}/project_name", {"project_name": "Before the deadline"})
    with time_machine.travel(setting["round"].deadline + timedelta(minutes=1)):
        sign_in(client, "priya@example.org", factories.PASSWORD)
        assert "The deadline for this round has passed" in client.get("/projects").text
        response = submit_form(client, f"/projects/{submission_id}/project_name", {"project_name": "After"})
        assert response.status_code == 409
        assert "Your changes have not been saved" in response.text
        assert 'value="After"' in response.text  # what was typed is still on screen
    assert db.session.get(Submission, submission_id).answers["project_name"] == "Before the deadline"


def test_an_extension_lets_one_organisation_carry_on(client, setting):
    round_ = setting["round"]
    admin = factories.administrator()
    rounds.extend_deadline(round_, setting["police"].id, round_.deadline + timedelta(days=3), by=admin)
    db.session.commit()
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    with time_machine.travel(round_.deadline + timedelta(days=1)):
        sign_in(client, "priya@example.org", factories.PASSWORD)
        response = submit_form(
            client, f"/projects/{submission_id}/project_name", {"project_name": "Extended"}
        )
        assert response.status_code == 302


def test_two_leads_editing_the_same_page_do_not_overwrite_each_other(client, app, setting):
    colleague = factories.user(email="colleague@example.org", organisation_=setting["police"])
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    other = app.test_client()
    sign_in(other, colleague.email, factories.PASSWORD)
    url = f"/projects/{submission_id}/project_name"
    mine = client.get(url).text
    theirs = other.get(url).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', theirs).group(1)
    opened = re.search(r'name="opened_as" value="([^"]+)"', theirs).group(1)
    other.post(url, data={"csrf_token": token, "opened_as": opened, "project_name": "Their name"})

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', mine).group(1)
    opened = re.search(r'name="opened_as" value="([^"]+)"', mine).group(1)
    response = client.post(url, data={"csrf_token": token, "opened_as": opened, "project_name": "My name"})
    assert response.status_code == 200
    assert "Someone else changed this page after you opened it" in response.text
    assert "Their name" in response.text and 'value="My name"' in response.text
    assert db.session.get(Submission, submission_id).answers["project_name"] == "Their name"
    # Deciding to keep their own answers: saving again from the conflict page writes them.
    opened = re.search(r'name="opened_as" value="([^"]+)"', response.text).group(1)
    client.post(url, data={"csrf_token": token, "opened_as": opened, "project_name": "My name"})
    db.session.expire_all()
    assert db.session.get(Submission, submission_id).answers["project_name"] == "My name"


def test_a_lead_withdraws_before_a_decision_and_can_submit_again(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = start(client)
    fill_every_page(
        client, submission_id, valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id)
    )
    submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})
    # Submitted projects cannot be edited.
    response = submit_form(client, f"/projects/{submission_id}/project_name", {"project_name": "Changed"})
    assert response.status_code == 409
    submit_form(client, f"/projects/{submission_id}/withdraw", {})
    submission = db.session.get(Submission, submission_id)
    assert submission.status == SubmissionStatus.DRAFT
    assert (
        submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"}).status_code
        == 302
    )
    assert db.session.scalar(select(func.count(Revision.id))) == 2


def test_a_nil_return_and_changing_your_mind(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submit_form(client, "/projects/nothing-to-report", {})
    assert "Nothing to report" in client.get("/projects").text
    start(client)  # starting a project withdraws the nil return
    assert "Nothing to report" not in client.get("/projects").text
