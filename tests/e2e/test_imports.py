"""An administrator imports a SurveyMonkey export in Chromium: upload, dry run, import; axe on every page."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.services.imports import batches as import_batches
from app.services.organisations.files import load_seed_organisations
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, sign_in
from tests.records import a_round

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"


@pytest.fixture
def worker(app):
    """The background worker's import job, in a thread of its own, as `flask worker` runs it."""
    stop = threading.Event()

    def run() -> None:
        with app.app_context():
            while not stop.is_set():
                try:
                    import_batches.run_pending()
                finally:
                    db.session.remove()
                stop.wait(0.2)

    thread = threading.Thread(target=run, name="import-worker", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


def wait_for_heading(page: Page, heading: str, tries: int = 50) -> None:
    """Press "Check progress" until the page has moved on, as an administrator would."""
    for _ in range(tries):
        if page.get_by_role("heading", level=1).inner_text() == heading:
            break
        assert_accessible(page)
        page.wait_for_timeout(200)
        page.get_by_role("button", name="Check progress").click()
    expect_page(page, heading)


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_an_administrator_uploads_a_surveymonkey_export_reads_the_report_and_imports(
    app, request, browser_page, worker
):
    page: Page = request.getfixturevalue(browser_page)
    load_seed_organisations()
    db.session.commit()
    a_round("Collaboration return 2017")
    admin = factories.administrator(email="ada@example.org")
    sign_in(page, admin.email)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    expect_page(page, "Imports")
    page.get_by_role("button", name="Import responses").click()
    expect_page(page, "Import responses")

    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the file of responses")
    assert_accessible(page)

    page.get_by_label("Round").select_option(label="Collaboration return 2017")
    page.get_by_label("Responses file").set_input_files(EXAMPLES / "surveymonkey-collaboration-2017.csv")
    page.get_by_label("Mapping file").set_input_files(EXAMPLES / "surveymonkey-collaboration-2017.yaml")
    page.get_by_label("Approved records").check()
    page.get_by_role("button", name="Check the file").click()

    wait_for_heading(page, "Check the report for surveymonkey-collaboration-2017.csv")
    expect(page.get_by_text("56 rows are ready to import")).to_be_visible()
    expect(page.get_by_role("table", name="Rows to import")).to_be_visible()
    expect(page.get_by_role("cell", name="Kent Fire and Rescue Service").first).to_be_visible()

    page.get_by_role("button", name="Import 56 projects").click()
    wait_for_heading(page, "Imported surveymonkey-collaboration-2017.csv")
    expect(page.get_by_text("56 projects imported as approved records")).to_be_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find projects").click()
    page.get_by_label("Search projects").fill("drone unit")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="shared drone unit").first).to_be_visible()
    assert_accessible(page)
