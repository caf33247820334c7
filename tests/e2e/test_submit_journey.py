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
    Hands,
    assert_accessible,
    complete_project,
    empty_hints,
    expect_page,
    save_and_continue,
    sign_in,
    summary_value,
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


def prepare_complete_project(app, setting) -> int:
    return complete_project(
        app, setting["lead"].email, lead_organisation_id=setting["police"].id, partner_id=setting["fire"].id
    )


@pytest.fixture(params=Hands.MODES)
def hands(request, setting) -> Hands:
    """A new lead's browser, worked with a mouse, by keyboard only, or with a mouse and JavaScript off."""
    page = request.getfixturevalue("page_without_javascript" if request.param == "no JavaScript" else "page")
    return Hands(page, request.param)


def test_a_lead_fills_in_the_whole_questionnaire_and_submits_it(app, smtp, hands: Hands, setting):
    """Every field found by what a person reads and two partners chosen as a person would: with a mouse, by
    keyboard only and without JavaScript; every page checked with axe (once for the two JavaScript modes)."""
    page = hands.page
    sign_in(page, setting["lead"].email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your collaboration projects")
    hands.press(page.get_by_role("button", name="Start a project"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled project")
    expect(page.get_by_text(ROUND)).to_be_visible()
    expect(task_status(page, "About the project")).to_have_text("Not yet started")

    def check() -> None:
        # axe checks a document, not how it was reached: by keyboard the documents are the mouse walk's, so
        # checking them again would only cost CI time.
        if not hands.keyboard:
            assert_accessible(page)

    def land(title: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        check()

    def open_task(section: str) -> None:
        expect(page.locator(".govuk-task-list")).to_be_visible()
        check()
        hands.press(page.get_by_role("link", name=section))

    def answer(question: str, text: str) -> None:
        hands.fill(page.get_by_label(question), text)

    def tick(role: str, name: str) -> None:
        hands.tick(page.get_by_role(role, name=name))  # type: ignore[arg-type]

    open_task("About the project")
    land("What is the project called?")
    answer("What is the project called?", "Kent and Medway co-responding")
    hands.save_and_continue()
    land("Describe the project")
    answer("Describe the project", "Firefighters respond to cardiac arrests with paramedics.")
    hands.save_and_continue()
    land("Kent and Medway co-responding")  # back on the task list, named now
    expect(task_status(page, "About the project")).to_have_text("Completed")

    open_task("Organisations involved")
    land("Which organisation is leading the project?")
    # The lead's own organisation, shown by name: there is nothing to choose.
    expect(page.get_by_role("main").get_by_text("Kent Police", exact=True)).to_be_visible()
    hands.save_and_continue()
    land("Which other organisations are working on the project?")
    hands.add_partner("Kent Fi", "Kent Fire and Rescue Service")
    hands.add_partner("Essex", "Essex Police")
    chosen = page.get_by_role("list", name="Partners you have added")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    check()
    hands.save_and_continue()
    land("Which other partners are involved?")
    answer("Which other partners are involved?", "Kent County Council")
    hands.save_and_continue()
    expect(task_status(page, "Organisations involved")).to_have_text("Completed")

    open_task("What the project covers")
    land("What does the project cover?")
    other_theme = page.get_by_label("What else does the project cover?")
    if hands.mode == "no JavaScript":  # shown all along, just after its choice
        expect(other_theme).to_be_visible()
    tick("checkbox", "Co-responding and first response")
    tick("checkbox", "Something else")
    hands.fill(other_theme, "Community first responders")
    hands.save_and_continue()
    land("What area does the project cover?")
    tick("radio", "County or force area")
    hands.save_and_continue()

    open_task("Stage and dates")
    land("What stage is the project at?")
    tick("radio", "Up and running")
    hands.save_and_continue()
    land("When does the project run?")
    started = page.get_by_role("group", name="When did the project start?")
    hands.fill(started.get_by_label("Month"), "4")
    hands.fill(started.get_by_label("Year"), "2024")
    hands.save_and_continue()
    land("Is the project a pilot?")
    tick("radio", "No")
    hands.save_and_continue()

    open_task("Costs, funding and savings")
    land("How much has the project cost?")
    answer("How much has the project cost?", "125000")
    hands.save_and_continue()
    land("How is the project funded?")
    tick("checkbox", "From the partners' own budgets")
    hands.save_and_continue()
    land("Savings")
    answer("How much does the project save each year in cashable savings?", "40000")
    answer("Describe any non-cashable savings", "Fewer hospital admissions")
    hands.save_and_continue()

    open_task("Benefits and evaluation")
    land("What are the benefits of the project?")
    tick("checkbox", "Efficiency")
    tick("checkbox", "Public safety")
    hands.save_and_continue()
    land("What evidence do you have of the benefits?")
    answer("What evidence do you have of the benefits?", "Response times fell by 2 minutes.")
    hands.save_and_continue()
    land("Has the project been evaluated?")
    tick("radio", "Yes")
    hands.save_and_continue()
    land("What did the evaluation find?")
    answer("What did the evaluation find?", "Better survival rates.")
    hands.save_and_continue()

    open_task("What helped, what got in the way and lessons learnt")
    land("What helped the project?")
    tick("checkbox", "Strong leadership and senior support")
    hands.save_and_continue()
    land("Tell us more about what helped")
    answer("Tell us more about what helped", "Chief officers backed it from the start.")
    hands.save_and_continue()
    land("What got in the way?")
    tick("checkbox", "Not enough funding")
    hands.save_and_continue()
    land("Tell us more about what got in the way")
    hands.save_and_continue()  # optional: left blank
    land("What lessons have you learnt?")
    answer("What lessons have you learnt?", "Agree data sharing before the first shift.")
    hands.save_and_continue()

    open_task("Contact and sharing")
    land("Who can people contact about the project?")
    answer("Full name", "Priya Lead")
    answer("Job title", "Collaboration manager")
    answer("Email address", "priya@example.org")
    answer("Telephone number", "01234 567890")
    hands.save_and_continue()
    land("Who can see this project?")
    tick("radio", "Anyone, including the public")
    hands.save_and_continue()
    land("Kent and Medway co-responding")
    expect(page.locator(".govuk-task-list__status")).to_have_text(["Completed"] * 8)

    hands.press(page.get_by_role("button", name="Check your answers and submit"))
    land("Check your answers before submitting your project")
    expect(summary_value(page, "Project name")).to_have_text("Kent and Medway co-responding")
    expect(summary_value(page, "Partner organisations")).to_contain_text("Kent Fire and Rescue Service")
    expect(summary_value(page, "Partner organisations")).to_contain_text("Essex Police")
    expect(summary_value(page, "Other theme")).to_have_text("Community first responders")
    expect(summary_value(page, "Cost")).to_contain_text("125,000")
    tick("checkbox", DECLARATION)
    hands.press(page.get_by_role("button", name="Submit project"))

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
