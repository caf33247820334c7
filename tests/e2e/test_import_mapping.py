"""An administrator corrects the proposed mapping of a messy SurveyMonkey export in the browser, without
writing YAML: one column given another question and one value another choice, a mistake shown in the error
summary, the mapping saved under a name and the file checked again; the saved mapping offered on the upload
page and deleted. With and without JavaScript, axe on every page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import ImportBatch
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, sign_in
from tests.e2e.test_imports import Worker, wait_for_heading

NAME = "SurveyMonkey collaboration survey"


@pytest.fixture
def worker(app):
    worker = Worker(app)
    yield worker
    worker.stop()


def card(page: Page, column: str):
    """The summary card of a column, by its title."""
    title = page.get_by_role("heading", level=3, name=re.compile(r"^Column \d+: " + re.escape(column) + "$"))
    return page.locator(".govuk-summary-card").filter(has=title)


def screenshots(page: Page, name: str) -> None:
    """The mapping page at desktop and phone widths, for a person to look at (SCREENSHOTS_DIR, if set)."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    for width, height, label in ((1280, 900, "desktop"), (375, 800, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=False)
        for part, where in (("columns", ".govuk-summary-card >> nth=5"), ("choices", "#card-stage")):
            page.locator(where).scroll_into_view_if_needed()
            page.wait_for_timeout(300)  # let the scrolled page paint
            page.screenshot(path=str(Path(folder) / f"{name}-{label}-{part}.png"), full_page=False)
        page.evaluate("window.scrollTo(0, 0)")
    page.set_viewport_size({"width": 1280, "height": 720})


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_an_administrator_corrects_the_mapping_in_the_browser_and_saves_it(
    app,
    request,
    browser_page,
    worker,
    tmp_path,
):
    page: Page = request.getfixturevalue(browser_page)
    load_seed_organisations()
    db.session.commit()
    admin = factories.administrator(email="ada@example.org")
    export = tmp_path / "collaboration-2017.csv"
    export.write_bytes(history.condensed_csv(history.generate(120, seed=2017)))
    sign_in(page, admin.email)

    page.goto("/admin/imports/new")
    page.get_by_label("Round title").fill("Collaboration return 2017")
    page.get_by_label("Year").fill("2017")
    page.get_by_label("Responses file").set_input_files(export)
    page.get_by_label("Approved records").check()
    page.get_by_role("button", name="Check the file").click()
    wait_for_heading(page, worker, "Check the report for collaboration-2017.csv")

    page.get_by_role("button", name="Change the mapping").click()
    expect_page(page, "Change the mapping")
    lessons = card(page, history.Q_LESSONS)
    expect(lessons).to_contain_text("Some of its values")
    expect(lessons.get_by_label("Read as")).to_have_value("lessons_learnt")
    stage = page.locator("#card-stage")
    first_value = stage.locator("select").first
    expect(first_value).not_to_have_value("idea")
    assert_accessible(page)
    screenshots(page, f"mapping-{browser_page}")

    # A mistake: two columns for the project's name. The error summary says so and links to the column.
    card(page, history.Q_SUMMARY).get_by_label("Read as").select_option(label="Project name")
    page.get_by_role("button", name="Save and check the file again").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Project name is already read from column")
    assert_accessible(page)
    if os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / f"mapping-{browser_page}-error.png"))
    summary.get_by_role("link").first.click()
    expect(card(page, history.Q_SUMMARY).get_by_label("Read as")).to_be_focused()

    card(page, history.Q_SUMMARY).get_by_label("Read as").select_option("summary")
    lessons.get_by_label("Read as").select_option(label="What got in the way, in detail")
    first_value.select_option(label="Idea")
    page.get_by_label("Save this mapping as (optional)").fill(NAME)
    page.get_by_role("button", name="Save and check the file again").click()
    expect(page.get_by_text(f"The mapping was changed and saved as {NAME}")).to_be_visible()

    wait_for_heading(page, worker, "Check the report for collaboration-2017.csv")
    expect(page.locator(".govuk-summary-list__row", has_text="Mapping")).to_contain_text(NAME)
    read_as = page.get_by_role("table", name="How each column is read")
    expect(read_as.get_by_role("row", name=re.compile(re.escape(history.Q_LESSONS)))).to_contain_text(
        "What got in the way, in detail"
    )
    assert_accessible(page)
    mapping = yaml.safe_load(db.session.scalar(select(ImportBatch.mapping_text)))
    assert mapping["questions"]["barriers_details"] == history.Q_LESSONS
    assert "idea" in mapping["questions"]["stage"]["choices"].values()

    # Saved: offered on the upload page, listed, and deleted after a question.
    page.goto("/admin/imports/new")
    expect(page.get_by_label("Mapping", exact=True)).to_contain_text(NAME)
    assert_accessible(page)
    page.goto("/admin/imports")
    page.get_by_role("link", name="Saved mappings").click()
    expect_page(page, "Saved mappings")
    expect(page.get_by_role("link", name=f"Download {NAME} (YAML)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Delete {NAME}").click()
    expect_page(page, f"Delete the mapping {NAME}?")
    assert_accessible(page)
    page.get_by_role("button", name="Delete the mapping").click()
    expect(page.get_by_text(f"The mapping {NAME} was deleted")).to_be_visible()
    expect(page.get_by_text("No mapping has been saved yet")).to_be_visible()
