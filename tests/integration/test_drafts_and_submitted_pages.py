"""References from the round, deleting a draft, and a submitted project's pages shown read-only."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Sector, Submission
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
    # Opens in 2026, closes in 2027: it is the 2027 return.
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2027",
        opens_at=now - timedelta(days=1),
        deadline=datetime(now.year + 1, 1, 15, 12, tzinfo=UTC),
        version=rounds.default_version(),
    )
    db.session.commit()
    return {"police": police, "fire": fire, "year": now.year + 1}


def start(client) -> int:
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    return int(re.match(r"/projects/(\d+)$", response.headers["Location"]).group(1))


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


def test_drafts_have_references_from_the_round_and_show_when_they_were_last_saved(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    first, second = start(client), start(client)
    for draft in (first, second):
        submit_form(client, f"/projects/{draft}/project_name", {"project_name": "Shared station"})
    references = [db.session.get(Submission, draft).reference for draft in (first, second)]
    assert references == [f"CP-{setting['year']}-{first:05d}", f"CP-{setting['year']}-{second:05d}"]
    listing = text(client.get("/projects"))
    assert all(reference in listing for reference in references)  # two drafts of one name told apart
    task_list = text(client.get(f"/projects/{first}"))
    assert f'Reference</dt><dd class="govuk-summary-list__value">{references[0]}' in task_list
    assert "Last saved" in task_list


def test_a_lead_deletes_a_draft_after_confirming(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    draft = start(client)
    submit_form(client, f"/projects/{draft}/project_name", {"project_name": "Started by mistake"})
    assert f'href="/projects/{draft}/delete">Delete this draft' in client.get(f"/projects/{draft}").text
    confirm = text(client.get(f"/projects/{draft}/delete"))
    assert "Are you sure you want to delete this draft?" in confirm
    assert db.session.get(Submission, draft) is not None  # opening the page deletes nothing
    response = submit_form(client, f"/projects/{draft}/delete", {})
    assert response.headers["Location"] == "/projects"
    assert "Started by mistake" in text(client.get("/projects"))  # the success message names it
    db.session.expire_all()
    assert db.session.get(Submission, draft) is None
    [event] = db.session.scalars(select(AuditEvent).filter_by(action="submission.deleted")).all()
    assert event.details["name"] == "Started by mistake"
    assert client.get(f"/projects/{draft}").status_code == 404


def test_a_submitted_project_cannot_be_deleted_and_its_pages_are_read_only(client, setting):
    sign_in(client, "priya@example.org", factories.PASSWORD)
    draft = start(client)
    fill_every_page(client, draft, valid_posts(lead_id=setting["police"].id, partner_id=setting["fire"].id))
    submit_form(client, f"/projects/{draft}/check-your-answers", {"confirm": "y"})
    assert "Delete this draft" not in client.get(f"/projects/{draft}").text
    response = submit_form(client, f"/projects/{draft}/delete", {}, form_url=f"/projects/{draft}")
    assert response.headers["Location"] == f"/projects/{draft}"
    assert db.session.get(Submission, draft) is not None

    page = client.get(f"/projects/{draft}/project_name")
    assert page.status_code == 200
    shown = text(page)
    main = page.text.split('id="main-content"')[1].split("</main>")[0]
    assert "<form" not in main and "<input" not in main  # nothing to type into
    assert "Kent and Medway co-responding" in shown
    assert "This project has been submitted, so its answers cannot be changed now." in shown
    assert f'href="/projects/{draft}/withdraw">withdraw the project</a>' in page.text
