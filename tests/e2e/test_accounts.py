"""Accounts by email: resetting a forgotten password, and an administrator inviting a collaboration lead."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.services.email import outbox
from tests import factories
from tests.e2e.helpers import assert_accessible, fill_sign_in, sign_in, sign_out, visit
from tests.smtp import text_body

NEW_PASSWORD = "staple-lantern-orbit-42"
SERVICE_NAME = "Emergency services collaboration returns"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def choose_password(page: Page, password: str) -> None:
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Confirm new password", exact=True).fill(password)
    page.get_by_role("button", name="Save password").click()
    expect(heading(page)).to_have_text("Sign in")
    banner = page.get_by_role("alert", name="Success")
    expect(banner).to_contain_text("Your password has been saved. Sign in with your new password.")
    assert_accessible(page)


def link_in(text: str, base_url: str, path: str) -> str:
    match = re.search(rf"{re.escape(base_url)}/{path}/\S+", text)
    assert match, f"No {path} link to {base_url} in:\n{text}"
    return match.group(0)


def test_a_forgotten_password_is_reset_with_the_emailed_link(app, smtp, page: Page, live_server):
    reviewer = factories.reviewer(name="Rhys Reviewer")

    visit(page, "/sign-in")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect(heading(page)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_label("Email address").fill(reviewer.email)
    page.get_by_role("button", name="Send a link to reset my password").click()
    expect(heading(page)).to_have_text("Check your email")
    expect(page.get_by_role("main")).to_contain_text(f"If {reviewer.email} has an account")
    assert_accessible(page)

    assert outbox.send_due().sent == 1  # the worker's turn
    [message] = smtp.wait_for(1)
    assert message["To"] == reviewer.email
    assert message["Subject"] == f"Reset your password for {SERVICE_NAME}"
    link = link_in(text_body(message), live_server, "reset-password")

    visit(page, link)
    expect(heading(page)).to_have_text("Choose a new password")
    expect(page.get_by_text(f"For {reviewer.email}.")).to_be_visible()
    choose_password(page, NEW_PASSWORD)

    fill_sign_in(page, reviewer.email, NEW_PASSWORD)
    expect(heading(page)).to_have_text("Welcome, Rhys Reviewer")
    assert_accessible(page)

    assert outbox.send_due().sent == 1
    assert smtp.wait_for(2)[1]["Subject"] == "Your password has been changed"

    visit(page, link, status=410)
    expect(heading(page)).to_have_text("This link has already been used")
    expect(page.get_by_role("link", name="Ask for a new link to reset your password")).to_be_visible()


def test_an_administrator_invites_a_collaboration_lead_who_then_signs_in(app, page: Page, live_server):
    # No mail server is configured: the invitation is read on the Emails page.
    kent = factories.organisation("Kent Fire and Rescue Service")
    factories.organisation("Essex Police")
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")
    menu = page.get_by_role("navigation", name="Menu")

    menu.get_by_role("link", name="Users").click()
    expect(heading(page)).to_have_text("Users")
    assert_accessible(page)
    page.get_by_role("button", name="Invite someone").click()
    expect(heading(page)).to_have_text("Invite someone")
    assert_accessible(page)

    page.get_by_label("Full name").fill("Lee Lead")
    page.get_by_label("Email address").fill("Lee.Lead@example.org")
    page.get_by_role("radio", name="Collaboration lead").check()
    page.get_by_label("Organisation").select_option(label="Kent Fire and Rescue Service")
    page.get_by_role("button", name="Send invitation").click()

    expect(heading(page)).to_have_text("Users")
    success = page.get_by_role("alert", name="Success")
    expect(success).to_contain_text("Invitation sent to lee.lead@example.org")
    row = page.get_by_role("row").filter(has_text="Lee Lead")
    expect(row).to_contain_text("lee.lead@example.org")
    expect(row).to_contain_text("Collaboration lead")
    expect(row).to_contain_text(kent.name)
    expect(row).to_contain_text("Invited")
    expect(row.get_by_role("button", name="Resend invitation to Lee Lead")).to_be_visible()
    assert_accessible(page)

    assert outbox.send_due().not_delivered == 1  # the worker's turn

    menu.get_by_role("link", name="Emails").click()
    expect(heading(page)).to_have_text("Emails")
    expect(page.get_by_text("No mail server is configured")).to_be_visible()
    subject = f"You have been invited to {SERVICE_NAME}"
    row = page.get_by_role("row").filter(has_text="lee.lead@example.org")
    expect(row).to_contain_text(subject)
    expect(row).to_contain_text("Not delivered")
    assert_accessible(page)

    row.get_by_role("link", name=subject).click()
    expect(heading(page)).to_have_text(subject)
    expect(page.get_by_role("main")).to_contain_text("Not delivered")
    body = page.get_by_role("region", name="Plain text body")
    expect(body).to_contain_text("Dear Lee Lead,")
    expect(body).to_contain_text(
        f"Ada Administrator has invited you to {SERVICE_NAME} as a collaboration lead for {kent.name}."
    )
    link = link_in(body.inner_text(), live_server, "invitation")
    html = page.frame_locator("iframe[title='The email as HTML']")
    expect(html.get_by_role("link", name="Create your password")).to_have_attribute("href", link)
    assert_accessible(page)

    sign_out(page)

    visit(page, link)
    expect(heading(page)).to_have_text("Create your password")
    expect(page.get_by_role("main")).to_contain_text(
        "Welcome, Lee Lead. You will sign in with lee.lead@example.org"
        f" as collaboration lead for {kent.name}."
    )
    choose_password(page, NEW_PASSWORD)

    fill_sign_in(page, "lee.lead@example.org", NEW_PASSWORD)
    # A lead's home is their organisation's projects.
    expect(heading(page)).to_have_text("Your collaboration projects")
    expect(page.get_by_role("main").get_by_text(kent.name, exact=True)).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Your projects")).to_be_visible()
    expect(menu.get_by_role("link", name="Users")).to_have_count(0)
    assert_accessible(page)
