"""A lead's journey through the default questionnaire in a real browser, every field found by what a person
reads (labels, legends, button and link text): with a mouse, by keyboard only and without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Sector
from app.models.base import utcnow
from app.services.email import outbox
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.e2e.helpers import (
    assert_accessible,
    complete_project,
    empty_hints,
    expect_page,
    save_and_continue,
    sign_in,
    summary_value,
    tab_to,
    task_status,
    visit,
)
from tests.smtp import text_body

ROUND = "Collaboration return 2026"
DECLARATION = "I confirm that the information in this return is accurate to the best of my knowledge"


@pytest.fixture
def setting(app):
    """A round open now, a police lead (Kent Police) and a fire and rescue partner."""
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    factories.organisation("Essex Police", sector=Sector.POLICE)
    lead = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    now = utcnow()
    rounds.create_round(
        title=ROUND,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    return {"police": police, "fire": fire, "lead": lead}


def open_section(page: Page, section: str) -> None:
    """On the task list (checked with axe as it is now), open a section."""
    expect(page.locator(".govuk-task-list")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=section).click()


def start_project(page: Page) -> None:
    """From a lead's home (where sign_in lands, checked there), start a project and land on its task list
    (checked by open_section)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Your collaboration projects")
    page.get_by_role("button", name="Start a project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled project")
    expect(page.get_by_text(ROUND)).to_be_visible()


def add_partner(page: Page, typed: str, name: str) -> None:
    """Choose a partner as a person would: type part of its name, pick it from the suggestions, add it."""
    # The page's script swaps the select for a text box; until the page has loaded, the label is the select's.
    page.wait_for_load_state()
    page.get_by_label(re.compile(r"Add (a|another) partner")).fill(typed)
    page.get_by_role("option", name=name).click()
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_role("list", name="Partners you have added")).to_contain_text(name)


def prepare_complete_project(app, setting) -> int:
    return complete_project(
        app, setting["lead"].email, lead_organisation_id=setting["police"].id, partner_id=setting["fire"].id
    )


def test_a_lead_fills_in_the_whole_questionnaire_and_submits_it(app, smtp, page: Page, setting):
    sign_in(page, setting["lead"].email)
    start_project(page)
    expect(task_status(page, "About the project")).to_have_text("Not yet started")

    open_section(page, "About the project")
    expect_page(page, "What is the project called?")
    page.get_by_label("What is the project called?").fill("Kent and Medway co-responding")
    save_and_continue(page)
    expect_page(page, "Describe the project")
    page.get_by_label("Describe the project").fill("Firefighters respond to cardiac arrests with paramedics.")
    save_and_continue(page)
    expect_page(page, "Kent and Medway co-responding")  # back on the task list, named now
    expect(task_status(page, "About the project")).to_have_text("Completed")

    open_section(page, "Organisations involved")
    expect_page(page, "Which organisation is leading the project?")
    # The lead's own organisation is chosen already.
    expect(page.get_by_label("Which organisation is leading the project?")).to_have_value(
        str(setting["police"].id)
    )
    save_and_continue(page)
    expect_page(page, "Which other organisations are working on the project?")
    add_partner(page, "Kent Fi", "Kent Fire and Rescue Service")
    add_partner(page, "Essex", "Essex Police")
    chosen = page.get_by_role("list", name="Partners you have added")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    assert_accessible(page)
    save_and_continue(page)
    expect_page(page, "Which other partners are involved?")
    page.get_by_label("Which other partners are involved?").fill("Kent County Council")
    save_and_continue(page)
    expect(task_status(page, "Organisations involved")).to_have_text("Completed")

    open_section(page, "What the project covers")
    expect_page(page, "What does the project cover?")
    page.get_by_role("checkbox", name="Co-responding and first response").check()
    page.get_by_role("checkbox", name="Something else").check()
    page.get_by_label("What else does the project cover?").fill("Community first responders")
    save_and_continue(page)
    expect_page(page, "What area does the project cover?")
    page.get_by_role("radio", name="County or force area").check()
    save_and_continue(page)

    open_section(page, "Stage and dates")
    expect_page(page, "What stage is the project at?")
    page.get_by_role("radio", name="Up and running").check()
    save_and_continue(page)
    expect_page(page, "When does the project run?")
    started = page.get_by_role("group", name="When did the project start?")
    started.get_by_label("Month").fill("4")
    started.get_by_label("Year").fill("2024")
    save_and_continue(page)
    expect_page(page, "Is the project a pilot?")
    page.get_by_role("radio", name="No").check()
    save_and_continue(page)

    open_section(page, "Costs, funding and savings")
    expect_page(page, "How much has the project cost?")
    page.get_by_label("How much has the project cost?").fill("125000")
    save_and_continue(page)
    expect_page(page, "How is the project funded?")
    page.get_by_role("checkbox", name="From the partners' own budgets").check()
    save_and_continue(page)
    expect_page(page, "Savings")
    page.get_by_label("How much does the project save each year in cashable savings?").fill("40000")
    page.get_by_label("Describe any non-cashable savings").fill("Fewer hospital admissions")
    save_and_continue(page)

    open_section(page, "Benefits and evaluation")
    expect_page(page, "What are the benefits of the project?")
    page.get_by_role("checkbox", name="Efficiency").check()
    page.get_by_role("checkbox", name="Public safety").check()
    save_and_continue(page)
    expect_page(page, "What evidence do you have of the benefits?")
    page.get_by_label("What evidence do you have of the benefits?").fill("Response times fell by 2 minutes.")
    save_and_continue(page)
    expect_page(page, "Has the project been evaluated?")
    page.get_by_role("radio", name="Yes").check()
    save_and_continue(page)
    expect_page(page, "What did the evaluation find?")
    page.get_by_label("What did the evaluation find?").fill("Better survival rates.")
    save_and_continue(page)

    open_section(page, "What helped, what got in the way and lessons learnt")
    expect_page(page, "What helped the project?")
    page.get_by_role("checkbox", name="Strong leadership and senior support").check()
    save_and_continue(page)
    expect_page(page, "Tell us more about what helped")
    page.get_by_label("Tell us more about what helped").fill("Chief officers backed it from the start.")
    save_and_continue(page)
    expect_page(page, "What got in the way?")
    page.get_by_role("checkbox", name="Not enough funding").check()
    save_and_continue(page)
    expect_page(page, "Tell us more about what got in the way")
    save_and_continue(page)  # optional: left blank
    expect_page(page, "What lessons have you learnt?")
    page.get_by_label("What lessons have you learnt?").fill("Agree data sharing before the first shift.")
    save_and_continue(page)

    open_section(page, "Contact and sharing")
    expect_page(page, "Who can people contact about the project?")
    page.get_by_label("Full name").fill("Priya Lead")
    page.get_by_label("Job title").fill("Collaboration manager")
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Telephone number").fill("01234 567890")
    save_and_continue(page)
    expect_page(page, "Who can see this project?")
    page.get_by_role("radio", name="Anyone, including the public").check()
    save_and_continue(page)
    expect_page(page, "Kent and Medway co-responding")
    expect(page.locator(".govuk-task-list__status")).to_have_text(["Completed"] * 8)

    page.get_by_role("button", name="Check your answers and submit").click()
    expect_page(page, "Check your answers before submitting your project")
    expect(summary_value(page, "Project name")).to_have_text("Kent and Medway co-responding")
    expect(summary_value(page, "Partner organisations")).to_contain_text("Kent Fire and Rescue Service")
    expect(summary_value(page, "Partner organisations")).to_contain_text("Essex Police")
    expect(summary_value(page, "Other theme")).to_have_text("Community first responders")
    expect(summary_value(page, "Cost")).to_contain_text("125,000")
    page.get_by_role("checkbox", name=DECLARATION).check()
    page.get_by_role("button", name="Submit project").click()

    expect(page.get_by_role("heading", level=1, name="Project submitted")).to_be_visible()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Your reference number")
    reference = panel.locator("strong").inner_text()
    assert re.fullmatch(r"CP-\d{4}-\d{5}", reference), reference
    assert_accessible(page)

    outbox.send_due()  # the worker's turn
    smtp.wait_for(1)
    [receipt] = [m for m in smtp.messages if m["To"] == "priya@example.org"]
    body = text_body(receipt)
    assert f"Reference: {reference}" in body
    assert "Project: Kent and Medway co-responding" in body
    assert "A copy of your answers" in body
    for answer in (
        "Firefighters respond to cardiac arrests with paramedics.",
        "Kent Fire and Rescue Service",
        "Community first responders",
        "Agree data sharing before the first shift.",
        "Priya Lead",
    ):
        assert answer in body, answer


def test_change_an_answer_from_check_your_answers(app, page: Page, setting):
    submission_id = prepare_complete_project(app, setting)
    sign_in(page, setting["lead"].email)
    visit(page, f"/projects/{submission_id}/check-your-answers")
    expect(summary_value(page, "Project name")).to_have_text("Kent and Medway co-responding")

    page.get_by_role("link", name="Change project name").click()
    expect_page(page, "What is the project called?")
    name = page.get_by_label("What is the project called?")
    expect(name).to_have_value("Kent and Medway co-responding")
    expect(page.get_by_role("link", name="Back")).to_have_attribute(
        "href", f"/projects/{submission_id}/check-your-answers"
    )
    name.fill("Medway co-responding")
    save_and_continue(page)

    expect_page(page, "Check your answers before submitting your project")
    expect(page).to_have_url(re.compile(rf"/projects/{submission_id}/check-your-answers(#.*)?$"))
    expect(summary_value(page, "Project name")).to_have_text("Medway co-responding")
    expect(page.locator(".govuk-caption-l")).to_have_text("Medway co-responding")


def test_the_declaration_on_check_your_answers_has_no_empty_hint(app, page: Page, setting):
    # GovCheckboxInput renders an empty hint (aria-describedby points at it) for a field with no description.
    submission_id = prepare_complete_project(app, setting)
    sign_in(page, setting["lead"].email)
    visit(page, f"/projects/{submission_id}/check-your-answers")
    expect(page.get_by_role("checkbox", name=DECLARATION)).to_be_visible()
    assert empty_hints(page) == []


def test_an_invalid_page_shows_the_errors_and_keeps_what_was_typed(app, page: Page, setting):
    sign_in(page, setting["lead"].email)
    start_project(page)
    open_section(page, "About the project")
    expect_page(page, "What is the project called?")

    save_and_continue(page)  # nothing typed
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Enter the project name"])
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#project_name-error")).to_have_text("Error: Enter the project name")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("What is the project called?")).to_be_focused()

    page.get_by_label("What is the project called?").fill("Shared estate")
    save_and_continue(page)
    expect_page(page, "Describe the project")
    too_long = " ".join(["word"] * 501)
    page.get_by_label("Describe the project").fill(too_long)
    save_and_continue(page)

    expect(summary.get_by_role("link")).to_have_text(["Project summary must be 500 words or fewer"])
    expect(summary).to_be_focused()
    expect(page.get_by_label("Describe the project")).to_have_value(too_long)
    assert_accessible(page)


def test_other_theme_is_revealed_and_the_findings_page_only_follows_a_yes(app, page: Page, setting):
    sign_in(page, setting["lead"].email)
    start_project(page)
    project = page.url

    open_section(page, "What the project covers")
    expect_page(page, "What does the project cover?")
    other = page.get_by_role("checkbox", name="Something else")
    other_theme = page.get_by_label("What else does the project cover?")
    expect(other_theme).to_be_hidden()
    expect(other).to_have_attribute("aria-expanded", "false")
    other.check()
    expect(other_theme).to_be_visible()
    expect(other).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)  # with the question revealed
    other.uncheck()
    expect(other_theme).to_be_hidden()

    visit(page, f"{project}/evaluation_findings")  # not asked yet: the task list instead
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled project")
    visit(page, f"{project}/evaluation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Has the project been evaluated?")
    page.get_by_role("radio", name="No").check()
    save_and_continue(page)
    expect_page(page, "Untitled project")  # no findings page after a no: the end of the section

    visit(page, f"{project}/evaluation")
    page.get_by_role("radio", name="Yes").check()
    save_and_continue(page)
    expect_page(page, "What did the evaluation find?")


def test_the_core_journey_by_keyboard_only(app, page: Page, setting):
    sign_in(page, setting["lead"].email)  # a lead's home: Your collaboration projects

    tab_to(page, page.get_by_role("button", name="Start a project"))
    page.keyboard.press("Enter")
    expect_page(page, "Untitled project")

    tab_to(page, page.get_by_role("link", name="About the project"))
    page.keyboard.press("Enter")
    expect_page(page, "What is the project called?")
    tab_to(page, page.get_by_label("What is the project called?"))
    page.keyboard.type("Joint fleet workshop")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect_page(page, "Describe the project")
    tab_to(page, page.get_by_label("Describe the project"))
    page.keyboard.type("Police and fire vehicles are serviced in one workshop.")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect_page(page, "Joint fleet workshop")
    expect(task_status(page, "About the project")).to_have_text("Completed")

    tab_to(page, page.get_by_role("link", name="Stage and dates"))
    page.keyboard.press("Enter")
    expect_page(page, "What stage is the project at?")
    tab_to(page, page.get_by_role("radio", name="Idea"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # moves to and selects Planning, Being set up, Up and running
    expect(page.get_by_role("radio", name="Up and running")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect_page(page, "When does the project run?")

    tab_to(page, page.get_by_role("link", name="Back"), backwards=True)
    page.keyboard.press("Enter")
    expect_page(page, "Joint fleet workshop")
    expect(task_status(page, "Stage and dates")).to_have_text("In progress")


def test_filling_in_a_page_with_a_conditional_question_without_javascript(
    app, page_without_javascript: Page, setting
):
    page = page_without_javascript
    sign_in(page, setting["lead"].email)
    start_project(page)

    open_section(page, "What the project covers")
    expect_page(page, "What does the project cover?")
    # Without the script the conditional question is shown all along, just after its choice.
    other_theme = page.get_by_label("What else does the project cover?")
    expect(other_theme).to_be_visible()
    page.get_by_role("checkbox", name="Joint training").check()
    page.get_by_role("checkbox", name="Something else").check()
    other_theme.fill("Water rescue")
    save_and_continue(page)
    expect_page(page, "What area does the project cover?")
    page.get_by_role("radio", name="Regional").check()
    save_and_continue(page)

    expect_page(page, "Untitled project")
    expect(task_status(page, "What the project covers")).to_have_text("Completed")
    expect(task_status(page, "About the project")).to_have_text("Not yet started")
    expect(page.get_by_text("You have completed 1 of 8 sections.")).to_be_visible()


def test_a_lead_with_nothing_to_report_makes_a_nil_return(app, page: Page, setting):
    sign_in(page, setting["lead"].email)
    expect_page(page, "Your collaboration projects")
    expect(page.get_by_text("You have not started any projects in this round.")).to_be_visible()

    page.get_by_role("link", name="We have no collaboration projects to report").click()
    expect_page(page, "Confirm you have no collaboration projects to report")
    expect(page.get_by_role("main")).to_contain_text("Kent Police does not lead any collaboration projects")
    page.get_by_role("button", name="Confirm nothing to report").click()

    expect_page(page, "Your collaboration projects")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"You have told us you have no collaboration projects to report for {ROUND}"
    )
    expect(page.get_by_role("heading", name="Nothing to report")).to_be_visible()
    expect(page.get_by_text("Priya Lead told us on")).to_be_visible()
    expect(page.get_by_role("button", name="We do have something to report")).to_be_visible()
    expect(page.get_by_role("link", name="We have no collaboration projects to report")).to_have_count(0)
