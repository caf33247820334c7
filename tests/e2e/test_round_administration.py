"""Round administration in a real browser: an administrator opens a round, extends the deadline for one
organisation and follows the round's progress; checks a questionnaire upload with mistakes, previews every
page of a version and starts a copy. Every page is checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.forms.questionnaire import page_heading
from app.models import DeadlineExtension, Sector
from app.models.base import utcnow
from app.questionnaires.loader import default_questionnaire
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.e2e.helpers import assert_accessible, empty_hints, expect_page, sign_in, visit

ROUND = "Collaboration return 2027"
BAD_DEFINITION = """\
id: collaboration
version: "2027.1"
title: A questionnaire with mistakes
declaration: I confirm it is right.
sections:
  - id: about
    title: About the project
    pages:
      - id: name
        title: What is it called?
        questions:
          - id: project_name
            type: txt
            label: What is it called?
          - id: summary
            type: long_text
"""


@pytest.fixture
def upcoming_round(app):
    now = utcnow()
    round_ = rounds.create_round(
        title=ROUND,
        opens_at=now + timedelta(days=7),
        deadline=now + timedelta(days=60),
        version=rounds.default_version(),
    )
    db.session.commit()
    return round_


def test_an_administrator_opens_a_round_extends_a_deadline_and_follows_progress(
    app, page: Page, upcoming_round
):
    kent = factories.organisation("Kent Police", sector=Sector.POLICE)
    factories.organisation("Essex Police", sector=Sector.POLICE)
    factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rounds").click()
    expect_page(page, "Rounds")
    page.get_by_role("link", name=f"Open {ROUND} now").click()
    expect_page(page, "Open the round now")
    expect(page.get_by_role("main")).to_contain_text(
        "Collaboration leads can start, save and submit projects"
    )
    page.get_by_role("button", name="Open the round now").click()
    expect_page(page, "Rounds")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"{ROUND} is now open")
    row = page.get_by_role("table", name="Rounds, newest first").get_by_role("row").filter(has_text=ROUND)
    expect(row).to_contain_text("Open")

    # Closing asks first; the administrator looks and cancels.
    page.get_by_role("link", name=f"Close {ROUND} now").click()
    expect_page(page, "Close the round now")
    expect(page.get_by_role("main")).to_contain_text("No organisation has an extended deadline")
    page.get_by_role("link", name="Cancel").click()
    expect_page(page, "Rounds")

    page.get_by_role("link", name=f"Extensions for {ROUND}").click()
    expect_page(page, "Deadline extensions")
    assert empty_hints(page) == []
    page.get_by_role("button", name="Extend the deadline").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Select at least one organisation",
            "Enter the new deadline date",
            "Enter why the deadline is being extended",
        ]
    )
    assert_accessible(page)
    summary.get_by_role("link", name="Select at least one organisation").click()
    # The first box of the first sector, its group opened for the error.
    expect(page.get_by_role("checkbox", name="Kent Fire and Rescue Service")).to_be_focused()
    page.locator("summary", has_text="Police").click()  # open the police group

    page.get_by_role("checkbox", name="Kent Police").check()
    year = (utcnow() + timedelta(days=90)).year
    when = page.get_by_role("group", name="New deadline date")
    when.get_by_label("Day").fill("15")
    when.get_by_label("Month").fill("3")
    when.get_by_label("Year").fill(str(year + 1))
    page.get_by_label("New deadline time").fill("5pm")
    page.get_by_label("Why do they get more time?").fill("Cyber incident")
    page.get_by_role("button", name="Extend the deadline").click()
    expect_page(page, "Deadline extensions")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "The deadline for 1 organisation is now 5pm on"
    )
    extensions = page.get_by_role("table", name="Extensions (1)")
    expect(extensions.get_by_role("row").filter(has_text="Kent Police")).to_contain_text("Cyber incident")
    [extension] = db.session.scalars(select(DeadlineExtension)).all()
    assert extension.organisation_id == kent.id

    # Removing one asks first too; the administrator keeps it.
    page.get_by_role("link", name="Remove the extension for Kent Police").click()
    expect_page(page, "Remove the extension for Kent Police")
    page.get_by_role("link", name="Cancel").click()
    expect_page(page, "Deadline extensions")

    page.get_by_role("link", name="Rounds").first.click()
    expect_page(page, "Rounds")
    page.get_by_role("link", name=f"Progress of {ROUND}").click()
    expect_page(page, f"Progress of {ROUND}")
    states = page.get_by_role("navigation", name="Filter organisations by state")
    expect(states).to_contain_text("Not started: 3")
    expect(states).to_contain_text("Submitted: 0")
    table = page.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="Kent Police")).to_contain_text("5pm on")
    page.get_by_label("Sector").select_option(label="Fire and rescue")
    page.get_by_role("button", name="Apply filters").click()
    expect_page(page, f"Progress of {ROUND}")
    expect(page.get_by_role("heading", name="Fire and rescue organisations (1)")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)  # the heading row and one
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "Kent Fire and Rescue Service,Fire and rescue,Not started" in text
    assert "Kent Police" not in text


def test_an_administrator_checks_an_upload_previews_a_version_and_copies_it(app, page: Page, upcoming_round):
    factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")
    visit(page, "/admin/rounds")
    page.get_by_role("link", name="Questionnaire versions").click()
    expect_page(page, "Questionnaire versions")
    row = page.get_by_role("row").filter(has_text="collaboration/2026.1")
    expect(row).to_contain_text("In use: cannot change")
    expect(row).to_contain_text(ROUND)

    page.get_by_role("button", name="Add a version").click()
    expect_page(page, "Add a questionnaire version")
    assert empty_hints(page) == []
    page.get_by_label("Or paste the definition").fill(BAD_DEFINITION)
    page.get_by_role("button", name="Check and save version").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            re.compile(r"^Line 13: Unknown question type 'txt'. Use one of: text, long_text"),
            "Line 15: Question 'summary' is missing 'label'",
        ]
    )
    expect(page).to_have_title(re.compile(r"^Error: Add a questionnaire version "))
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Or paste the definition")).to_be_focused()

    # Every page of the version in preview, one after another with Next.
    visit(page, "/admin/questionnaires")
    page.get_by_role("link", name="Preview collaboration/2026.1").click()
    pages = default_questionnaire().pages
    for number in range(1, len(pages) + 1):
        expect(page.get_by_role("main")).to_contain_text(f"page {number} of {len(pages)}")
        expect(page.get_by_role("button", name="Save and continue")).to_be_disabled()
        assert_accessible(page)
        if number < len(pages):
            page.get_by_role("navigation", name="Preview pages").get_by_role("link", name="Next").click()
        else:
            expect(page.get_by_role("link", name="Next")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(page_heading(pages[-1]))

    visit(page, "/admin/questionnaires")
    page.get_by_role("link", name="Copy as the next version of collaboration/2026.1").click()
    expect_page(page, "Copy collaboration/2026.1")
    expect(page.get_by_label("Or paste the definition")).to_contain_text('version: "2026.2"')
    with page.expect_download() as download:
        page.get_by_role("link", name="download the copy").click()
    assert download.value.suggested_filename == "collaboration-2026.2.yaml"
    page.get_by_role("button", name="Check and save version").click()
    expect_page(page, "Questionnaire versions")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Version collaboration/2026.2 has been added"
    )
    expect(page.get_by_role("row").filter(has_text="collaboration/2026.2")).to_contain_text("Not used yet")


def test_deadlines_are_extended_without_javascript(app, page_without_javascript: Page, upcoming_round):
    page = page_without_javascript
    factories.organisation("Kent Police", sector=Sector.POLICE)
    admin = factories.administrator(name="Ada Administrator")
    visit(page, "/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    visit(page, f"/admin/rounds/{upcoming_round.id}/extensions")
    page.locator("summary", has_text="Police").click()
    page.get_by_role("checkbox", name="Kent Police").check()
    when = page.get_by_role("group", name="New deadline date")
    when.get_by_label("Day").fill("1")
    when.get_by_label("Month").fill("6")
    when.get_by_label("Year").fill(str(utcnow().year + 2))
    page.get_by_label("Why do they get more time?").fill("Flooding")
    page.get_by_role("button", name="Extend the deadline").click()
    expect_page(page, "Deadline extensions")
    expect(page.get_by_role("table", name="Extensions (1)")).to_contain_text("11:59pm on")
