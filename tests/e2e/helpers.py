"""What the browser tests do again and again: check a page with axe, open a page, sign in and out."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.people import two_factor
from tests.factories import PASSWORD

AXE_JS = Path(__file__).resolve().parent / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# The one allowed exception. GOV.UK Frontend's radios and checkboxes script sets aria-expanded on an input
# that reveals conditional content (it marks such inputs with data-aria-controls), and axe reports
# aria-allowed-attr for it. GOV.UK keeps this on purpose (govuk-frontend issue 979). Only that rule, only on
# those inputs, and only when aria-expanded is the sole attribute axe objects to, is ignored; nothing else is.
_START_AXE = """
(tags) => {
  // The one allowed exception, as described above.
  const isConditionalReveal = (node) => {
    if (node.target.length !== 1) return false;
    const element = document.querySelector(node.target[0]);
    if (!element || !element.matches(
      'input[type="radio"][data-aria-controls], input[type="checkbox"][data-aria-controls]'
    )) return false;
    const attributes = node.any.concat(node.all, node.none).flatMap((check) => check.data || []);
    return attributes.length > 0 && attributes.every((item) => String(item).startsWith("aria-expanded"));
  };
  const left = (results) => results.violations
    .map((violation) => violation.id !== "aria-allowed-attr" ? violation
      : {...violation, nodes: violation.nodes.filter((node) => !isConditionalReveal(node))})
    .filter((violation) => violation.nodes.length > 0)
    .map((violation) => ({
      id: violation.id,
      help: violation.help,
      impact: violation.impact,
      nodes: violation.nodes.map((node) => ({target: node.target, summary: node.failureSummary})),
    }));
  window.__e2eAxe = undefined;
  axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}).then(
    (results) => { window.__e2eAxe = {violations: left(results)}; },
    (error) => { window.__e2eAxe = {error: String(error)}; },
  );
}
"""
# axe waits on the page's timers; polling from Playwright (whose timers a paused page clock does not stop)
# turns a run that cannot finish into a clear failure instead of a hang.
AXE_TIMEOUT_MS = 15_000
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)


def _axe_loaded(page: Page) -> bool:
    return page.evaluate("() => typeof window.axe === 'object'")


def _run_axe(page: Page) -> list[dict]:
    page.evaluate(_START_AXE, AXE_TAGS)
    try:
        outcome = page.wait_for_function("() => window.__e2eAxe", timeout=AXE_TIMEOUT_MS).json_value()
    except PlaywrightTimeoutError:
        pytest.fail(f"axe did not finish on {page.url} (is the page's clock paused?)", pytrace=False)
    if "error" in outcome:
        pytest.fail(f"axe failed on {page.url}: {outcome['error']}", pytrace=False)
    return outcome["violations"]


# One checking page per browser, kept for the session and parked at the live server's address: a context
# for every check cost more than the check (the no-JavaScript walk of the whole questionnaire took 80 s, most
# of it in opening contexts and reloading the styles), and loading each document through an intercepted
# request cost more again (every style sheet, font and image passed through Playwright: 0.64 s a check, now
# 0.25 s).
_CHECKERS: dict[int, Page] = {}


def _checker(browser, origin: str) -> Page:
    """The browser's checking page, with JavaScript, at `origin` (where the documents' styles are)."""
    checker = _CHECKERS.get(id(browser))
    if checker is None or checker.is_closed():
        checker = _CHECKERS[id(browser)] = browser.new_context(bypass_csp=True).new_page()
    if not checker.url.startswith(origin + "/"):
        checker.goto(origin + "/health")
    return checker


def _violations_without_javascript(page: Page) -> list[dict]:
    """axe cannot run where scripts are off, so check the very same document in a page where they are on.

    The document as the JavaScript-free browser has it (its scripts never ran), without its script elements,
    becomes the content of a second page with JavaScript at the same address's origin, the same size as the
    first (a phone's page is checked as a phone shows it); styles and images load from there as usual.
    """
    address = urlsplit(page.url)
    checker = _checker(page.context.browser, f"{address.scheme}://{address.netloc}")
    if page.viewport_size and checker.viewport_size != page.viewport_size:
        checker.set_viewport_size(page.viewport_size)
    checker.set_content(_SCRIPT.sub("", page.content()))
    if not _axe_loaded(checker):
        checker.add_script_tag(path=str(AXE_JS))
    return _run_axe(checker)


def axe_violations(page: Page) -> list[dict]:
    """Run axe on the page as it is now; return the violations left after the one documented exception."""
    if _axe_loaded(page):  # pages with JavaScript have axe from the start (see _new_page in conftest.py)
        return _run_axe(page)
    # GOV.UK's template marks the body js-enabled from a script: without it, scripts are off in this page.
    if not page.evaluate("() => document.body.classList.contains('js-enabled')"):
        return _violations_without_javascript(page)
    page.add_script_tag(path=str(AXE_JS))
    return _run_axe(page)


# Documents axe found nothing on in this session, by what its result depends on: the document as the
# browser has it (scripts that ran have changed it, from the body's js-enabled class on) and the viewport; the
# styles are the same files all session. Form tokens change with every page view and are left out. The same
# document again (the sign-in page, a task list in the same state) is not checked again.
_PASSED: set[str] = set()
_FORM_TOKEN = re.compile(r'"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}"')


def _document_key(page: Page) -> str:
    document = _FORM_TOKEN.sub('""', page.content())
    return hashlib.sha256(f"{page.viewport_size}|{document}".encode()).hexdigest()


def assert_accessible(page: Page) -> None:
    """Fail listing every axe violation (id, help, where) on the page as it is now."""
    key = _document_key(page)
    if key in _PASSED:
        return
    violations = axe_violations(page)
    if not violations:
        _PASSED.add(key)
    if violations:
        lines = [f"axe found {len(violations)} accessibility problem(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    at {json.dumps(node['target'])}: {node['summary']}")
        pytest.fail("\n".join(lines), pytrace=False)


def visit(page: Page, url: str, *, status: int = 200):
    """Open a page, check its HTTP status and check it with axe."""
    response = page.goto(url)
    assert response is not None, f"No response for {url}"
    assert response.status == status, f"{url} answered {response.status}, expected {status}"
    assert_accessible(page)
    return response


def fill_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    # exact: the "Show password" button's name contains "password" too.
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def next_code(secret: str) -> str:
    """The code the person's authenticator app shows now; or, when this 30-second step's code was used
    already (the service refuses a replay), the next step's, which the service accepts too (it allows one step
    of drift either way). Either stays accepted if the clock moves into the next step before it is checked."""
    with db.engine.connect() as connection:  # committed by the live server: read on a connection of its own
        used = connection.scalar(select(User.totp_last_step).where(User.totp_secret == secret))
    step = int(time.time() // two_factor.STEP_SECONDS)
    if used is not None and used >= step:
        if used > step:  # the next step's code is used too: wait for the step after it to begin
            time.sleep((used * two_factor.STEP_SECONDS) - time.time() + 0.05)
        step = used + 1
    return pyotp.TOTP(secret).at(step * two_factor.STEP_SECONDS)


def enter_code(page: Page, secret: str) -> None:
    """On the page asking for the authenticator app's code: check it with axe, type the code, continue."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)
    page.get_by_label("Code").fill(next_code(secret))
    page.get_by_role("button", name="Continue").click()


def sign_in(
    page: Page, email: str, password: str = PASSWORD, *, name: str | None = None, secret: str | None = None
) -> None:
    """Sign in from the sign-in page and check the home page greets the person. With `secret`, the person uses
    two-factor authentication: the code their app would show is entered after the password."""
    visit(page, "/sign-in")
    fill_sign_in(page, email, password)
    if secret:
        enter_code(page, secret)
    if name:
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {name}")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)


def tab_to(page: Page, target, *, backwards: bool = False, limit: int = 40) -> None:
    """Press Tab (Shift+Tab when `backwards`) until the `target` locator has the focus, as a keyboard user
    would; fail if it is not reached within `limit` presses."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("(element) => element === document.activeElement"):
            return
    pytest.fail(f"{target} not reached with {limit} presses of {key} on {page.url}", pytrace=False)


def empty_hints(page: Page) -> list[str]:
    """The ids of GOV.UK hint elements on the page with no text: an empty description for the field that
    points at one (aria-describedby), and a stray gap on screen (see FRONTEND.md)."""
    return page.locator(".govuk-hint").evaluate_all(
        "(hints) => hints.filter((hint) => !hint.textContent.trim()).map((hint) => hint.id)"
    )


def expect_page(page: Page, title: str) -> None:
    """Land on a page whose h1 is `title`, and check it with axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def save_and_continue(page: Page) -> None:
    """Press a questionnaire page's main button."""
    page.get_by_role("button", name="Save and continue").click()


def task_status(page: Page, section: str):
    """The status shown against a section on a project's task list."""
    return page.locator(".govuk-task-list__item").filter(has_text=section).locator(".govuk-task-list__status")


def summary_value(page: Page, key: str):
    """The value next to `key` in a GOV.UK summary list (Check your answers, Your account...)."""
    return page.locator(f"xpath=//dt[normalize-space()='{key}']/following-sibling::dd[1]")


def complete_project(app, lead_email: str, *, lead_organisation_id: int, partner_id: int) -> int:
    """A lead's project with every page of the default questionnaire answered, as tests/journey.py posts them
    (through the real forms, by a test client): a quick start for tests about what comes after."""
    from tests.conftest import sign_in as sign_in_client
    from tests.conftest import submit_form
    from tests.journey import fill_every_page, valid_posts

    client = app.test_client()
    sign_in_client(client, lead_email, PASSWORD)
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    match = re.fullmatch(r"/projects/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    submission_id = int(match.group(1))
    fill_every_page(client, submission_id, valid_posts(lead_id=lead_organisation_id, partner_id=partner_id))
    return submission_id


class Hands:
    """How a person works a page: "mouse" (clicks and fills), "keyboard" (Tab, typing, Space, arrows and
    Enter; never a click) or "no JavaScript" (clicks, in a page whose scripts are off). One walk written
    against these runs in all three ways."""

    MODES = ("mouse", "keyboard", "no JavaScript")

    def __init__(self, page: Page, mode: str):
        assert mode in self.MODES, mode
        self.page = page
        self.mode = mode

    @property
    def keyboard(self) -> bool:
        return self.mode == "keyboard"

    def _focus(self, target) -> None:
        if not target.evaluate("(element) => element === document.activeElement"):
            tab_to(self.page, target)

    def fill(self, field, text: str) -> None:
        if self.keyboard:
            self._focus(field)
            self.page.keyboard.type(text)
        else:
            field.fill(text)

    def tick(self, box) -> None:
        """Tick a checkbox, or choose a radio."""
        if not self.keyboard:
            box.check()
            return
        if box.get_attribute("type") == "radio":
            # Tab stops once in a radio group (on its first radio, none being chosen); the arrows then move
            # down the group, choosing as they go.
            group = self.page.locator(f'input[type="radio"][name="{box.get_attribute("name")}"]')
            self._focus(group.first)
            if box.evaluate("(element) => element === document.activeElement"):
                self.page.keyboard.press("Space")
            for _ in range(group.count()):
                if box.is_checked():
                    break
                self.page.keyboard.press("ArrowDown")
        else:
            self._focus(box)
            self.page.keyboard.press("Space")
        expect(box).to_be_checked()

    def press(self, control) -> None:
        """Press a button or follow a link."""
        if self.keyboard:
            self._focus(control)
            self.page.keyboard.press("Enter")
        else:
            control.click()

    def save_and_continue(self) -> None:
        self.press(self.page.get_by_role("button", name="Save and continue"))

    def add_partner(self, typed: str, name: str) -> None:
        """Choose a partner as a person would: with JavaScript, type part of its name and pick it from the
        suggestions; without, choose it from the list. Then add it."""
        page = self.page
        page.wait_for_load_state()  # the script swaps the select for a text box once the page has loaded
        field = page.get_by_label(re.compile(r"Add (a|another) partner"))
        if self.mode == "no JavaScript":
            field.select_option(label=name)
        elif self.keyboard:
            self.fill(field, typed)
            expect(page.get_by_role("option", name=name)).to_be_visible()
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")  # picks the first suggestion
            expect(field).to_have_value(name)
        else:
            field.fill(typed)
            page.get_by_role("option", name=name).click()
        self.press(page.get_by_role("button", name="Add partner"))
        expect(page.get_by_role("list", name="Partners you have added")).to_contain_text(name)
