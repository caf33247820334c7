"""Answers as people read them in "Check your answers" and in receipt emails."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.questionnaires.display import (
    format_answer,
    format_money,
    is_blank,
    parse_money,
    parse_number,
)
from app.questionnaires.schema import Choice, Condition, Page, Question, Questionnaire, Section
from app.services.submissions.answers import answer_sections

NAMES = {"1": "Avon and Somerset Constabulary", "3": "Avon Fire and Rescue Service"}


def question(qid: str, kind: str, short_label: str = "Answer", **kwargs) -> Question:
    return Question(id=qid, type=kind, label=f"{short_label}?", short_label=short_label, line=1, **kwargs)


THEMES = question(
    "themes",
    "checkboxes",
    "Themes",
    choices=(Choice("estates", "Shared estates"), Choice("training", "Joint training")),
)
STAGE = question("stage", "radios", "Stage", choices=(Choice("live", "Live"), Choice("planning", "Planning")))
CONTACTS = question(
    "contacts",
    "repeating_group",
    "Contacts",
    item_name="contact",
    fields=(
        question("contact_name", "text", "Name"),
        question("contact_role", "text", "Role", required=False),
        question("contact_themes", "checkboxes", "Themes", choices=THEMES.choices, required=False),
    ),
)


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("text", "  Blue light hub ", "Blue light hub"),
        ("long_text", "First line\nSecond line", "First line\nSecond line"),
        ("number", "1,250", "1,250"),
        ("money", "1250.5", "£1,250.50"),
        ("money", "£1,250", "£1,250"),
        ("money", "1250.00", "£1,250"),
        ("money", "-40", "-£40"),
        ("money", "lots", "lots"),  # saved as typed when it was not valid
        ("date", {"day": "18", "month": "12", "year": "2017"}, "18 December 2017"),
        ("date", {"day": "01", "month": "Dec", "year": "2017"}, "1 December 2017"),
        ("date", {"day": "31", "month": "2", "year": "2017"}, "31 2 2017"),
        ("month_year", {"month": "12", "year": "2017"}, "December 2017"),
        ("yes_no", "yes", "Yes"),
        ("yes_no", "no", "No"),
    ],
)
def test_simple_answers(kind, value, shown):
    assert format_answer(question("q", kind), value, NAMES) == shown


def test_choices_show_their_labels():
    assert format_answer(STAGE, "planning", NAMES) == "Planning"
    select = question("region", "select", "Region", choices=(Choice("wales", "Wales"),))
    assert format_answer(select, "wales", NAMES) == "Wales"
    assert format_answer(THEMES, ["training", "estates"], NAMES) == "Joint training\nShared estates"


def test_organisations_show_their_names():
    assert format_answer(question("lead", "organisation"), "3", NAMES) == "Avon Fire and Rescue Service"
    assert format_answer(question("partners", "organisations"), ["1", "3"], NAMES) == (
        "Avon and Somerset Constabulary\nAvon Fire and Rescue Service"
    )


def test_repeating_groups_show_one_line_an_item():
    items = [
        {"contact_name": "Ann", "contact_role": "Chief", "contact_themes": ["estates", "training"]},
        {"contact_name": "", "contact_role": "", "contact_themes": []},
        {"contact_name": "Bo", "contact_role": ""},
    ]
    assert format_answer(CONTACTS, items, NAMES) == (
        "Contact 1: Name: Ann; Role: Chief; Themes: Shared estates, Joint training\nContact 2: Name: Bo"
    )


@pytest.mark.parametrize(
    "value", [None, "", "   ", [], {"day": "", "month": "", "year": ""}, [{"contact_name": ""}]]
)
def test_no_answer_is_an_empty_string(value):
    for kind in ("text", "checkboxes", "date", "repeating_group"):
        assert format_answer(question("q", kind), value, NAMES) == ""
    assert is_blank(value)


def test_reading_numbers_and_money():
    assert parse_number("1,250.5") == Decimal("1250.5")
    assert parse_number("1,25") is None
    assert parse_money("£1,250.50") == Decimal("1250.50")
    assert parse_money("1250.505") is None
    assert format_money(Decimal("1000000")) == "£1,000,000"


def test_check_your_answers_lists_the_shown_questions_in_order_with_their_answers():
    pilot = question("pilot", "yes_no", "Pilot")
    reason = question("reason", "text", "Reason", show_when=Condition("pilot", ("yes",)))
    name = question("name", "text", "Project name")
    cost = question("cost", "money", "Cost", required=False)
    first = Page("first", "First", 1, (name, pilot, reason))
    second = Page("second", "Second", 2, (cost, STAGE))
    section = Section("section", "Section", 1, (first, second))
    questionnaire = Questionnaire("test", "1", "Test", (section,), "I confirm")
    answers = {"name": "Hub", "pilot": "no", "reason": "Kept from before", "cost": "", "stage": "live"}

    def shown(answers):
        return [
            [(row.question, row.text) for row in part.rows]
            for part in answer_sections(questionnaire, answers)
        ]

    # The reason is hidden while the project is not a pilot; the unanswered cost shows with nothing beside it.
    assert shown(answers) == [[(name, "Hub"), (pilot, "No"), (cost, ""), (STAGE, "Live")]]
    assert shown({**answers, "pilot": "yes"}) == [
        [(name, "Hub"), (pilot, "Yes"), (reason, "Kept from before"), (cost, ""), (STAGE, "Live")]
    ]
