"""Opening and closing a round now, each after a confirmation step, and deadline extensions for chosen
organisations: what they change, what they refuse, and the audit events they leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DeadlineExtension, Round, Sector
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from app.services.submissions import lifecycle as submissions
from tests import factories
from tests.conftest import sign_in, submit_form

HIDDEN = '<span class="govuk-visually-hidden">'


@pytest.fixture
def admin_client(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return client


def _round(opens_at: datetime, deadline: datetime, title: str = "Collaboration return 2027") -> Round:
    round_ = rounds.create_round(
        title=title, opens_at=opens_at, deadline=deadline, version=rounds.default_version()
    )
    db.session.commit()
    return round_


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)))


def test_an_upcoming_round_is_opened_now_after_confirming(admin_client):
    now = utcnow()
    round_ = _round(now + timedelta(days=5), now + timedelta(days=40))
    lead = factories.user()
    assert f"Open{HIDDEN} {round_.title}</span> now" in admin_client.get("/admin/rounds").text
    page = admin_client.get(f"/admin/rounds/{round_.id}/open").text
    assert "Open the round now" in page
    assert "(unchanged)" in page
    db.session.refresh(round_)
    assert round_.opens_at > utcnow()  # looking changes nothing

    response = submit_form(admin_client, f"/admin/rounds/{round_.id}/open", {})
    assert response.headers["Location"] == "/admin/rounds"
    db.session.refresh(round_)
    assert round_.opens_at <= utcnow()
    assert round_.deadline > utcnow()
    assert rounds.accepting_changes(round_, lead.organisation_id)
    [opened] = _events("round.opened_now")
    assert opened.subject_id == round_.id
    assert opened.details["opens_at_before"].startswith(str((now + timedelta(days=5)).date()))
    assert "Collaboration return 2027 is now open" in admin_client.get("/admin/rounds").text

    again = admin_client.get(f"/admin/rounds/{round_.id}/open").text
    assert "Collaboration return 2027 is open, so it cannot be opened now" in again
    assert "Open the round now</button>" not in again
    submit_form(admin_client, f"/admin/rounds/{round_.id}/open", {}, form_url="/admin/rounds/new")
    assert len(_events("round.opened_now")) == 1


def test_closing_a_round_now_ends_editing_except_for_organisations_with_an_extension(admin_client):
    now = utcnow()
    round_ = _round(now - timedelta(days=20), now + timedelta(days=10))
    extended = factories.organisation("Kent Police")
    other = factories.organisation("Essex Police")
    lead = factories.user(organisation_=other)
    draft = submissions.start(round_, by=lead)
    db.session.commit()
    rounds.extend_deadline(round_, extended.id, now + timedelta(days=20), by=factories.administrator())
    db.session.commit()

    page = admin_client.get(f"/admin/rounds/{round_.id}/close").text
    assert "Close the round now" in page
    assert "1 organisation has an extended deadline and can carry on until it" in page
    assert "Kent Police" in page
    response = submit_form(admin_client, f"/admin/rounds/{round_.id}/close", {})
    assert response.headers["Location"] == "/admin/rounds"
    db.session.refresh(round_)
    assert round_.deadline <= utcnow()
    assert not rounds.accepting_changes(round_, other.id)
    assert rounds.accepting_changes(round_, extended.id)
    assert rounds.why_not_accepting(round_, other.id) == "The deadline for this round has passed"
    with pytest.raises(submissions.NotAllowed):
        submissions.start(round_, by=lead)
    assert draft.status.value == "draft"
    [closed] = _events("round.closed_now")
    assert closed.details["extensions_still_open"] == [extended.id]
    assert "Collaboration return 2027 is now closed" in admin_client.get("/admin/rounds").text
    refused = admin_client.get(f"/admin/rounds/{round_.id}/close").text
    assert "is closed, so it cannot be closed now" in refused


def test_an_upcoming_round_cannot_be_closed_nor_a_closed_one_opened(admin_client):
    now = utcnow()
    upcoming = _round(now + timedelta(days=1), now + timedelta(days=9), "Upcoming")
    closed = _round(now - timedelta(days=30), now - timedelta(days=1), "Closed")
    before = (upcoming.opens_at, upcoming.deadline, closed.opens_at, closed.deadline)
    for url in (f"/admin/rounds/{upcoming.id}/close", f"/admin/rounds/{closed.id}/open"):
        page = submit_form(admin_client, url, {}, form_url="/admin/rounds/new").text
        assert "There is a problem" in page
    db.session.refresh(upcoming)
    db.session.refresh(closed)
    assert (upcoming.opens_at, upcoming.deadline, closed.opens_at, closed.deadline) == before
    assert _events("round.opened_now") == [] and _events("round.closed_now") == []


EXTENSION = {"deadline_date": ["15", "1", "2027"], "deadline_time": "5pm", "reason": "Cyber incident"}


def test_an_administrator_extends_the_deadline_for_chosen_organisations(admin_client):
    round_ = _round(datetime(2026, 10, 1, 8, 0, tzinfo=UTC), datetime(2026, 12, 18, 23, 59, tzinfo=UTC))
    kent = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    factories.organisation("Essex Police", sector=Sector.POLICE)
    url = f"/admin/rounds/{round_.id}/extensions"
    with time_machine.travel(datetime(2026, 12, 20, 9, 0, tzinfo=UTC), tick=False):
        sign_in(admin_client, "ada@example.org", factories.PASSWORD)  # a session of that day
        page = admin_client.get(url).text
        assert "No organisation has an extension in this round" in page
        assert page.count('<details class="govuk-details"') == 2  # one per sector, police and fire
        assert "Fire and rescue" in page and "Kent Fire and Rescue Service" in page

        response = submit_form(
            admin_client, url, {**EXTENSION, "organisations": [str(kent.id), str(fire.id)]}
        )
        assert response.status_code == 302
        page = admin_client.get(url).text
    assert "The deadline for 2 organisations is now 5pm on Friday 15 January 2027" in page
    extensions = db.session.scalars(
        select(DeadlineExtension).order_by(DeadlineExtension.organisation_id)
    ).all()
    assert [(e.organisation_id, e.deadline, e.reason) for e in extensions] == [
        (kent.id, datetime(2027, 1, 15, 17, 0, tzinfo=UTC), "Cyber incident"),
        (fire.id, datetime(2027, 1, 15, 17, 0, tzinfo=UTC), "Cyber incident"),
    ]
    events = _events("round.deadline_extended")
    assert sorted(e.organisation_id for e in events) == sorted([kent.id, fire.id])
    assert all(e.details["reason"] == "Cyber incident" for e in events)
    assert "Extensions (2)" in page and "Cyber incident" in page

    # Extended again, an organisation's deadline moves; it is not doubled.
    with time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=UTC), tick=False):
        sign_in(admin_client, "ada@example.org", factories.PASSWORD)
        submit_form(
            admin_client,
            url,
            {
                **EXTENSION,
                "deadline_date": ["22", "1", "2027"],
                "reason": "Still down",
                "organisations": [kent.id],
            },
        )
    db.session.expire_all()
    kent_extension = db.session.scalars(select(DeadlineExtension).filter_by(organisation_id=kent.id)).one()
    assert kent_extension.deadline == datetime(2027, 1, 22, 17, 0, tzinfo=UTC)
    assert kent_extension.reason == "Still down"
    assert len(_events("round.deadline_extended")) == 3


def test_extension_mistakes_get_govuk_messages_and_change_nothing(admin_client):
    round_ = _round(datetime(2026, 10, 1, 8, 0, tzinfo=UTC), datetime(2026, 12, 18, 23, 59, tzinfo=UTC))
    kent = factories.organisation("Kent Police")
    url = f"/admin/rounds/{round_.id}/extensions"
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        sign_in(admin_client, "ada@example.org", factories.PASSWORD)
        page = submit_form(
            admin_client, url, {"deadline_date": ["", "", ""], "deadline_time": "", "reason": ""}
        ).text
        for message in (
            "Select at least one organisation",
            "Enter the new deadline date",
            "Enter the new deadline time",
            "Enter why the deadline is being extended",
        ):
            assert message in page, message
        assert 'href="#organisations"' in page
        early = {**EXTENSION, "deadline_date": ["10", "12", "2026"], "organisations": [str(kent.id)]}
        assert (
            "The new deadline must be after the round's deadline"
            in submit_form(admin_client, url, early).text
        )
        unknown = {**EXTENSION, "organisations": [str(kent.id), "999999"]}
        assert "Select organisations from the list" in submit_form(admin_client, url, unknown).text
        junk = {**EXTENSION, "organisations": ["Kent"]}
        assert submit_form(admin_client, url, junk).status_code == 200
    assert db.session.scalars(select(DeadlineExtension)).all() == []
    assert _events("round.deadline_extended") == []


def test_an_extension_is_removed_after_confirming(admin_client):
    round_ = _round(datetime(2026, 10, 1, 8, 0, tzinfo=UTC), datetime(2026, 12, 18, 23, 59, tzinfo=UTC))
    other = _round(
        datetime(2027, 10, 1, 8, 0, tzinfo=UTC), datetime(2027, 12, 18, 23, 59, tzinfo=UTC), "Next"
    )
    kent = factories.organisation("Kent Police")
    extension = rounds.extend_deadline(
        round_, kent.id, datetime(2027, 1, 15, 17, 0, tzinfo=UTC), by=factories.administrator()
    )
    db.session.commit()
    url = f"/admin/rounds/{round_.id}/extensions/{extension.id}/remove"
    assert f'href="{url}"' in admin_client.get(f"/admin/rounds/{round_.id}/extensions").text
    assert "Remove the extension for Kent Police" in admin_client.get(url).text
    assert admin_client.get(f"/admin/rounds/{other.id}/extensions/{extension.id}/remove").status_code == 404
    response = submit_form(admin_client, url, {})
    assert response.headers["Location"] == f"/admin/rounds/{round_.id}/extensions"
    assert db.session.scalars(select(DeadlineExtension)).all() == []
    [removed] = _events("round.extension_removed")
    assert removed.organisation_id == kent.id
    assert (
        "Kent Police is back to the round's deadline" in admin_client.get(response.headers["Location"]).text
    )
    assert admin_client.get(url).status_code == 404


def test_a_rounds_questionnaire_is_fixed_once_a_lead_has_started(admin_client):
    now = utcnow()
    round_ = _round(now - timedelta(days=1), now + timedelta(days=30))
    assert 'name="questionnaire"' in admin_client.get(f"/admin/rounds/{round_.id}").text
    submissions.start(round_, by=factories.user())
    db.session.commit()
    page = admin_client.get(f"/admin/rounds/{round_.id}").text
    assert 'name="questionnaire"' not in page
    assert "Leads have started returns in this round, so its questionnaire cannot change" in page
