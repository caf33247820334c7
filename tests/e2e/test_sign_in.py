"""Signing in and out in a real browser: with a mouse, with the keyboard only, without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.helpers import assert_accessible, fill_sign_in, sign_in, sign_out, visit


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_administrator_signs_in_from_the_start_page_and_signs_out(app, page: Page, live_server):
    admin = factories.administrator(name="Ada Administrator")

    visit(page, "/")
    expect(heading(page)).to_have_text("Emergency services collaboration returns")
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)

    fill_sign_in(page, admin.email)
    expect(page).to_have_url(f"{live_server}/")
    expect(heading(page)).to_have_text("Welcome, Ada Administrator")
    menu = page.get_by_role("navigation", name="Menu")
    for item in ("Home", "Users", "Emails", "Your account"):
        expect(menu.get_by_role("link", name=item)).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    expect(page.get_by_text("Anything you saved is kept.")).to_be_visible()
    visit(page, "/")
    expect(heading(page)).to_have_text("Emergency services collaboration returns")
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)


def test_a_wrong_password_is_refused_with_an_error_summary_that_takes_focus(app, page: Page):
    admin = factories.administrator()

    visit(page, "/sign-in")
    fill_sign_in(page, admin.email, "not-the-right-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Enter a correct email address and password"])
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    email = page.get_by_label("Email address")
    expect(email).to_have_value(admin.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.locator("#email-error")).to_have_text("Error: Enter a correct email address and password")
    expect(heading(page)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)

    summary.get_by_role("link").click()
    expect(email).to_be_focused()

    visit(page, "/")  # still signed out: the start page, not the home page
    expect(heading(page)).to_have_text("Emergency services collaboration returns")


def test_signing_in_with_the_keyboard_only(app, page: Page):
    reviewer = factories.reviewer(name="Rhys Reviewer")
    visit(page, "/sign-in")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # visually hidden until focused
    assert_accessible(page)

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(reviewer.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Welcome, Rhys Reviewer")
    assert_accessible(page)


def test_signing_in_and_out_without_javascript(app, page_without_javascript: Page):
    page = page_without_javascript
    lead = factories.user(name="Lee Lead", organisation_=factories.organisation("Essex Police"))

    visit(page, "/sign-in")
    expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))
    # GOV.UK Frontend only shows the "Show password" button when its script runs.
    expect(page.get_by_role("button", name="Show password")).to_have_count(0)

    fill_sign_in(page, lead.email)
    expect(heading(page)).to_have_text("Your collaboration projects")  # a lead's home
    expect(page.get_by_role("main").get_by_text("Essex Police", exact=True)).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)  # the timeout warning needs JavaScript
    assert_accessible(page)

    sign_out(page)


def test_an_unknown_address_shows_page_not_found(app, page: Page):
    visit(page, "/no-such-page", status=404)
    expect(heading(page)).to_have_text("Page not found")
    expect(page).to_have_title(re.compile(r"^Page not found – "))  # noqa: RUF001 (the page's own dash)
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()


def test_a_page_for_another_role_says_so(app, page: Page):
    reviewer = factories.reviewer()
    sign_in(page, reviewer.email)

    visit(page, "/admin/users", status=403)
    expect(heading(page)).to_have_text("You do not have permission to see this page")


def test_the_timeout_warning_lets_a_person_stay_signed_in(app, page: Page):
    # The warning shows as soon as a page loads: the whole idle time is the warning time.
    app.config.update(SESSION_IDLE_MINUTES=1, SESSION_WARNING_MINUTES=1)
    admin = factories.administrator(name="Ada Administrator")
    page.clock.install()  # time runs as usual until the test pauses it

    visit(page, "/sign-in")
    fill_sign_in(page, admin.email)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")  # noqa: RUF001 (its apostrophe)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 1 minute")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_visible()
    assert_accessible(page)

    # With the warning as long as the idle time, the script would show the warning again at once; stop the
    # page's clock so that the test can see the dialog close.
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)  # Unix time in seconds
    with page.expect_response("**/session/keep-alive") as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 200
    # The answer is Cache-Control: no-store, so the browser keeps no copy for Playwright to read (asking for
    # its body waits for ever); the dialog closing shows that the page's script read {"signed_in": true}.
    assert keep_alive.value.headers["content-type"] == "application/json"
    assert keep_alive.value.headers["cache-control"] == "no-store"
    expect(dialog).to_be_hidden()
    expect(heading(page)).to_have_text("Welcome, Ada Administrator")

    page.clock.resume()
    visit(page, "/account")
    expect(heading(page)).to_have_text("Your account")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()


def _age_session(page: Page, app, seconds: int) -> None:
    """Make the server see the browser's session as idle for `seconds` longer, as after a laptop sleeps."""
    # A request still in flight (the page's fonts, say) would set a fresh cookie over the aged one.
    page.wait_for_load_state("networkidle")
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = next(c for c in page.context.cookies() if c["name"] == app.config["SESSION_COOKIE_NAME"])
    data = serializer.loads(cookie["value"])
    data["last_seen"] -= seconds
    page.context.add_cookies([{**cookie, "value": serializer.dumps(data)}])


def test_staying_signed_in_after_the_session_ended_goes_to_the_sign_in_page(app, page: Page):
    app.config.update(SESSION_IDLE_MINUTES=1, SESSION_WARNING_MINUTES=1)
    admin = factories.administrator()
    page.clock.install()
    visit(page, "/sign-in")
    fill_sign_in(page, admin.email)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")  # noqa: RUF001 (its apostrophe)
    expect(dialog).to_be_visible()
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)  # as above: keep it from reopening

    _age_session(page, app, 120)  # the server has ended the session meanwhile
    dialog.get_by_role("button", name="Stay signed in").click()

    expect(page).to_have_url(re.compile(r"/sign-in"), timeout=3000)
    expect(heading(page)).to_have_text("Sign in")
    page.clock.resume()
    assert_accessible(page)
