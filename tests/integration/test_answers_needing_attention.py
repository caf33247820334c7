"""Saving answers that need attention, rules across answers, and the lead organisation, on the real pages."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Sector, Submission, SubmissionStatus
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.journey import fill_every_page, valid_posts


@pytest.fixture
def setting(app):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2027",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    sign_in_as = "priya@example.org"
    return {"police": police, "fire": fire, "email": sign_in_as}


def start(client) -> int:
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    return int(re.match(r"/projects/(\d+)$", response.headers["Location"]).group(1))


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


def test_save_and_come_back_later_with_problems_saves_and_lists_them(client, setting):
    sign_in(client, setting["email"], factories.PASSWORD)
    draft = start(client)
    submit_form(client, f"/projects/{draft}/cost", {"cost": "lots", "save_later": "1"})
    response = submit_form(
        client, f"/projects/{draft}/project_summary", {"summary": "word " * 501, "save_later": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{draft}"
    assert db.session.get(Submission, draft).answers["summary"] == ("word " * 501).strip()
    page = text(client.get(response.headers["Location"]))
    assert "Your answers have been saved. 2 answers need attention before you can submit:" in page
    assert (
        f'href="/projects/{draft}/project_summary?check=1#summary">Project summary</a>: '
        "Project summary must be 500 words or fewer" in page
    )
    assert f'href="/projects/{draft}/cost?check=1#cost">Cost</a>: Cost must be an amount of money' in page
    # The link opens the page with the problem shown beside the answer, as typed.
    opened = text(client.get(f"/projects/{draft}/project_summary?check=1"))
    assert "There is a problem" in opened
    assert "Project summary must be 500 words or fewer" in opened
    # Shown once, after saving: not every time the task list opens.
    assert "need attention" not in text(client.get(f"/projects/{draft}"))


def test_a_valid_page_saved_for_later_says_so(client, setting):
    sign_in(client, setting["email"], factories.PASSWORD)
    draft = start(client)
    response = submit_form(client, f"/projects/{draft}/cost", {"cost": "100", "save_later": "1"})
    page = text(client.get(response.headers["Location"]))
    assert "Your answers have been saved. You can come back and finish at any time" in page
    assert "need attention" not in page


def test_answers_that_contradict_each_other_are_shown_and_stop_submitting(client, setting):
    sign_in(client, setting["email"], factories.PASSWORD)
    draft = start(client)
    posts = valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id)
    # The end date before the start date: refused on the page that can put it right.
    dates = {
        "start_date-month": "4",
        "start_date-year": "2024",
        "end_date-month": "3",
        "end_date-year": "2024",
    }
    response = submit_form(client, f"/projects/{draft}/dates", dates)
    assert response.status_code == 200
    assert "End date must be the same as or after the start date" in text(response)
    posts["dates"] = {**dates, "end_date-month": "5"}
    fill_every_page(client, draft, posts)
    # Then the stage changes to an idea, with an evaluation said to have been done.
    fill_every_page(client, draft, {"stage": {"stage": "idea"}})
    check = text(client.get(f"/projects/{draft}/check-your-answers"))
    message = (
        "A project at the idea stage cannot have been evaluated yet: select no, or change the stage of the "
        "project"
    )
    assert "There is a problem" in check
    assert "1 answer needs attention before you can submit:" in check
    assert (
        f'href="/projects/{draft}/evaluation?check=1&change=1#has_evaluation">Evaluated</a>: {message}'
        in response_raw(client, draft)
    )
    assert "Submit project" not in check
    response = submit_form(
        client, f"/projects/{draft}/check-your-answers", {"confirm": "y"}, form_url=f"/projects/{draft}"
    )
    assert db.session.get(Submission, draft).status == SubmissionStatus.DRAFT
    # Put right where it is asked.
    assert message in text(client.get(f"/projects/{draft}/evaluation?check=1&change=1"))
    submit_form(client, f"/projects/{draft}/evaluation", {"has_evaluation": "no"})
    response = submit_form(client, f"/projects/{draft}/check-your-answers", {"confirm": "y"})
    assert response.headers["Location"] == f"/projects/{draft}/submitted"


def response_raw(client, draft: int) -> str:
    return re.sub(r"\s+", " ", client.get(f"/projects/{draft}/check-your-answers").text)


def test_the_lead_organisation_is_the_leads_own(client, setting):
    sign_in(client, setting["email"], factories.PASSWORD)
    draft = start(client)
    page = client.get(f"/projects/{draft}/lead_organisation").text
    assert "<select" not in page
    assert re.search(r'id="lead_organisation">Kent Police</p>', page)
    assert "If another organisation leads this project, its collaboration lead reports it" in page
    # Another organisation posted (by hand) does not change it.
    response = submit_form(
        client, f"/projects/{draft}/lead_organisation", {"lead_organisation": str(setting["fire"].id)}
    )
    assert response.status_code == 302
    submission = db.session.get(Submission, draft)
    assert submission.answers["lead_organisation"] == str(setting["police"].id)
    assert submission.page_states["lead_organisation"] == "completed"
