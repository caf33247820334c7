"""An administrator brings in a messy SurveyMonkey export in Chromium, without writing a mapping: upload,
the check page, a duplicate decided, import, the record in Find with its provenance; axe on every page."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import ImportedProject, Record
from app.services.imports import batches as import_batches
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, sign_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"


class Worker:
    """The background worker's import job, in a thread of its own, as `flask worker` runs it."""

    def __init__(self, app) -> None:
        self.app = app
        self.error: BaseException | None = None
        self._wake = threading.Event()
        self._stopping = False
        self._state = threading.Condition()
        self._passes = 0  # passes begun
        self._idle = 0  # the number of the last pass that found nothing waiting
        self._thread = threading.Thread(target=self._run, name="import-worker", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self.app.app_context():
            while not self._stopping:
                self._wake.clear()
                with self._state:
                    self._passes += 1
                    number = self._passes
                try:
                    found = import_batches.run_pending()
                except BaseException as error:  # reported by wait_until_idle
                    found, self.error = None, error
                finally:
                    db.session.remove()
                if found is None:
                    with self._state:
                        self._idle = number
                        self._state.notify_all()
                    self._wake.wait(5)  # `flask worker` looks again after an interval, or when woken

    def wait_until_idle(self, timeout: float = 60) -> None:
        """Wake the worker and wait until a pass begun after this call has found nothing left to do: every
        batch queued before it is checked or imported."""
        with self._state:
            after = self._passes
            self._wake.set()
            done = self._state.wait_for(lambda: self._idle > after or self.error is not None, timeout)
        assert self.error is None, f"The import worker failed: {self.error!r}"
        assert done, f"The import worker was still busy after {timeout} s"

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=10)


@pytest.fixture
def worker(app):
    worker = Worker(app)
    yield worker
    worker.stop()


def wait_for_heading(page: Page, worker: Worker, heading: str) -> None:
    """Once the worker has done what was queued, press "Check progress" (if the page was shown before it had)
    as an administrator would, and see the outcome."""
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text(re.compile(rf"^(Checking |Importing |{re.escape(heading)}$)"))
    worker.wait_until_idle()
    if title.inner_text() != heading:
        assert_accessible(page)
        page.get_by_role("button", name="Check progress").click()
    expect_page(page, heading)


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_an_administrator_brings_in_a_messy_export_without_a_mapping(
    app, request, browser_page, worker, tmp_path
):
    page: Page = request.getfixturevalue(browser_page)
    load_seed_organisations()
    db.session.commit()
    admin = factories.administrator(email="ada@example.org")
    responses = history.generate(320, seed=2017)
    export = tmp_path / "collaboration-2017.csv"
    export.write_bytes(history.condensed_csv(responses))
    sign_in(page, admin.email)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    expect_page(page, "Imports")
    page.get_by_role("button", name="Import responses").click()
    expect_page(page, "Import responses")

    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the file of responses")
    assert_accessible(page)

    page.get_by_label("Round title").fill("Collaboration return 2017")
    page.get_by_label("Year").fill("2017")
    page.get_by_label("Responses file").set_input_files(export)
    page.get_by_label("Approved records").check()
    page.get_by_role("button", name="Check the file").click()

    # The check page: the mapping proposed from the headings, values kept as given, rows to skip, duplicates.
    wait_for_heading(page, worker, "Check the report for collaboration-2017.csv")
    expect(page.get_by_role("table", name="How each column is read")).to_be_visible()
    expect(page.get_by_role("table", name="Values kept as given")).to_be_visible()
    expect(page.get_by_role("group", name="Responses to skip")).to_be_visible()
    assert_accessible(page)
    pair = page.get_by_role("group", name=re.compile(r"^What to do with rows (\d+) and (\d+)$")).first
    rows = re.findall(r"\d+", pair.locator("legend").inner_text())
    pair.get_by_label(f"Keep row {rows[0]} only").check()
    page.get_by_role("button", name="Import the projects").click()

    wait_for_heading(page, worker, "Imported collaboration-2017.csv")
    expect(page.get_by_text("projects imported as approved records")).to_be_visible()
    assert_accessible(page)

    # In Find, a record says where it came from.
    kept = db.session.scalar(select(ImportedProject).filter_by(row_number=int(rows[0])))
    record = db.session.scalar(select(Record).filter_by(submission_id=kept.submission_id))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find projects").click()
    page.goto(page.url.split("/find")[0] + f"/find/records/{record.id}")
    expect(
        page.get_by_text(f"Imported from collaboration-2017.csv, row {rows[0]}.", exact=False)
    ).to_be_visible()
    assert_accessible(page)
