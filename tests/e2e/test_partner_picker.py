"""The partner organisations picker: add partners one at a time and remove them, with a mouse, by keyboard
only and without JavaScript; the lead's own region first; a message that says how to meet the rule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Region, Sector, Submission
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, save_and_continue, sign_in, tab_to, visit

QUESTION = "Which other organisations are working on the project?"


@pytest.fixture
def draft(app):
    """A Kent Police lead's draft, and organisations in the South East and elsewhere."""
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE)
    factories.organisation("Kent County Council", sector=Sector.LOCAL_AUTHORITY)
    factories.organisation("Essex Police", sector=Sector.POLICE, region=Region.EAST_OF_ENGLAND)
    factories.organisation(
        "Avon Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE, region=Region.SOUTH_WEST
    )
    lead = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    now = utcnow()
    round_ = rounds.create_round(
        title="Collaboration return 2027",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    submission = Submission(
        round=round_,
        organisation_id=police.id,
        created_by=lead,
        questionnaire_version_id=round_.questionnaire_version_id,
        answers={},
        page_states={},
    )
    db.session.add(submission)
    db.session.commit()
    return {"lead": lead, "url": f"/projects/{submission.id}/partners", "id": submission.id}


def chosen(page: Page):
    return page.get_by_role("list", name="Partners you have added").get_by_role("listitem")


def test_with_a_mouse_partners_are_typed_chosen_added_and_removed(app, page: Page, draft):
    sign_in(page, draft["lead"].email)
    visit(page, draft["url"])
    expect(page.get_by_text("You have not added any partners yet.")).to_be_visible()
    field = page.get_by_label("Add a partner")
    field.fill("Fire")
    # The lead's own region (South East) first, whatever the alphabet says.
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_text(["Kent Fire and Rescue Service", "Avon Fire and Rescue Service"])
    assert_accessible(page)
    options.first.click()
    page.get_by_role("button", name="Add partner").click()
    expect(chosen(page)).to_have_count(1)
    expect(chosen(page).first).to_contain_text("Kent Fire and Rescue Service")
    expect(page.get_by_label("Add another partner")).to_be_focused()  # back where the next one is added

    page.get_by_label("Add another partner").fill("kent county")
    page.get_by_role("option", name="Kent County Council").click()
    page.get_by_role("button", name="Add partner").click()
    expect(chosen(page)).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("button", name="Remove Kent Fire and Rescue Service").click()
    expect(chosen(page)).to_have_text([re.compile("Kent County Council")])
    save_and_continue(page)
    # A council alone is not enough: the message says what to do.
    message = (
        "Add at least one police force, fire and rescue service or ambulance service: choose it from the "
        "list, then select 'Add partner'"
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator(".govuk-error-message")).to_contain_text(message)
    assert_accessible(page)
    page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    expect(page.get_by_label("Add another partner")).to_be_focused()
    page.keyboard.type("ambulance")
    page.get_by_role("option", name="South East Coast Ambulance Service").click()
    save_and_continue(page)  # chosen but not added: saving adds it
    expect_page(page, "Which other partners are involved?")
    assert db.session.get(Submission, draft["id"]).answers["partners"] == [
        str(o.id) for o in _named("Kent County Council", "South East Coast Ambulance Service")
    ]


def test_by_keyboard_only_a_partner_takes_a_few_keystrokes(app, page: Page, draft):
    sign_in(page, draft["lead"].email)
    visit(page, draft["url"])
    tab_to(page, page.get_by_label("Add a partner"))
    page.keyboard.type("Kent Fi")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks the suggestion
    expect(page.get_by_label("Add a partner")).to_have_value("Kent Fire and Rescue Service")
    page.keyboard.press("Enter")  # adds it, and stays on the page for the next one
    expect(chosen(page)).to_have_count(1)
    expect_page(page, QUESTION)
    page.keyboard.type("Essex")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Add partner"))
    page.keyboard.press("Enter")
    expect(chosen(page)).to_have_count(2)
    tab_to(page, page.get_by_role("button", name="Remove Essex Police"), backwards=True)
    page.keyboard.press("Enter")
    expect(chosen(page)).to_have_count(1)
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect_page(page, "Which other partners are involved?")


def test_without_javascript_partners_are_chosen_from_a_list(app, page_without_javascript: Page, draft):
    page = page_without_javascript
    sign_in(page, draft["lead"].email)
    visit(page, draft["url"])
    picker = page.get_by_label("Add a partner")
    groups = picker.locator("optgroup")
    expect(groups.first).to_have_attribute("label", "In the South East")
    picker.select_option(label="South East Coast Ambulance Service")
    page.get_by_role("button", name="Add partner").click()
    expect(chosen(page)).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Add another partner").select_option(label="Essex Police")
    page.get_by_role("button", name="Add partner").click()
    expect(chosen(page)).to_have_count(2)
    # One already chosen is no longer offered.
    expect(page.get_by_label("Add another partner").locator("option", has_text="Essex Police")).to_have_count(
        0
    )
    page.get_by_role("button", name="Remove South East Coast Ambulance Service").click()
    expect(chosen(page)).to_have_count(1)
    save_and_continue(page)
    expect_page(page, "Which other partners are involved?")


def _named(*names: str):
    from sqlalchemy import select

    from app.models import Organisation

    by_name = {
        o.name: o for o in db.session.scalars(select(Organisation).where(Organisation.name.in_(names)))
    }
    return [by_name[name] for name in names]
