"""The review loop in a real browser: a lead submits, a reviewer asks for a change to one answer, the lead
changes it and submits again, and the reviewer sees the change and approves it. Every page is checked with
axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Record, Role, Sector, Submission, SubmissionStatus
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in as sign_in_client
from tests.conftest import submit_form
from tests.e2e.helpers import assert_accessible, sign_in, sign_out, visit
from tests.journey import fill_every_page, valid_posts

PROJECT = "Kent and Medway co-responding"
DECLARATION = "I confirm that the information in this return is accurate to the best of my knowledge"
OLD_LESSONS = "Agree data sharing before the first shift."
NEW_LESSONS = "Start the data sharing agreement six months before the first shift."
COMMENT = "Say what you would do differently next time, and when."


@pytest.fixture
def world(app):
    """An open round, a police lead with every page of a project answered, a fire and rescue partner lead,
    a reviewer and a reviewer from the lead's own force."""
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    lead = factories.user(email="priya@example.org", name="Priya Lead", organisation_=police)
    factories.user(email="sam@example.org", name="Sam Lead", organisation_=fire)
    reviewer = factories.reviewer(email="rhys@example.org", name="Rhys Reviewer")
    own_reviewer = factories.user(
        Role.REVIEWER, email="pat@example.org", name="Pat Police", organisation_=police
    )
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    # The questionnaire is filled in through the same forms, posted by a test client, to save time.
    client = app.test_client()
    sign_in_client(client, lead.email, factories.PASSWORD)
    response = submit_form(client, "/projects/start", {}, form_url="/projects")
    submission_id = int(re.match(r"/projects/(\d+)$", response.headers["Location"]).group(1))
    fill_every_page(client, submission_id, valid_posts(lead_id=police.id, partner_id=fire.id))
    return {
        "client": client,
        "submission_id": submission_id,
        "lead": lead,
        "reviewer": reviewer,
        "own_reviewer": own_reviewer,
    }


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def expect_page(page: Page, title: str) -> None:
    """Land on a page whose h1 is `title`, and check it with axe."""
    expect(heading(page)).to_have_text(title)
    assert_accessible(page)


def expect_success(page: Page, text: str) -> None:
    expect(page.get_by_role("alert", name="Success")).to_contain_text(text)


def summary_value(page: Page, key: str):
    """The value next to `key` in a summary list."""
    return page.locator(f"xpath=//dt[normalize-space()='{key}']/following-sibling::dd[1]")


def submit_from_check_answers(page: Page) -> None:
    """On Check your answers (already checked with axe): agree to the declaration and submit."""
    page.get_by_role("checkbox", name=DECLARATION).check()
    page.get_by_role("button", name="Submit project").click()
    expect_page(page, "Project submitted")


def open_from_queue(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Review queue").click()
    expect_page(page, "Review queue")
    page.get_by_role("link", name=PROJECT).click()
    expect_page(page, PROJECT)


def test_changes_requested_on_one_answer_then_resubmitted_and_approved(app, page: Page, world):
    submission_id = world["submission_id"]

    # The lead submits.
    sign_in(page, world["lead"].email)
    visit(page, f"/projects/{submission_id}/check-your-answers")
    expect(heading(page)).to_have_text("Check your answers before submitting your project")
    submit_from_check_answers(page)
    sign_out(page)

    # The reviewer claims it and asks for a change to the lessons learnt.
    sign_in(page, "rhys@example.org", name="Rhys Reviewer")
    open_from_queue(page)
    page.get_by_role("button", name="Claim for review").click()
    expect_success(page, "You are reviewing this submission")
    expect(page.get_by_role("main")).to_contain_text("Being reviewed by Rhys Reviewer")
    assert_accessible(page)
    page.get_by_role("button", name="Request changes").click()
    expect_page(page, "Request changes")
    page.get_by_label("Comment on lessons learnt").fill(COMMENT)
    page.get_by_role("button", name="Continue").click()
    expect_page(page, "Check your comments before you send them")
    expect(summary_value(page, "Lessons learnt")).to_have_text(COMMENT)
    expect(page.locator(".govuk-summary-list__row")).to_have_count(1)
    page.get_by_role("button", name="Send comments to the lead").click()
    expect_page(page, "Review queue")
    expect_success(page, "Your comments have been sent to Kent Police")
    sign_out(page)

    # The lead sees the comment beside the question, changes the answer and submits again.
    sign_in(page, world["lead"].email)  # a lead's home is Your projects
    expect(heading(page)).to_have_text("Your collaboration projects")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Your projects")).to_have_attribute(
        "aria-current", re.compile("page|true")
    )
    row = page.get_by_role("row").filter(has_text=PROJECT)
    expect(row).to_contain_text("Changes requested")
    row.get_by_role("link", name=PROJECT).click()
    expect_page(page, PROJECT)
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("A reviewer has asked for changes")
    expect(banner.get_by_role("link")).to_have_text(["Lessons learnt"])
    banner.get_by_role("link", name="Lessons learnt").click()
    expect_page(page, "What lessons have you learnt?")
    comment = page.locator("#lessons_learnt-review-comment")
    expect(comment).to_contain_text("Reviewer's comment on lessons learnt")
    expect(comment).to_contain_text(COMMENT)
    answer = page.get_by_label("What lessons have you learnt?")
    expect(answer).to_have_value(OLD_LESSONS)
    answer.fill(NEW_LESSONS)
    page.get_by_role("button", name="Save and continue").click()
    expect_page(page, PROJECT)
    page.get_by_role("button", name="Check your answers and submit").click()
    expect_page(page, "Check your answers before submitting your project")
    expect(summary_value(page, "Lessons learnt")).to_have_text(NEW_LESSONS)
    submit_from_check_answers(page)
    sign_out(page)

    # The reviewer sees what changed and approves.
    sign_in(page, "rhys@example.org", name="Rhys Reviewer")
    open_from_queue(page)
    expect(page.get_by_role("heading", name="What changed since the previous revision")).to_be_visible()
    changes = page.get_by_role("table", name="Changes since the previous revision")
    expect(changes.get_by_role("row")).to_have_count(2)  # the header and the one change
    change = changes.get_by_role("row").filter(has_text="Lessons learnt")
    expect(change.locator("del")).to_have_text(OLD_LESSONS)
    expect(change.locator("ins")).to_have_text(NEW_LESSONS)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect_page(page, "Are you sure you want to approve this project?")
    page.get_by_role("button", name="Approve and publish").click()
    expect_page(page, "Review queue")
    expect_success(page, f"{PROJECT} has been approved and published in the collaboration database")

    db.session.rollback()  # see what the live server committed
    submission = db.session.get(Submission, submission_id)
    assert submission.status == SubmissionStatus.APPROVED
    assert len(submission.revisions) == 2
    record = db.session.scalars(select(Record)).one()
    assert record.name == PROJECT
    assert NEW_LESSONS in record.search_text and OLD_LESSONS not in record.search_text


def test_a_reviewer_from_an_organisation_the_submission_names_cannot_decide(app, page: Page, world):
    """Neither a reviewer from the lead organisation nor one from a partner may decide on it."""
    fire = db.session.scalars(select(Organisation).filter_by(name="Kent Fire and Rescue Service")).one()
    factories.user(Role.REVIEWER, email="fern@example.org", name="Fern Fire", organisation_=fire)
    client = world["client"]
    submit_form(client, f"/projects/{world['submission_id']}/check-your-answers", {"confirm": "y"})

    for email, name in (("pat@example.org", "Pat Police"), ("fern@example.org", "Fern Fire")):
        sign_in(page, email, name=name)
        open_from_queue(page)
        expect(page.get_by_role("main")).to_contain_text(
            "This submission names your organisation as its lead or as a partner, so you cannot decide on "
            "it. Another reviewer must."
        )
        for button in ("Claim for review", "Approve", "Request changes", "Reject"):
            expect(page.get_by_role("button", name=button, exact=True)).to_have_count(0)
        sign_out(page)
