"""What changed between two revisions: a reviewer sees each changed answer as it is displayed, before and
after, in questionnaire order."""

from __future__ import annotations

from app.questionnaires.loader import default_questionnaire
from app.questionnaires.schema import Page, Question, Questionnaire, Section
from app.services.review.revision_diff import Change, changes_between

NAMES = {"1": "Kent Police", "2": "Kent Fire and Rescue Service", "3": "South East Coast Ambulance Service"}

REVISION = {
    "project_name": "Kent and Medway co-responding",
    "summary": "Firefighters attend cardiac arrests on behalf of the ambulance service.",
    "lead_organisation": "2",
    "partners": ["3"],
    "themes": ["co_responding"],
    "geography": "force_area",
    "stage": "implemented",
    "start_date": {"month": "4", "year": "2019"},
    "pilot": "no",
    "cost": "1250",
    "has_evaluation": "no",
    "sharing": "public",
}


def changes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    return [
        (change.question.id, change.before, change.after)
        for change in changes_between(default_questionnaire(), before, after, NAMES)
    ]


def test_no_changes_when_the_revisions_are_the_same():
    assert changes(REVISION, dict(REVISION)) == []


def test_changed_answers_are_shown_as_displayed_in_questionnaire_order():
    after = REVISION | {
        "stage": "ended",
        "project_name": "Co-responding in Kent and Medway",
        "partners": ["3", "1"],
        "start_date": {"month": "May", "year": "2019"},
    }

    assert changes(REVISION, after) == [
        ("project_name", "Kent and Medway co-responding", "Co-responding in Kent and Medway"),
        ("partners", "South East Coast Ambulance Service", "South East Coast Ambulance Service\nKent Police"),
        ("stage", "Up and running", "Ended"),
        ("start_date", "April 2019", "May 2019"),
    ]


def test_a_change_says_which_page_the_question_is_on():
    [change] = changes_between(default_questionnaire(), REVISION, REVISION | {"cost": "900"}, NAMES)

    assert change == Change(
        question=default_questionnaire().question("cost"),
        page=default_questionnaire().page("cost"),
        before="£1,250",
        after="£900",
    )


def test_retyping_an_answer_that_displays_the_same_is_not_a_change():
    after = REVISION | {"cost": "£1,250.00", "start_date": {"month": "April", "year": "2019"}}

    assert changes(REVISION, after) == []


def test_an_answer_added_or_removed_shows_blank_on_the_unanswered_side():
    after = REVISION | {"other_partners": "Kent County Council"}
    del after["pilot"]

    assert changes(REVISION, after) == [
        ("other_partners", "", "Kent County Council"),
        ("pilot", "No", ""),
    ]


def test_a_question_hidden_in_one_revision_is_blank_there():
    evaluated = REVISION | {
        "has_evaluation": "yes",
        "evaluation_findings": "Response times fell by 4 minutes.",
    }
    not_evaluated = evaluated | {"has_evaluation": "no"}  # the old findings are kept but no longer shown

    assert changes(evaluated, not_evaluated) == [
        ("has_evaluation", "Yes", "No"),
        ("evaluation_findings", "Response times fell by 4 minutes.", ""),
    ]
    assert changes(not_evaluated, evaluated) == [
        ("has_evaluation", "No", "Yes"),
        ("evaluation_findings", "", "Response times fell by 4 minutes."),
    ]


def test_a_question_hidden_in_both_revisions_is_not_a_change():
    before = REVISION | {"other_theme": "Drones"}
    after = REVISION | {"other_theme": "Drones and search dogs"}  # neither revision ticked "Something else"

    assert changes(before, after) == []


def test_a_question_shown_but_unanswered_on_both_sides_is_not_a_change():
    after = REVISION | {"has_evaluation": "yes"}  # the findings page is now shown, but not yet answered

    assert changes(REVISION, after) == [("has_evaluation", "No", "Yes")]


def test_a_repeating_group_is_compared_as_one_whole_answer():
    # The shipped questionnaire has no repeating group, so this one is built for the test.
    name = Question(id="name", type="text", label="Name?", short_label="Name", line=1)
    role = Question(id="role", type="text", label="Role?", short_label="Role", line=1, required=False)
    contacts = Question(
        id="contacts",
        type="repeating_group",
        label="Who are the contacts?",
        short_label="Contacts",
        line=1,
        item_name="contact",
        fields=(name, role),
    )
    page = Page(id="contacts", title="Contacts", line=1, questions=(contacts,))
    questionnaire = Questionnaire(
        id="demo",
        version="1",
        title="Demo",
        sections=(Section(id="contacts", title="Contacts", line=1, pages=(page,)),),
        declaration="I confirm.",
    )
    before = {"contacts": [{"name": "Sam Patel", "role": "Station manager"}, {"name": "Jo Ng"}]}
    after = {"contacts": [{"name": "Sam Patel", "role": "Group manager"}, {"name": "Jo Ng"}]}

    assert changes_between(questionnaire, before, after, NAMES) == [
        Change(
            question=contacts,
            page=page,
            before="Contact 1: Name: Sam Patel; Role: Station manager\nContact 2: Name: Jo Ng",
            after="Contact 1: Name: Sam Patel; Role: Group manager\nContact 2: Name: Jo Ng",
        )
    ]
    assert changes_between(questionnaire, before, {"contacts": [*before["contacts"]]}, NAMES) == []
