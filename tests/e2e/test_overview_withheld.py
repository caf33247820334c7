"""The overview with withheld figures in Chromium: "fewer than 3" in the tables, withheld bars left out,
Wales "not shown" on the map; axe finds nothing. Screenshots kept under the test's temporary folder."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_accessible, sign_in, visit
from tests.integration.test_overview_disclosure import disclosure_world  # noqa: F401 (the records)


def test_an_overview_with_withheld_figures(app, page: Page, tmp_path, disclosure_world):  # noqa: F811
    sign_in(page, "lee@example.org")
    visit(page, "/find/overview")
    expect(page.get_by_role("heading", name="Fleet and equipment (fewer than 3)")).to_be_visible()
    expect(page.get_by_text("Fleet and equipment: services involved: not shown", exact=False)).to_be_visible()
    regions = page.get_by_role("table", name="Projects by region")
    expect(regions.get_by_role("row", name="Wales fewer than 3")).to_be_visible()
    expect(page.get_by_role("img", name="Projects by region")).to_contain_text("not shown")
    headline = page.get_by_role("list").filter(has_text="cashable savings a year")
    expect(headline).to_contain_text("not shown cashable savings a year (fewer than 3 projects gave")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "overview-withheld.png", full_page=True)
