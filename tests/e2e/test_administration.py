"""Administration in a browser: organisations, inviting people from a CSV file, a person's page and the audit
log, each page checked with axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.models import Sector
from tests import factories
from tests.e2e.helpers import assert_accessible, expect_page, sign_in, summary_value, visit


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def test_an_administrator_adds_finds_and_deactivates_an_organisation(app, page: Page, live_server):
    kent = factories.organisation("Kent Police")
    lead = factories.user(organisation_=kent, name="Lee Lead")
    factories.organisation("Essex Police")
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Organisations").click()
    expect_page(page, "Organisations")
    page.get_by_role("button", name="Add an organisation").click()
    expect_page(page, "Add an organisation")

    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("alert")).to_contain_text("Enter the organisation's name")
    assert_accessible(page)

    page.get_by_label("Name").fill("Dorset Fire and Rescue Service")
    page.get_by_role("radio", name="Fire and rescue").check()
    page.get_by_label("Region").select_option(label="South West")
    page.get_by_role("button", name="Add organisation").click()
    expect_page(page, "Dorset Fire and Rescue Service")
    expect(summary_value(page, "Sector")).to_have_text("Fire and rescue")
    expect(page.get_by_role("button", name="Delete Dorset Fire and Rescue Service")).to_be_visible()

    visit(page, "/admin/organisations")
    page.get_by_label("Name").fill("kent")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("table")).to_contain_text("Kent Police")
    expect(page.get_by_role("table")).not_to_contain_text("Essex Police")
    assert_accessible(page)

    page.get_by_role("link", name="Kent Police").click()
    expect_page(page, "Kent Police")
    expect(page.get_by_role("button", name="Delete Kent Police")).to_have_count(0)
    page.get_by_role("button", name="Deactivate Kent Police").click()
    expect_page(page, "Deactivate Kent Police")
    expect(page.get_by_role("table")).to_contain_text(lead.email)
    page.get_by_role("button", name="Deactivate organisation").click()
    expect_page(page, "Kent Police")
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 lead can no longer sign in")

    visit(page, "/admin/organisations/import")
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[
            csv_file("organisations.csv", "name,sector,region\nWessex Police,police,south_west\nBad,navy,\n")
        ]
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect_page(page, "Import organisations")
    expect(page.get_by_role("table")).to_contain_text("Sector must be one of")
    page.get_by_label("Upload the corrected file").set_input_files(
        files=[csv_file("organisations.csv", "name,sector,region\nWessex Police,police,south_west\n")]
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect_page(page, "Check the organisations before you import them")
    page.get_by_role("button", name="Import organisations").click()
    expect_page(page, "Organisations")
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 added")


def test_an_administrator_invites_people_from_a_file_and_cancels_an_invitation(app, page: Page, live_server):
    factories.organisation("Kent Police")
    factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    admin = factories.administrator(name="Ada Administrator")
    sign_in(page, admin.email, name="Ada Administrator")

    visit(page, "/admin/users")
    page.get_by_role("button", name="Invite people from a CSV file").click()
    expect_page(page, "Invite people from a CSV file")

    page.get_by_label("Upload a CSV file").set_input_files(
        files=[
            csv_file(
                "people.csv",
                "email,name,organisation,role\n"
                "kim@example.org,Kim Kentish,Kent Polce,lead\n"
                "kim@example.org,Kim Again,Kent Police,lead\n",
            )
        ]
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect_page(page, "Fix the problems in the file")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("did you mean Kent Police?")
    expect(problems).to_contain_text("kim@example.org appears more than once (first on line 2)")
    page.get_by_role("link", name="The selected file has 2 problems: fix them and upload it again").click()
    expect(page.get_by_label("Upload the corrected file")).to_be_focused()

    page.get_by_label("Upload the corrected file").set_input_files(
        files=[
            csv_file(
                "people.csv",
                "email,name,organisation,role\n"
                "kim@example.org,Kim Kentish,Kent Police,lead\n"
                "fay@example.org,Fay Fire,Kent Fire and Rescue Service,lead\n",
            )
        ]
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect_page(page, "Check who you are inviting")
    page.get_by_role("button", name="Send 2 invitations").click()
    expect_page(page, "Users")
    expect(page.get_by_role("alert", name="Success")).to_contain_text("2 invitations sent")

    page.get_by_role("link", name="Kim Kentish").click()
    expect_page(page, "Kim Kentish")
    page.get_by_role("link", name="Change role").click()
    expect_page(page, "Change Kim Kentish's account")
    page.get_by_role("link", name="Cancel", exact=True).click()
    page.get_by_role("button", name="Cancel invitation").click()
    expect_page(page, "Cancel Kim Kentish's invitation")
    page.get_by_role("button", name="Cancel invitation").click()
    expect_page(page, "Kim Kentish")
    expect(summary_value(page, "Status")).to_have_text("Invitation cancelled")

    page.get_by_role("link", name="See Kim Kentish's events in the audit log").click()
    expect_page(page, "Audit log")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Cancelled an invitation")
    expect(table).to_contain_text("Invited someone")

    page.get_by_label("Action").select_option(label="Invited people from a CSV file")
    page.get_by_label("Person").fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("table")).to_contain_text("Count: 2")
    assert_accessible(page)

    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("alert")).to_contain_text("Date from must be a real date")
    assert_accessible(page)
