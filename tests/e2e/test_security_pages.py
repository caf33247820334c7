"""Pages changed to make the service safe in production, in a real browser with axe: signing out of every
other session, a common password refused, and the review page naming partners that have not confirmed."""

from __future__ import annotations

import os
from datetime import timedelta

from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Sector
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in as sign_in_client
from tests.conftest import submit_form
from tests.e2e.helpers import assert_accessible, complete_project, expect_page, sign_in, visit

SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder to keep screenshots of these pages in, to look at


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_signing_out_of_every_other_session_from_the_account_page(browser, page: Page, live_server):
    reviewer = factories.reviewer(name="Rhys Reviewer")
    elsewhere_context = browser.new_context(base_url=live_server, bypass_csp=True)
    elsewhere = elsewhere_context.new_page()
    try:
        sign_in(elsewhere, reviewer.email)
        sign_in(page, reviewer.email)
        visit(page, "/account")
        expect(page.get_by_role("heading", name="Signed in elsewhere")).to_be_visible()
        shot(page, "account")

        page.get_by_role("button", name="Sign out of all other sessions").click()

        expect_page(page, "Your account")
        expect(page.get_by_role("alert", name="Success")).to_contain_text(
            "You have been signed out of every other session. You are still signed in here."
        )
        shot(page, "account-signed-out-elsewhere")
        elsewhere.goto("/review")
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Sign in")
        visit(page, "/review")
        expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    finally:
        elsewhere_context.close()


def test_a_common_password_is_refused_with_a_clear_message(page: Page, live_server):
    lead = factories.user(name="Priya Lead")
    sign_in(page, lead.email)
    visit(page, "/account/password")
    page.get_by_label("Current password").fill(factories.PASSWORD)
    page.get_by_label("New password", exact=True).fill("password123456")
    page.get_by_label("Confirm new password").fill("password123456")
    page.get_by_role("button", name="Save password").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Password is one of the most common passwords")
    assert_accessible(page)
    shot(page, "common-password")


def test_reviewers_see_which_partners_have_not_confirmed(app, page: Page, live_server):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    lead = factories.user(email="priya@example.org", organisation_=police)
    factories.user(factories.Role.REVIEWER, email="fern@example.org", name="Fern Fire", organisation_=fire)
    factories.reviewer(email="rhys@example.org", name="Rhys Reviewer")
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    submission_id = complete_project(app, lead.email, lead_organisation_id=police.id, partner_id=fire.id)
    client = app.test_client()
    sign_in_client(client, lead.email, factories.PASSWORD)
    submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})

    sign_in(page, "rhys@example.org")
    visit(page, f"/review/{submission_id}")
    warning = "1 partner has not yet confirmed its part in this project: Kent Fire and Rescue Service"
    expect(page.locator(".govuk-warning-text").first).to_contain_text(warning)
    shot(page, "review-unconfirmed-partner")
    page.get_by_role("button", name="Approve").click()
    expect_page(page, "Are you sure you want to approve this project?")
    expect(page.locator(".govuk-warning-text")).to_contain_text(warning)
    shot(page, "approve-unconfirmed-partner")

    page.context.clear_cookies()
    sign_in(page, "fern@example.org")
    visit(page, f"/review/{submission_id}")
    expect(page.locator(".govuk-warning-text").first).to_contain_text(
        "This submission names your organisation as its lead or as a partner"
    )
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    shot(page, "review-conflict-of-interest")
