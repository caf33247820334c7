"""Pages no journey test reaches, each opened by the person who would see it and checked with axe: the
footer's pages, changing a password, confirmation steps of administration, withdrawing, a partner's view,
rejecting and an organisation's records in Find."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Sector, Submission
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from app.services.submissions import lifecycle as submissions
from tests import factories
from tests.conftest import sign_in as sign_in_client
from tests.conftest import submit_form
from tests.e2e.helpers import sign_in, visit
from tests.journey import fill_every_page, valid_posts
from tests.records import published


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_the_footer_pages_and_changing_a_password(app, page: Page, live_server):
    for url, title in [
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
    ]:
        visit(page, url)
        expect(heading(page)).to_contain_text(title)
    lead = factories.user(name="Lee Lead", organisation_=factories.organisation("Kent Police"))
    sign_in(page, lead.email)
    visit(page, "/account/password")
    expect(heading(page)).to_contain_text("password")


def test_the_confirmation_and_change_pages_of_administration(app, page: Page, live_server):
    unused = factories.organisation("Dorset Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    closed = factories.organisation("Essex Police")
    closed.active = False
    person = factories.user(name="Lee Lead", organisation_=factories.organisation("Kent Police"))
    gone = factories.user(name="Gail Gone", organisation_=factories.organisation("Surrey Police"))
    gone.active = False
    round_ = rounds.create_round(
        title="Collaboration return 2026",
        opens_at=utcnow() - timedelta(days=1),
        deadline=utcnow() + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")

    for url, title in [
        (f"/admin/organisations/{unused.id}/edit", "Dorset Fire and Rescue Service"),
        (f"/admin/organisations/{unused.id}/delete", "Delete Dorset Fire and Rescue Service"),
        (f"/admin/organisations/{closed.id}/reactivate", "Reactivate Essex Police"),
        (f"/admin/users/{person.id}/deactivate", "Lee Lead"),
        (f"/admin/users/{gone.id}/reactivate", "Gail Gone"),
        (f"/admin/rounds/{round_.id}", "Collaboration return 2026"),
    ]:
        visit(page, url)
        expect(heading(page)).to_contain_text(title)


def test_withdrawing_a_partners_view_rejecting_and_an_organisations_records(app, page: Page, live_server):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    lead = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    partner = factories.user(email="sam@example.org", name="Sam Lead", organisation_=fire)
    reviewer = factories.reviewer(email="rhys@example.org", name="Rhys Reviewer")
    round_ = rounds.create_round(
        title="Collaboration return 2026",
        opens_at=utcnow() - timedelta(days=1),
        deadline=utcnow() + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    client = app.test_client()
    sign_in_client(client, lead.email, factories.PASSWORD)
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    submission_id = int(re.match(r"/projects/(\d+)$", response.headers["Location"]).group(1))
    fill_every_page(client, submission_id, valid_posts(lead_id=police.id, partner_id=fire.id))
    submissions.submit(db.session.get(Submission, submission_id), by=lead)
    published(round_, police, name="Shared estates in Maidstone", summary="Police and fire share a station.")
    db.session.commit()

    sign_in(page, lead.email)
    visit(page, f"/projects/{submission_id}/withdraw")
    expect(heading(page)).to_contain_text("withdraw this project")
    visit(page, f"/find/organisations/{police.id}")
    expect(heading(page)).to_contain_text("Kent Police")
    expect(page.get_by_role("main")).to_contain_text("Shared estates in Maidstone")

    page.context.clear_cookies()
    sign_in(page, partner.email)
    visit(page, f"/projects/partner/{submission_id}")
    expect(page.get_by_role("main")).to_contain_text("Kent Police")

    page.context.clear_cookies()
    sign_in(page, reviewer.email, name="Rhys Reviewer")
    visit(page, f"/review/{submission_id}/reject")
    expect(heading(page)).to_contain_text("rejecting this submission")
