"""Two-factor authentication in a real browser: set up with the key read off the page, sign out, sign in with
the password and a code, use a recovery code, and an administrator's reset. Every new page is checked with
axe."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.helpers import (
    assert_accessible,
    enter_code,
    expect_page,
    fill_sign_in,
    next_code,
    sign_in,
    sign_out,
    summary_value,
    visit,
)


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_reviewer_sets_it_up_then_signs_in_with_a_code(app, page: Page, live_server):
    reviewer = factories.reviewer(name="Rhys Reviewer")
    sign_in(page, reviewer.email, name="Rhys Reviewer")

    visit(page, "/account")
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect_page(page, "Set up two-factor authentication")
    qr = page.get_by_role("img", name=re.compile("QR code for adding"))
    expect(qr).to_be_visible()
    assert qr.evaluate("(image) => image.naturalWidth") > 100  # the SVG drew
    key = summary_value(page, "Setup key").inner_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)
    secret = key.replace(" ", "")

    # A mistyped code first.
    page.get_by_label("Code").fill("12345")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["The code must be 6 digits"])
    expect(page).to_have_title(re.compile(r"^Error: Set up two-factor authentication"))
    assert_accessible(page)
    # The key stays the same while the person corrects the code.
    expect(summary_value(page, "Setup key")).to_have_text(key)

    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect_page(page, "Two-factor authentication is on")
    codes = page.locator(".app-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect_page(page, "Your account")
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()

    sign_out(page)
    visit(page, "/sign-in")
    fill_sign_in(page, reviewer.email)
    expect_page(page, "Enter the code from your authenticator app")
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)  # not signed in yet

    page.get_by_label("Code").fill("000000" if next_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["The code is not correct or has expired"])
    expect(summary).to_be_focused()
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Code")).to_be_focused()

    enter_code(page, secret)
    expect_page(page, "Welcome, Rhys Reviewer")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()


def test_signing_in_with_a_recovery_code_and_managing_codes(app, page: Page):
    lead = factories.user(name="Lee Lead")
    secret, codes = factories.with_two_factor(lead)

    visit(page, "/sign-in")
    fill_sign_in(page, lead.email)
    expect_page(page, "Enter the code from your authenticator app")
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect_page(page, "Enter a recovery code")
    page.get_by_label("Recovery code").fill(codes[0].upper())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You have 9 recovery codes left.")).to_be_visible()
    assert_accessible(page)

    visit(page, "/account")
    expect(page.get_by_text("You have 9 unused recovery codes.")).to_be_visible()
    page.get_by_role("button", name="Get new recovery codes").click()
    expect_page(page, "Get new recovery codes")
    page.get_by_label("Code").fill(next_code(secret))
    page.get_by_role("button", name="Get new recovery codes").click()
    expect_page(page, "Your new recovery codes")
    assert len(page.locator(".app-recovery-codes code").all_inner_texts()) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()

    expect_page(page, "Your account")
    page.get_by_role("link", name="Turn off two-factor authentication").click()
    expect_page(page, "Turn off two-factor authentication")
    page.get_by_label("Code").fill("000000" if next_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Turn off two-factor authentication").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
        ["The code is not correct or has expired"]
    )
    assert_accessible(page)


def test_require_2fa_sends_an_administrator_to_set_it_up_and_another_resets_it(app, page: Page):
    app.config["REQUIRE_2FA"] = True
    first = factories.administrator(name="Ada Administrator")
    secret, _ = factories.with_two_factor(first)
    second = factories.administrator(name="Bo Boss")

    visit(page, "/sign-in")
    fill_sign_in(page, second.email)
    expect_page(page, "Set up two-factor authentication")
    expect(page.get_by_text("Administrators must sign in with a code")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_count(0)
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Back")).to_have_count(0)
    page.goto("/admin/users")
    expect_page(page, "Set up two-factor authentication")
    sign_out(page)

    sign_in(page, first.email, secret=secret, name="Ada Administrator")
    visit(page, "/admin/users")
    row = page.get_by_role("row").filter(has_text=second.email)
    expect(row.get_by_role("cell").last).to_have_text("Off")
    own_row = page.get_by_role("row").filter(has_text=first.email)
    expect(own_row.get_by_role("link", name=re.compile("Reset"))).to_have_count(0)

    # Bo sets it up later; Ada resets it when Bo loses the phone.
    factories.with_two_factor(second)
    visit(page, "/admin/users")
    page.get_by_role("link", name="Reset two-factor authentication for Bo Boss").click()
    expect_page(page, "Are you sure you want to reset two-factor authentication for Bo Boss?")
    expect(page.get_by_text("they must set up two-factor authentication again")).to_be_visible()
    page.get_by_role("button", name="Reset two-factor authentication").click()
    expect_page(page, "Users")
    expect(page.get_by_text("Two-factor authentication reset for Bo Boss.")).to_be_visible()


def test_signing_in_with_a_code_without_javascript(app, page_without_javascript: Page):
    page = page_without_javascript
    admin = factories.administrator(name="Ada Administrator")
    secret, _ = factories.with_two_factor(admin)
    sign_in(page, admin.email, secret=secret, name="Ada Administrator")
