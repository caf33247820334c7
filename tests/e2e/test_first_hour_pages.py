"""The pages a new lead meets beyond the questionnaire itself, in Chromium with axe, with and without
JavaScript: help and feedback, answers saved with problems, check your answers with a rule broken, a submitted
project's read-only pages, deleting a draft, and smaller things (dates, "Something else", "Nothing got in the
way")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Sector, Submission
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.e2e.helpers import assert_accessible, complete_project, expect_page, sign_in, visit


@pytest.fixture
def lead(app):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    user = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2027",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    return {"user": user, "police": police, "fire": fire}


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def browser_page(request, page, page_without_javascript):
    return page if request.param == "with JavaScript" else page_without_javascript


def test_help_and_feedback(app, browser_page: Page, lead):
    page = browser_page
    sign_in(page, lead["user"].email)
    page.locator("footer").get_by_role("link", name="Help").click()
    expect_page(page, "Get help")
    page.get_by_role("link", name="Send us a message").first.click()
    expect_page(page, "Send us a message")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what you would like to tell us")
    assert_accessible(page)
    page.get_by_label("What would you like to tell us?").fill("I could not find the partner list.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message sent")
    assert_accessible(page)


def test_saved_with_problems_then_check_answers_then_read_only_pages(app, browser_page: Page, lead):
    page = browser_page
    sign_in(page, lead["user"].email)
    page.get_by_role("button", name="Start a project").click()
    expect_page(page, "Untitled project")
    draft = int(page.url.rsplit("/", 1)[1])
    visit(page, f"/projects/{draft}/cost")
    page.get_by_label("How much has the project cost?").fill("lots")
    page.get_by_role("button", name="Save and come back later").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(
        "Your answers have been saved. 1 answer needs attention before you can submit"
    )
    assert_accessible(page)
    banner.get_by_role("link", name="Cost").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Cost must be an amount of money")
    assert_accessible(page)

    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("link", name="Delete this draft").click()
    expect_page(page, "Are you sure you want to delete this draft?")
    page.get_by_role("button", name="Delete draft").click()
    expect_page(page, "Your collaboration projects")
    assert db.session.get(Submission, draft) is None

    submitted = complete_project(
        app, lead["user"].email, lead_organisation_id=lead["police"].id, partner_id=lead["fire"].id
    )
    visit(page, f"/projects/{submitted}/stage")
    page.get_by_role("radio", name="Idea").check()
    page.get_by_role("button", name="Save and continue").click()
    visit(page, f"/projects/{submitted}/check-your-answers")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A project at the idea stage cannot have been evaluated yet"
    )
    expect(page.get_by_role("button", name="Submit project")).to_have_count(0)
    page.locator(".govuk-error-summary").get_by_role("link", name="Evaluated").click()
    page.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Submit project").click()
    expect(page.get_by_role("heading", level=1, name="Project submitted")).to_be_visible()

    visit(page, f"/projects/{submitted}/project_name")
    expect(
        page.get_by_text("This project has been submitted, so its answers cannot be changed now.")
    ).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)

    # Smaller things a new lead met: a month of 13 with a year of 19, "Something else" with a box to say
    # what, and "Nothing got in the way" with another reason.
    visit(page, "/projects")
    page.get_by_role("button", name="Start a new project").click()
    expect_page(page, "Untitled project")
    draft = int(page.url.rsplit("/", 1)[1])
    visit(page, f"/projects/{draft}/dates")
    started = page.get_by_role("group", name="When did the project start?")
    started.get_by_label("Month").fill("13")
    started.get_by_label("Year").fill("19")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        ["Start date must be a real date, with a year of 4 numbers"]
    )
    for part in ("Month", "Year"):
        expect(started.get_by_label(part)).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    assert_accessible(page)

    visit(page, f"/projects/{draft}/enablers")
    page.get_by_role("checkbox", name="Something else").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(summary.get_by_role("link")).to_have_text(["Enter what else helped the project"])
    assert_accessible(page)
    page.get_by_label("What else helped the project?").fill("A shared budget")
    page.get_by_role("button", name="Save and continue").click()
    expect_page(page, "Tell us more about what helped")

    visit(page, f"/projects/{draft}/barriers")
    funding = page.get_by_role("checkbox", name="Not enough funding")
    funding.check()
    page.get_by_role("checkbox", name="Nothing got in the way").check()
    if page.locator("body.govuk-frontend-supported").count():  # GOV.UK Frontend's script has run
        expect(funding).not_to_be_checked()  # GOV.UK's script unticks the others
    else:
        page.get_by_role("button", name="Save and continue").click()
        expect(summary.get_by_role("link")).to_have_text(
            ["Select either 'Nothing got in the way' or what got in the way, not both"]
        )
        assert_accessible(page)
