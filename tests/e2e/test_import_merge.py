"""In Chromium, with and without JavaScript: a row of a later file that the check finds already published is
merged into the existing record, and the record says so; axe on every page."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import ImportedProject, ImportMode, Record
from app.services.imports import batches as import_batches
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, sign_in
from tests.e2e.test_imports import Worker, wait_for_heading

TITLE = "Collaboration return 2017"


@pytest.fixture
def worker(app):
    worker = Worker(app)
    yield worker
    worker.stop()


def earlier_and_later() -> tuple[bytes, bytes]:
    responses = history.generate(320, seed=2017)
    first, second = sorted(sorted(pair) for pair in history.duplicate_pairs(responses))[0]
    earlier = copy.deepcopy(responses[first - 1])
    earlier.cells.update(other_partners="")
    later = copy.deepcopy(responses[second - 1])
    later.cells.update(other_partners="The county council")
    others = [r for n, r in enumerate(responses, start=1) if r.kind == "project" and n not in (first, second)]
    return history.condensed_csv([earlier, *others[:19]]), history.condensed_csv([later])


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_an_administrator_merges_a_row_into_the_record_it_duplicates(
    app, request, browser_page, worker, tmp_path
):
    page: Page = request.getfixturevalue(browser_page)
    load_seed_organisations()
    db.session.commit()
    admin = factories.administrator(email="ada@example.org")
    earlier, later = earlier_and_later()
    batch = import_batches.upload(
        data=earlier,
        file_name="earlier.csv",
        mapping_text="",
        mapping_name="",
        round_title=TITLE,
        year=2017,
        mode=ImportMode.RECORDS,
        by=admin,
    )
    db.session.commit()
    import_batches.run_pending()
    import_batches.confirm(batch, by=admin, answers={})
    db.session.commit()
    import_batches.run_pending()
    first = db.session.scalar(select(ImportedProject).filter_by(row_number=1))
    record = db.session.scalar(select(Record).filter_by(submission_id=first.submission_id))
    path = tmp_path / "later.csv"
    path.write_bytes(later)
    sign_in(page, admin.email)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    page.get_by_role("button", name="Import responses").click()
    expect_page(page, "Import responses")
    page.get_by_label("Round title").fill(TITLE)
    page.get_by_label("Year").fill("2017")
    page.get_by_label("Responses file").set_input_files(path)
    page.get_by_label("Approved records").check()
    page.get_by_role("button", name="Check the file").click()

    wait_for_heading(page, worker, "Check the report for later.csv")
    group = page.get_by_role(
        "group", name=re.compile(rf"^Row 1 may already be in the database as '{re.escape(record.name)}'")
    )
    group.get_by_label("Merge row 1 into the existing record").check()
    assert_accessible(page)
    page.get_by_role("button", name="Import the projects").click()

    wait_for_heading(page, worker, "Imported later.csv")
    assert_accessible(page)
    page.goto(page.url.split("/admin")[0] + f"/find/records/{record.id}")
    expect_page(page, record.name)
    expect(page.get_by_text("Merged with later.csv, row 1", exact=False)).to_be_visible()
    expect(page.get_by_text("The county council")).to_be_visible()
    assert_accessible(page)
