"""The national overview, organisation pages and who works with whom in Chromium, with and without
JavaScript; axe on every page; screenshots kept under the test's temporary folder for people to look at."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import NotablePractice, Sector
from tests import factories
from tests.e2e.helpers import assert_accessible, sign_in, visit
from tests.records import a_round, published


def _library():
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    ambulance = factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE)
    approver = factories.reviewer(email="rhys@example.org")
    station = published(
        round_,
        police,
        name="Maidstone shared station",
        partners=[fire, ambulance],
        approver=approver,
        summary="Police, fire and ambulance share a station.",
        themes=["shared_estates"],
        enablers=["leadership"],
        enablers_details="Chief officers backed it from the start.",
    )
    published(
        round_,
        fire,
        name="Kent co-responding",
        partners=[ambulance],
        approver=approver,
        summary="Firefighters respond to cardiac arrests.",
        sharing="sector",
    )
    db.session.add(
        NotablePractice(
            submission_id=station.submission_id,
            themes=["shared_estates"],
            reason="Three services under one roof, at a third of the cost.",
            chosen_by=approver,
        )
    )
    db.session.commit()
    return factories.user(email="lee@example.org", organisation_=police), police


def test_the_overview_organisation_and_collaboration_pages(app, page: Page, tmp_path):
    lead, _ = _library()
    sign_in(page, lead.email)
    visit(page, "/find/overview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Collaboration overview")
    expect(page.get_by_text("Sector edition", exact=True).first).to_be_visible()
    expect(page.get_by_role("img", name="Projects by region")).to_be_visible()
    expect(page.get_by_role("heading", name="Notable practice in shared estates")).to_be_visible()
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    page.get_by_role("navigation", name="Editions").get_by_role("link", name="Published edition").click()
    expect(page.get_by_text("This is the published edition", exact=False)).to_be_visible()
    assert "Kent co-responding" not in page.content()
    assert_accessible(page)

    visit(page, "/find")
    page.get_by_role("link", name="who works with whom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who works with whom")
    expect(page.get_by_role("table", name="Projects by pair of sectors")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "collaboration.png", full_page=True)

    visit(page, "/find/who-works-with-whom?themes=shared_estates")
    page.get_by_role("link", name="project of Kent Police and Kent Fire and Rescue Service").click()
    expect(page.get_by_text("Filters: Themes: Shared estates.")).to_be_visible()
    expect(page.get_by_role("link", name="Maidstone shared station")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_text("Filters:")).to_have_count(0)

    visit(page, "/find/who-works-with-whom")
    page.get_by_role("link", name="Kent Police").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kent Police")
    expect(page.get_by_role("heading", name="Projects it leads (1)")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "organisation.png", full_page=True)
    print(f"Screenshots in {tmp_path}")


def test_the_pages_work_without_javascript(app, page_without_javascript: Page):
    _, police = _library()
    app.config["PUBLIC_DATABASE"] = True
    page = page_without_javascript
    visit(page, "/find/overview")
    expect(page.get_by_text("Published edition", exact=True).first).to_be_visible()
    assert "Kent co-responding" not in page.content()  # sector-only: not for the public
    visit(page, "/find/who-works-with-whom")
    page.get_by_role("link", name="1 project of Kent Police and Kent Fire and Rescue Service").click()
    expect(page.get_by_role("link", name="Maidstone shared station")).to_be_visible()
    visit(page, f"/find/organisations/{police.id}")
    expect(page.get_by_role("heading", name="Who it works with")).to_be_visible()


def test_an_administrator_changes_notable_practice(app, page: Page):
    _library()
    factories.administrator(email="ada@example.org")
    sign_in(page, "ada@example.org")
    visit(page, "/find?q=Maidstone")
    page.get_by_role("link", name="Maidstone shared station").click()
    page.get_by_role("link", name="Change notable practice").click()
    expect(page.get_by_label("Shared estates")).to_be_checked()
    page.get_by_label("Why is it notable practice?").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a sentence saying why")  # the error summary
    assert_accessible(page)
    page.get_by_label("Shared estates").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This project is no longer notable practice")).to_be_visible()
    assert_accessible(page)
