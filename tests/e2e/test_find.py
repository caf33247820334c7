"""Find collaboration projects in Chromium: search, filter, open a record, download; axe on every page."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from app.models import Sector
from tests import factories
from tests.e2e.helpers import assert_accessible, sign_in, visit
from tests.records import a_round, published


def _library():
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    approver = factories.reviewer(email="rhys@example.org")
    published(
        round_,
        fire,
        name="Kent co-responding",
        partners=[police],
        approver=approver,
        summary="Firefighters respond to cardiac arrests alongside paramedics.",
    )
    published(
        round_,
        police,
        name="Shared estates in Maidstone",
        partners=[fire],
        approver=approver,
        summary="Police and fire share a station, cutting running costs.",
        themes=["shared_estates"],
    )
    published(
        round_,
        police,
        name="Hidden workshop",
        partners=[fire],
        approver=approver,
        summary="A shared vehicle workshop.",
        sharing="figures_only",
        themes=["fleet_and_equipment"],
    )
    return factories.user(email="lee@example.org", organisation_=police)


def test_search_filter_open_a_record_and_download(app, page: Page):
    lead = _library()
    sign_in(page, lead.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find collaboration projects")
    expect(page.get_by_role("heading", name="2 projects")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Search projects").fill("station")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 project", exact=True)).to_be_visible()
    expect(page.locator("mark").first).to_have_text("station")
    assert_accessible(page)

    page.get_by_role("link", name="Remove this filter station").click()
    expect(page.get_by_role("heading", name="2 projects")).to_be_visible()
    page.wait_for_load_state()  # the script that applies a ticked filter has run
    page.get_by_label("Shared estates (1)").check()  # applied when ticked
    expect(page.get_by_role("heading", name="1 project", exact=True)).to_be_visible()
    assert "themes=shared_estates" in page.url  # the state of the page is a shareable address
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as downloaded:
        rows = list(csv.reader(io.StringIO(downloaded.read())))
    assert len(rows) == 2 and "Shared estates in Maidstone" in rows[1]

    page.get_by_role("link", name="Shared estates in Maidstone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared estates in Maidstone")
    expect(page.get_by_role("link", name="Kent Fire and Rescue Service")).to_be_visible()
    assert_accessible(page)

    visit(page, "/find/figures")
    expect(page.get_by_role("img", name="Projects by theme")).to_be_visible()
    assert "Hidden workshop" not in page.content()
    visit(page, "/find/overview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Collaboration overview")
