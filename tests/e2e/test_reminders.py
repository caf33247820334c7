"""Deadline reminders in a real browser: a lead stops them from the link in a reminder email and turns them
back on from their account; an administrator creates a round, reads its reminder schedule and sends reminders
now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Sector
from app.models.base import utcnow
from app.services.email import outbox, reminders
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.e2e.helpers import assert_accessible, empty_hints, expect_page, fill_sign_in, sign_in, visit
from tests.smtp import text_body

ROUND = "Collaboration return 2026"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


@pytest.fixture
def open_round(app):
    """A round open now whose deadline is 3 days away: its 7 days before reminder has come due."""
    now = utcnow()
    round_ = rounds.create_round(
        title=ROUND,
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=3),
        version=rounds.default_version(),
    )
    db.session.commit()
    return round_


def test_a_lead_stops_reminders_from_the_email_and_turns_them_back_on(app, smtp, page: Page, open_round):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    lead = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)

    assert reminders.run().sent == 1  # the worker's turns: plan and queue the reminder, then send it
    assert outbox.send_due().sent == 1
    [message] = smtp.wait_for(1)
    assert message["To"] == lead.email
    assert message["Subject"].startswith(f"Reminder: {ROUND} is due by ")
    body = text_body(message)
    assert "Kent Police has not told us about any collaboration projects" in body
    assert "To stop getting deadline reminders:" in body
    match = re.search(rf"{re.escape(app.config['BASE_URL'])}/reminders/opt-out/\S+", body)
    assert match, body
    link = match.group(0)
    assert message["List-Unsubscribe"].strip() == f"<{link}>"  # the same link for one-click opt-out

    visit(page, link)  # not signed in: the signed link is enough
    expect(heading(page)).to_have_text("Stop getting deadline reminders")
    expect(page.get_by_role("main")).to_contain_text("We send reminders to priya@example.org")
    page.get_by_role("button", name="Stop reminders").click()
    expect(page.get_by_role("heading", level=1, name="You will not get deadline reminders")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"We will not send deadline reminders to {lead.email}")
    assert_accessible(page)

    assert reminders.send_now(open_round, by=factories.administrator()) == 1
    db.session.commit()
    assert reminders.send_planned().skipped == 1  # opted out: nothing more is sent

    page.get_by_role("link", name="sign in and go to your account").click()
    expect_page(page, "Sign in")
    fill_sign_in(page, lead.email)
    expect_page(page, "Your account")
    main = page.get_by_role("main")
    expect(main).to_contain_text("You do not get deadline reminders. You turned them off on")
    page.get_by_role("button", name="Turn reminders on").click()

    expect_page(page, "Your account")
    expect(page.get_by_role("alert", name="Success")).to_contain_text("You will get deadline reminders")
    expect(main).to_contain_text("We email you before each deadline")
    expect(page.get_by_role("button", name="Turn reminders off")).to_be_visible()
    db.session.refresh(lead)
    assert lead.reminders_opted_out_at is None


def test_an_administrator_creates_a_round_and_fixes_a_mistake_first(app, page: Page, open_round):
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rounds").click()
    expect_page(page, "Rounds")
    table = page.get_by_role("table", name="Rounds, newest first")
    expect(table.get_by_role("row").filter(has_text=ROUND)).to_contain_text("Open")

    page.get_by_role("button", name="Create a round").click()
    expect_page(page, "Create a round")
    year = utcnow().year + 2  # a round that is still to come whenever the test runs
    page.get_by_label("Title").fill(f"Collaboration return {year}")
    opening = page.get_by_role("group", name="Opening date")
    opening.get_by_label("Day").fill("1")
    opening.get_by_label("Month").fill("10")
    opening.get_by_label("Year").fill(str(year))
    deadline = page.get_by_role("group", name="Deadline date")
    deadline.get_by_label("Day").fill("18")
    deadline.get_by_label("Month").fill("9")  # before it opens
    deadline.get_by_label("Year").fill(str(year))
    offsets = page.get_by_label("Send reminders this many days before the deadline")
    expect(offsets).to_have_value("14, 7, 2, 1")
    page.get_by_role("button", name="Save round").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["The deadline must be after the opening time"])
    expect(page.get_by_label("Title")).to_have_value(f"Collaboration return {year}")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(deadline.get_by_label("Day")).to_be_focused()

    deadline.get_by_label("Month").fill("12")
    offsets.fill("14, 7")
    page.get_by_role("button", name="Save round").click()
    expect_page(page, "Rounds")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"Collaboration return {year} has been created"
    )
    row = table.get_by_role("row").filter(has_text=f"Collaboration return {year}")
    expect(row).to_contain_text("Upcoming")
    expect(row).to_contain_text(f"18 December {year}")


def test_an_administrator_reads_the_reminder_schedule_previews_and_sends_now(app, page: Page, open_round):
    for name in ("Kent Police", "Essex Police"):
        factories.user(organisation_=factories.organisation(name, sector=Sector.POLICE))
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")
    visit(page, "/admin/rounds")

    page.get_by_role("link", name=f"Reminders for {ROUND}").click()
    expect_page(page, "Reminders")
    schedule = page.get_by_role("table", name="Schedule")
    expect(schedule.get_by_role("rowheader")).to_have_text(
        ["14 days before", "7 days before", "2 days before", "1 day before"]
    )
    outstanding = page.get_by_role("table", name="Organisations with work outstanding")
    expect(outstanding.get_by_role("row").filter(has_text="Kent Police")).to_contain_text("No return yet")
    expect(page.get_by_role("heading", name="Organisations with work outstanding (2)")).to_be_visible()

    page.get_by_role("link", name="No return made yet").click()
    expect_page(page, "Preview: No return made yet")
    expect(page.get_by_text(f"Subject: Reminder: {ROUND} is due by")).to_be_visible()
    text = page.get_by_role("region", name="Plain text body")
    expect(text).to_contain_text("Dear Alex Example,")
    expect(text).to_contain_text("Example Fire and Rescue Service has not told us about any collaboration")
    html = page.frame_locator("iframe[title='The reminder as HTML']")
    expect(html.get_by_text("Dear Alex Example,")).to_be_visible()
    page.get_by_role("link", name="Back").click()
    expect(heading(page)).to_have_text("Reminders")

    page.get_by_role("button", name="Send reminders now").click()
    expect_page(page, "Send reminders now")
    expect(page.get_by_role("main")).to_contain_text("Leads who opted out will not.")
    page.get_by_role("button", name="Send reminders").click()

    expect_page(page, "Reminders")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Reminders are on their way: 2 leads will be checked and those with work to do emailed"
    )
    manual = schedule.get_by_role("row").filter(has_text="Sent now by an administrator")
    expect(manual.get_by_role("cell").nth(3)).to_have_text("2")  # waiting

    assert reminders.send_planned().sent == 2  # the worker's turn
    db.session.commit()
    visit(page, page.url)
    expect(manual.get_by_role("cell")).to_have_text([re.compile(r"\d{4}"), "2", "0", "0"])


def test_sending_reminders_now_to_one_lead_says_lead(app, page: Page, open_round):
    factories.user(organisation_=factories.organisation("Kent Police", sector=Sector.POLICE))
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")
    visit(page, f"/admin/rounds/{open_round.id}/reminders/send-now")
    page.get_by_role("button", name="Send reminders").click()
    expect_page(page, "Reminders")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Reminders are on their way: 1 lead will be checked"
    )


def test_the_round_form_has_no_empty_hint(app, page: Page):
    admin = factories.administrator()
    sign_in(page, admin.email)
    visit(page, "/admin/rounds/new")
    expect(page.get_by_role("checkbox", name="Also email leads with work outstanding")).to_be_visible()
    assert empty_hints(page) == []
