"""A large download in Chromium, with and without JavaScript: the link asks for the file, the worker makes it,
the progress page shows how far it has got and then the link to the file; axe on every page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import DownloadJob, Sector
from app.services.find import download_jobs
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, sign_in
from tests.records import a_round, published


@pytest.fixture
def reader(app, tmp_path):
    app.config.update(FIND_DOWNLOAD_WORKER_ABOVE={"xlsx": 1, "csv": 1}, DOWNLOAD_FOLDER=str(tmp_path))
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    for name in ("Shared estates in Maidstone", "Shared station in Dover"):
        published(round_, police, name=name, partners=[fire], summary="Police and fire share a station.")
    return factories.user(email="lee@example.org", organisation_=police)


def ask_for_the_spreadsheet(page: Page) -> None:
    page.goto("/find?q=station")
    page.get_by_role("link", name="Excel").click()
    expect_page(page, "Download 2 projects as Excel")
    page.get_by_role("button", name="Make the file").click()
    expect_page(page, "Making your download")
    expect(page.get_by_role("status")).to_have_text("Waiting to start: 2 projects to write as Excel.")


def the_file_has_both_projects(page: Page) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Download collaboration-projects.xlsx").click()
    with open(download.value.path(), "rb") as made:
        sheet = load_workbook(io.BytesIO(made.read()))["Projects"]
    names = sorted(line[1] for line in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["Shared estates in Maidstone", "Shared station in Dover"]


def test_the_progress_page_turns_into_a_link_to_the_file_by_itself(app, page: Page, reader):
    sign_in(page, reader.email)
    ask_for_the_spreadsheet(page)
    job = db.session.scalars(db.select(DownloadJob)).one()
    job.status, job.rows_done = "running", 1
    db.session.commit()
    # The page checks by itself: the progress line changes without a reload.
    expect(page.get_by_role("status")).to_have_text("Written 1 of 2 projects as Excel.", timeout=10_000)
    assert_accessible(page)

    job.status = "queued"
    db.session.commit()
    assert "2 records" in download_jobs.run_pending()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your download is ready", timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    assert page.title().startswith("Your download is ready")
    assert_accessible(page)
    the_file_has_both_projects(page)


def test_without_javascript_check_progress_shows_the_link(app, page_without_javascript: Page, reader):
    page = page_without_javascript
    sign_in(page, reader.email)
    ask_for_the_spreadsheet(page)
    assert "2 records" in download_jobs.run_pending()
    page.get_by_role("button", name="Check progress").click()
    expect_page(page, "Your download is ready")
    the_file_has_both_projects(page)


def test_asking_too_often_says_to_wait(app, page: Page, reader):
    app.config["DOWNLOAD_JOBS_LIMIT"] = "1 per hour"
    sign_in(page, reader.email)
    ask_for_the_spreadsheet(page)
    page.goto("/find?q=station")
    page.get_by_role("link", name="CSV").click()
    page.get_by_role("button", name="Make the file").click()
    expect_page(page, "Too many attempts")
    expect(page.get_by_text("You have asked for many large downloads in a short time")).to_be_visible()
