"""Find's filter on a phone and a desktop, with and without JavaScript: results first on a small screen, the
filter behind "Show filters", selected filters at the top, and the area, pilot and partner filters."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.models import Sector
from tests import factories
from tests.e2e.helpers import assert_accessible, sign_in, visit
from tests.records import a_round, published

PHONE = {"width": 375, "height": 667}  # a small phone's first screen


def first_result_on_first_screen(page: Page) -> None:
    heading = page.locator(".app-results__item h3").first.bounding_box()
    assert heading is not None and heading["y"] + heading["height"] <= PHONE["height"], heading


@pytest.fixture
def library(app):
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    ambulance = factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE)
    approver = factories.reviewer(email="rhys@example.org")
    for number in range(6):
        published(
            round_,
            fire,
            name=f"Kent co-responding {number}",
            partners=[police],
            approver=approver,
            summary="Firefighters go to cardiac arrests alongside paramedics.",
            geography="force_area",
            pilot="no",
        )
    published(
        round_,
        police,
        name="Ashford blue light hub",
        partners=[fire, ambulance],
        approver=approver,
        summary="Police, fire and ambulance crews share a station in Ashford.",
        themes=["shared_estates"],
        geography="local",
        pilot="yes",
    )
    return factories.user(email="lee@example.org", organisation_=police)


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_filters_open_on_demand(page: Page, library):
    sign_in(page, library.email)
    page.set_viewport_size(PHONE)
    visit(page, "/find")
    first_result_on_first_screen(page)
    expect(page.get_by_label("Pilot", exact=False).first).to_be_hidden()  # the filter is closed
    page.get_by_role("button", name="Show filters").click()
    # Applied when ticked: the page reloads with the filter (and the panel closed again on a phone), so the
    # tick is a click followed by the new page, not check(), which looks for the box ticked on the old one.
    with page.expect_navigation(url="**pilot=yes**"):
        page.get_by_role("group", name="Pilot").get_by_label("Yes (1)").click()
    expect(page.get_by_role("heading", name="1 project", exact=True)).to_be_visible()
    page.get_by_role("button", name="Show filters").click()
    expect(page.locator(".moj-filter__selected")).to_contain_text("Pilot")
    assert_accessible(page)


def test_on_a_phone_without_javascript_results_come_first_with_a_link_to_the_filters(
    page_without_javascript: Page, library
):
    page = page_without_javascript
    sign_in(page, library.email)
    page.set_viewport_size(PHONE)
    visit(page, "/find")
    results = page.locator(".app-results").bounding_box()
    filters = page.locator("#filters").bounding_box()
    assert results["y"] < filters["y"]
    first_result_on_first_screen(page)
    page.get_by_role("link", name="Show filters").click()
    page.get_by_role("group", name="Area covered").get_by_label("Local (1)").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 project", exact=True)).to_be_visible()
    assert_accessible(page)


def test_on_a_desktop_filters_sit_beside_the_results_and_a_partner_can_be_chosen(page: Page, library):
    sign_in(page, library.email)
    visit(page, "/find")
    expect(page.get_by_role("button", name="Show filters")).to_be_hidden()
    expect(page.get_by_role("group", name="Barriers")).to_have_count(0)  # none named: nothing to tick
    page.get_by_label("Partner organisation").select_option(label="South East Coast Ambulance Service (1)")
    expect(page.get_by_role("heading", name="1 project", exact=True)).to_be_visible()
    expect(page.get_by_label("Partner organisation")).to_be_focused()  # back where the change was made
    selected = page.locator(".moj-filter__selected")
    expect(selected).to_contain_text("Partner organisation")
    expect(
        selected.get_by_role("link", name="South East Coast Ambulance Service: organisation page")
    ).to_be_visible()
    assert_accessible(page)
    selected.get_by_role("link", name="Remove this filter South East Coast Ambulance Service").click()
    expect(page.get_by_role("heading", name="7 projects")).to_be_visible()
    assert_accessible(page)
