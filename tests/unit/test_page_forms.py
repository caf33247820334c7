"""The questionnaire page forms: what is kept, what is refused and with which words, and what is drawn."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app import create_app
from app.forms.common import error_summary
from app.forms.questionnaire import page_form, page_heading
from app.questionnaires.organisation_options import OrganisationOption
from app.questionnaires.schema import (
    Choice,
    Condition,
    Page,
    Question,
    Questionnaire,
    Section,
    Validation,
)

RENDER = (
    '{% from "submit/_questions.html" import render_questions %}{{ render_questions(form, page, answers) }}'
)

ORGANISATIONS = (
    OrganisationOption(1, "Avon and Somerset Constabulary", "police", "Police"),
    OrganisationOption(2, "Devon and Cornwall Police", "police", "Police"),
    OrganisationOption(3, "Avon Fire and Rescue Service", "fire_and_rescue", "Fire and rescue"),
    OrganisationOption(4, "South Western Ambulance Service", "ambulance", "Ambulance"),
    OrganisationOption(5, "Bristol City Council", "local_authority", "Local authority"),
)


@pytest.fixture(scope="module")
def app():
    app = create_app("testing")
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def question(qid: str, kind: str, short_label: str, **kwargs) -> Question:
    kwargs.setdefault("label", f"{short_label}?")
    return Question(id=qid, type=kind, short_label=short_label, line=1, **kwargs)


def one_page(*questions: Question, title: str = "About the project", intro: str | None = None):
    page = Page("page", title, 1, tuple(questions), intro=intro)
    return page, Questionnaire("test", "1", "Test", (Section("section", "Section", 1, (page,)),), "I confirm")


def post(app, questions, data, *, answers=None, page=None, questionnaire=None, **kwargs):
    """Post `data` to a page of `questions`; returns the checked form."""
    if page is None:
        page, questionnaire = one_page(*questions)
    answers = answers or {}
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = page_form(page, questionnaire, answers=answers, **kwargs)
        form.check({**answers, **form.collect()})
    return form


def render(app, page, questionnaire, *, answers=None, data=None, check=False, **kwargs) -> tuple[str, object]:
    """The page's questions as HTML: from saved `answers` (a GET) or from posted `data`."""
    answers = answers or {}
    method = "GET" if data is None else "POST"
    with app.test_request_context(method=method, data=MultiDict(data or [])):
        form = page_form(page, questionnaire, answers=answers, **kwargs)
        if check:
            form.check({**answers, **form.collect()})
        output = render_template_string(RENDER, form=form, page=page, answers=answers)
    return html.unescape(output), form


def first_error(form, name: str) -> str | None:
    return form.errors.get(name, [None])[0]


# -- text ---------------------------------------------------------------------------------------------------

NAME = question("project_name", "text", "Project name", validation=Validation(max_length=20))


def test_text_answers_are_stripped(app):
    form = post(app, [NAME], {"project_name": "  Blue light hub  "})
    assert form.collect() == {"project_name": "Blue light hub"}
    assert form.errors == {}


def test_a_required_text_answer_must_be_entered(app):
    form = post(app, [NAME], {"project_name": "   "})
    assert first_error(form, "project_name") == "Enter project name"
    assert form.collect() == {"project_name": ""}


def test_required_message_from_the_definition(app):
    named = question("project_name", "text", "Project name", required_message="Enter the project's name")
    assert first_error(post(app, [named], {}), "project_name") == "Enter the project's name"


def test_an_optional_question_can_be_left_blank(app):
    optional = question("nickname", "text", "Nickname", required=False)
    form = post(app, [optional], {"nickname": ""})
    assert form.errors == {}
    assert form.collect() == {"nickname": ""}


def test_text_length_limits(app):
    form = post(app, [NAME], {"project_name": "x" * 21})
    assert first_error(form, "project_name") == "Project name must be 20 characters or fewer"
    assert form.collect() == {"project_name": "x" * 21}
    short = question("code", "text", "Project code", validation=Validation(min_length=3))
    assert (
        first_error(post(app, [short], {"code": "ab"}), "code") == "Project code must be 3 characters or more"
    )


def test_text_pattern(app):
    email = question(
        "email",
        "text",
        "Email address",
        validation=Validation(
            pattern=r"[^@\s]+@[^@\s]+", pattern_message="Enter an email address in the correct format"
        ),
    )
    assert first_error(post(app, [email], {"email": "not an email"}), "email") == (
        "Enter an email address in the correct format"
    )
    assert post(app, [email], {"email": "a@example.com"}).errors == {}


def test_an_acronym_keeps_its_capitals_in_messages(app):
    trust = question("trust", "text", "NHS trust")
    assert first_error(post(app, [trust], {}), "trust") == "Enter NHS trust"


# -- long text ----------------------------------------------------------------------------------------------

SUMMARY = question("summary", "long_text", "Project summary", validation=Validation(max_words=5))


def test_long_text_word_limit(app):
    form = post(app, [SUMMARY], {"summary": "one two three four five six"})
    assert first_error(form, "summary") == "Project summary must be 5 words or fewer"
    assert post(app, [SUMMARY], {"summary": "one two\r\nthree four five"}).errors == {}


def test_long_text_keeps_new_lines_as_typed(app):
    form = post(app, [SUMMARY], {"summary": "  First line\r\nSecond line\r\n"})
    assert form.collect() == {"summary": "First line\nSecond line"}


def test_long_text_with_a_word_limit_is_a_character_count_in_word_mode(app):
    page, questionnaire = one_page(SUMMARY)
    output, _ = render(app, page, questionnaire)
    assert 'data-module="govuk-character-count"' in output
    assert 'data-maxwords="5"' in output
    assert "You can enter up to 5 words" in output


# -- numbers and money --------------------------------------------------------------------------------------

STAFF = question(
    "staff",
    "number",
    "Number of staff",
    validation=Validation(whole_number=True, min_value=Decimal(1), max_value=Decimal(5000)),
)


@pytest.mark.parametrize("typed", ["12", "1,250", " 5000 "])
def test_numbers_people_type(app, typed):
    assert post(app, [STAFF], {"staff": typed}).errors == {}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter number of staff"),
        ("twelve", "Number of staff must be a number"),
        ("12,50", "Number of staff must be a number"),
        ("2.5", "Number of staff must be a whole number"),
        ("0", "Number of staff must be between 1 and 5,000"),
        ("5001", "Number of staff must be between 1 and 5,000"),
    ],
)
def test_numbers_refused(app, typed, message):
    form = post(app, [STAFF], {"staff": typed})
    assert first_error(form, "staff") == message
    assert form.collect() == {"staff": typed}  # kept exactly as typed, to show it again


def test_number_limits_on_one_side(app):
    at_least = question("hours", "number", "Hours", validation=Validation(min_value=Decimal(10)))
    at_most = question("hours", "number", "Hours", validation=Validation(max_value=Decimal("7.5")))
    assert first_error(post(app, [at_least], {"hours": "9"}), "hours") == "Hours must be 10 or more"
    assert first_error(post(app, [at_most], {"hours": "8"}), "hours") == "Hours must be 7.5 or less"
    assert post(app, [at_most], {"hours": "7.25"}).errors == {}


COST = question(
    "cost", "money", "Cost", validation=Validation(min_value=Decimal(0), max_value=Decimal(1000000))
)


@pytest.mark.parametrize("typed", ["1250", "1,250", "£1,250.50", "1250.5", "£ 99", ".5", "0"])
def test_money_people_type(app, typed):
    form = post(app, [COST], {"cost": typed})
    assert form.errors == {}
    assert form.collect() == {"cost": typed.strip()}


@pytest.mark.parametrize("typed", ["1250.505", "twelve pounds", "12.5.3", "£", "1,25", "$40"])
def test_money_refused(app, typed):
    form = post(app, [COST], {"cost": typed})
    assert first_error(form, "cost") == "Cost must be an amount of money, like 1250 or 1250.50"
    assert form.collect() == {"cost": typed}


def test_money_limits_are_shown_as_money(app):
    assert first_error(post(app, [COST], {"cost": "-£5"}), "cost") == "Cost must be between £0 and £1,000,000"
    assert first_error(post(app, [COST], {"cost": "1000000.01"}), "cost") == (
        "Cost must be between £0 and £1,000,000"
    )


def test_money_has_a_pound_prefix_and_numbers_a_numeric_keyboard(app):
    page, questionnaire = one_page(COST, STAFF)
    output, _ = render(app, page, questionnaire)
    cost = re.search(r'<input[^>]*id="cost"[^>]*>', output).group(0)
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in output
    assert 'inputmode="decimal"' in cost
    assert 'spellcheck="false"' in cost
    staff = re.search(r'<input[^>]*id="staff"[^>]*>', output).group(0)
    assert 'inputmode="numeric"' in staff


# -- dates ------------------------------------------------------------------------------------------------

START = question(
    "start",
    "date",
    "Start date",
    validation=Validation(not_before="2000-01-01", not_after="2030-12-31"),
)


def date_data(day: str, month: str, year: str, name: str = "start") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter start date"),
        (("18", "", "2017"), "Start date must include a month"),
        (("", "", "2017"), "Start date must include a day and month"),
        (("18", "12", ""), "Start date must include a year"),
        (("31", "2", "2020"), "Start date must be a real date"),
        (("18", "13", "2017"), "Start date must be a real date"),
        (("x", "12", "2017"), "Start date must be a real date"),
        (("18", "12", "17"), "Start date must include a year with 4 numbers"),
        (("18", "13", "19"), "Start date must be a real date, with a year of 4 numbers"),
        (("31", "12", "1999"), "Start date must be the same as or after 1 January 2000"),
        (("1", "1", "2031"), "Start date must be the same as or before 31 December 2030"),
    ],
)
def test_dates_refused(app, typed, message):
    form = post(app, [START], date_data(*typed))
    assert first_error(form, "start") == message
    typed_parts = dict(zip(("day", "month", "year"), typed, strict=True))
    assert form.collect() == {"start": typed_parts if any(typed) else {}}  # an empty date is {}


@pytest.mark.parametrize("typed", [("18", "12", "2017"), (" 1 ", "Dec", "2017"), ("29", "february", "2024")])
def test_dates_people_type(app, typed):
    assert post(app, [START], date_data(*typed)).errors == {}


def test_the_error_summary_links_to_the_first_date_part_in_error(app):
    missing_month = post(app, [START], date_data("18", "", "2017"))
    assert error_summary(missing_month)["errorList"] == [
        {"text": "Start date must include a month", "href": "#start-month"}
    ]
    unreal = post(app, [START], date_data("31", "2", "2020"))
    assert error_summary(unreal)["errorList"][0]["href"] == "#start-day"
    # Month 13 and year 19: both boxes are marked, and the summary links to the first of them.
    wrong = post(app, [START], date_data("18", "13", "19"))
    assert wrong["start"].parts_in_error() == ("month", "year")
    assert error_summary(wrong)["errorList"][0]["href"] == "#start-month"


def test_dates_relative_to_today(app):
    past = question("opened", "date", "Opening date", validation=Validation(not_after="today"))
    tomorrow = date.today() + timedelta(days=2)
    form = post(app, [past], date_data(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year), "opened"))
    assert first_error(form, "opened") == "Opening date must be today or in the past"
    future = question("ends", "date", "End date", validation=Validation(not_before="today"))
    form = post(app, [future], date_data("1", "1", "2001", "ends"))
    assert first_error(form, "ends") == "End date must be today or in the future"


STARTED = question(
    "started", "month_year", "Start date", validation=Validation(not_before="2010-06-15", not_after="today")
)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", ""), "Enter start date"),
        (("6", ""), "Start date must include a year"),
        (("", "2017"), "Start date must include a month"),
        (("13", "2017"), "Start date must be a real date"),
        (("13", "19"), "Start date must be a real date, with a year of 4 numbers"),
        (("5", "2010"), "Start date must be the same as or after June 2010"),
        (("1", "2999"), "Start date must be this month or in the past"),
    ],
)
def test_month_and_year_refused(app, typed, message):
    form = post(app, [STARTED], {"started-month": typed[0], "started-year": typed[1]})
    assert first_error(form, "started") == message
    assert form.collect() == {"started": {"month": typed[0], "year": typed[1]} if any(typed) else {}}


def test_month_and_year_accepted_and_drawn_without_a_day(app):
    assert post(app, [STARTED], {"started-month": "6", "started-year": "2010"}).errors == {}
    assert post(app, [STARTED], {"started-month": "September", "started-year": "2017"}).errors == {}
    page, questionnaire = one_page(STARTED)
    output, _ = render(app, page, questionnaire, answers={"started": {"month": "9", "year": "2017"}})
    assert 'id="started-month"' in output
    assert 'name="started-year"' in output
    assert 'value="2017"' in output
    assert "started-day" not in output


# -- choices ------------------------------------------------------------------------------------------------

PILOT = question("pilot", "yes_no", "Pilot", label="Is the project a pilot?")
STAGE = question(
    "stage",
    "radios",
    "Stage",
    choices=(Choice("planning", "Planning"), Choice("live", "Live", hint="Up and running")),
)
REGION = question(
    "region",
    "select",
    "Region",
    choices=(Choice("london", "London"), Choice("wales", "Wales")),
    required=False,
)
THEMES = question(
    "themes",
    "checkboxes",
    "Themes",
    choices=(
        Choice("estates", "Shared estates"),
        Choice("training", "Joint training"),
        Choice("control", "Joint control rooms"),
        Choice("none", "None of these", exclusive=True),
    ),
    validation=Validation(max_items=2),
)


def test_yes_or_no(app):
    assert post(app, [PILOT], {"pilot": "yes"}).collect() == {"pilot": "yes"}
    assert first_error(post(app, [PILOT], {}), "pilot") == "Select yes or no"
    assert first_error(post(app, [PILOT], {"pilot": "maybe"}), "pilot") == "Select yes or no"
    worded = question("pilot", "yes_no", "Pilot", required_message="Select yes if the project is a pilot")
    assert first_error(post(app, [worded], {}), "pilot") == "Select yes if the project is a pilot"


def test_radios(app):
    assert post(app, [STAGE], {"stage": "live"}).errors == {}
    assert first_error(post(app, [STAGE], {}), "stage") == "Select stage"
    form = post(app, [STAGE], {"stage": "<script>"})
    assert first_error(form, "stage") == "Select stage from the list"
    assert form.collect() == {"stage": "<script>"}


def test_select(app):
    assert post(app, [REGION], {"region": ""}).errors == {}
    assert first_error(post(app, [REGION], {"region": "mars"}), "region") == "Select region from the list"
    page, questionnaire = one_page(REGION, STAGE)
    output, _ = render(app, page, questionnaire, answers={"region": "wales"})
    assert '<select class="govuk-select" id="region" name="region">' in output
    assert '<option value="wales" selected>Wales</option>' in output


def test_checkboxes(app):
    form = post(app, [THEMES], MultiDict([("themes", "estates"), ("themes", " training ")]))
    assert form.errors == {}
    assert form.collect() == {"themes": ["estates", "training"]}
    assert post(app, [THEMES], {}).collect() == {"themes": []}
    assert first_error(post(app, [THEMES], {}), "themes") == "Select themes"


def test_checkboxes_refused(app):
    tampered = post(app, [THEMES], MultiDict([("themes", "estates"), ("themes", "bribery")]))
    assert first_error(tampered, "themes") == "Select themes from the list"
    too_many = post(
        app, [THEMES], MultiDict([("themes", "estates"), ("themes", "training"), ("themes", "control")])
    )
    assert first_error(too_many, "themes") == "Select no more than 2 themes"
    both = post(app, [THEMES], MultiDict([("themes", "estates"), ("themes", "none")]))
    assert first_error(both, "themes") == "Select either 'None of these' or themes, not both"
    at_least = question(
        "themes", "checkboxes", "Themes", choices=THEMES.choices, validation=Validation(min_items=2)
    )
    assert first_error(post(app, [at_least], {"themes": "estates"}), "themes") == "Select at least 2 themes"


def test_choices_are_drawn_with_hints_only_where_the_definition_has_them(app):
    page, questionnaire = one_page(PILOT, STAGE, THEMES)
    output, _ = render(app, page, questionnaire, answers={"themes": ["training"]})
    assert 'class="govuk-radios govuk-radios--inline"' in output  # yes or no, side by side
    assert output.count('class="govuk-hint') == 1  # only the "Live" choice has a hint
    assert "Up and running" in output
    assert '<div class="govuk-checkboxes__divider">or</div>' in output
    assert 'data-behaviour="exclusive"' in output
    assert re.search(r'value="training" checked', output)
    assert " required" not in output


# -- organisations ------------------------------------------------------------------------------------------

LEAD = question("lead", "organisation", "Lead organisation", sectors=("police", "fire_and_rescue"))
PARTNERS = question(
    "partners",
    "organisations",
    "Partner organisations",
    require_one_of_sectors=("police", "fire_and_rescue", "ambulance"),
)


def test_one_organisation(app):
    form = post(app, [LEAD], {"lead": "3"}, organisations=ORGANISATIONS)
    assert form.errors == {}
    assert form.collect() == {"lead": "3"}
    assert (
        first_error(post(app, [LEAD], {}, organisations=ORGANISATIONS), "lead") == "Select lead organisation"
    )
    for refused in ("5", "999", "police"):  # another sector, no such organisation, not an id
        form = post(app, [LEAD], {"lead": refused}, organisations=ORGANISATIONS)
        assert first_error(form, "lead") == "Select an organisation from the list"


def test_several_organisations(app):
    data = MultiDict([("partners", "2"), ("partners", "5")])
    form = post(app, [PARTNERS], data, organisations=ORGANISATIONS, own_organisation_id=1)
    assert form.errors == {}
    assert form.collect() == {"partners": ["2", "5"]}


def test_partners_must_include_an_emergency_service(app):
    form = post(app, [PARTNERS], {"partners": "5"}, organisations=ORGANISATIONS)
    assert (
        first_error(form, "partners")
        == "Select at least one police, fire and rescue or ambulance organisation"
    )
    worded = question(
        "partners",
        "organisations",
        "Partner organisations",
        require_one_of_sectors=("police",),
        require_one_of_sectors_message="Select at least one police force",
    )
    form = post(app, [worded], {"partners": "3"}, organisations=ORGANISATIONS)
    assert first_error(form, "partners") == "Select at least one police force"


def test_your_own_organisation_is_not_a_partner(app):
    form = post(app, [PARTNERS], {"partners": "1"}, organisations=ORGANISATIONS, own_organisation_id=1)
    assert first_error(form, "partners") == "Select an organisation from the list"
    form = post(app, [PARTNERS], {"partners": "77"}, organisations=ORGANISATIONS, own_organisation_id=1)
    assert first_error(form, "partners") == "Select an organisation from the list"


REGIONAL = (
    OrganisationOption(1, "Kent Police", "police", "Police", "south_east", "South East"),
    OrganisationOption(2, "Essex Police", "police", "Police", "east_of_england", "East of England"),
    OrganisationOption(
        3, "Kent Fire and Rescue Service", "fire_and_rescue", "Fire and rescue", "south_east", "South East"
    ),
    OrganisationOption(
        4, "Avon Fire and Rescue Service", "fire_and_rescue", "Fire and rescue", "south_west", "South West"
    ),
    OrganisationOption(
        5, "South East Coast Ambulance Service", "ambulance", "Ambulance", "south_east", "South East"
    ),
)


def test_partners_are_added_one_at_a_time_and_removed(app):
    page, questionnaire = one_page(PARTNERS)
    with app.test_request_context(method="POST", data={"partners-add": "3", "action": "add:partners"}):
        form = page_form(page, questionnaire, answers={}, organisations=REGIONAL, own_organisation_id=1)
        assert form.action == "add:partners"
        assert form.collect() == {"partners": ["3"]}
    data = MultiDict([("partners", "3"), ("partners-add", "2"), ("action", "add:partners")])
    with app.test_request_context(method="POST", data=data):
        form = page_form(page, questionnaire, answers={}, organisations=REGIONAL, own_organisation_id=1)
        assert form.collect() == {"partners": ["3", "2"]}
    data = MultiDict([("partners", "3"), ("partners", "2"), ("action", "remove:partners:3")])
    with app.test_request_context(method="POST", data=data):
        form = page_form(page, questionnaire, answers={}, organisations=REGIONAL, own_organisation_id=1)
        assert form.action == "remove:partners:3"
        assert form.collect() == {"partners": ["2"]}
    # Chosen in the list but saved with "Save and continue": it is added all the same.
    data = MultiDict([("partners", "3"), ("partners-add", "5"), ("save_continue", "1")])
    form = post(app, [PARTNERS], data, organisations=REGIONAL, own_organisation_id=1)
    assert form.action is None
    assert form.errors == {}
    assert form.collect() == {"partners": ["3", "5"]}


def test_the_partner_picker_lists_the_chosen_and_offers_the_leads_region_first(app):
    page, questionnaire = one_page(PARTNERS)
    output, form = render(
        app, page, questionnaire, answers={"partners": ["5"]}, organisations=REGIONAL, own_organisation_id=1
    )
    assert form.default_action == "add:partners"
    chosen = output.split('class="govuk-summary-list app-chosen-list"')[1].split("</ul>")[0]
    assert "South East Coast Ambulance Service" in chosen
    assert '<input type="hidden" name="partners" value="5">' in chosen
    assert 'value="remove:partners:5">Remove<span class="govuk-visually-hidden"> South East Coast' in chosen
    select = output.split("<select")[1].split("</select>")[0]
    assert 'id="partners" name="partners-add"' in select
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["In the South East", "Other areas"]
    offered = re.findall(r'<option value="(\d+)">', select)
    assert offered == ["3", "4", "2"]  # the lead's region first; not the lead itself, nor one already chosen
    assert "Organisations in the South East come first" in output
    assert 'value="add:partners">Add partner</button>' in output
    # Enter in a field adds the organisation chosen rather than saving the page and moving on.
    assert re.search(
        r'<button type="submit" class="govuk-visually-hidden"[^>]*name="action" value="add:partners"', output
    )


def test_partners_in_error_say_how_to_put_it_right(app):
    page, questionnaire = one_page(PARTNERS)
    output, form = render(
        app, page, questionnaire, data={"partners": "5"}, check=True, organisations=ORGANISATIONS
    )
    assert "govuk-form-group--error" in output
    assert "govuk-select--error" in output
    assert_summary_links_exist(form, output)
    output, form = render(app, page, questionnaire, answers={}, organisations=ORGANISATIONS)
    assert "You have not added any partners yet." in output


def test_the_lead_organisation_is_the_leads_own_shown_by_name_not_chosen(app):
    lead = question(
        "lead", "organisation", "Lead organisation", own_organisation=True, hint="Its lead reports it."
    )
    page, questionnaire = one_page(lead)
    output, form = render(app, page, questionnaire, organisations=REGIONAL, own_organisation_id=3)
    assert form.collect() == {"lead": "3"}
    assert "<select" not in output
    assert re.search(r'<p class="[^"]*" id="lead">Kent Fire and Rescue Service</p>', output)
    assert '<div class="govuk-hint" id="lead-hint">Its lead reports it.</div>' in output
    # Whatever is posted or was saved, the answer is the lead's own organisation.
    form = post(app, [lead], {"lead": "2"}, organisations=REGIONAL, own_organisation_id=3)
    assert form.errors == {}
    assert form.collect() == {"lead": "3"}
    output, form = render(
        app, page, questionnaire, answers={"lead": "2"}, organisations=REGIONAL, own_organisation_id=3
    )
    assert form.collect() == {"lead": "3"}


def test_without_a_lead_the_lead_organisation_is_a_select(app):
    lead = question("lead", "organisation", "Lead organisation", own_organisation=True)
    page, questionnaire = one_page(lead)
    output, form = render(app, page, questionnaire, organisations=REGIONAL)
    assert '<select class="govuk-select" id="lead" name="lead">' in output
    assert form.collect() == {"lead": ""}


# -- conditional questions ----------------------------------------------------------------------------------

PILOT_REASON = question("pilot_reason", "text", "Reason for a pilot", show_when=Condition("pilot", ("yes",)))
OTHER_THEME = question("other_theme", "text", "Other theme", show_when=Condition("themes", ("none",)))


def test_a_hidden_question_is_not_checked(app):
    form = post(app, [PILOT, PILOT_REASON], {"pilot": "no", "pilot_reason": "x" * 5000})
    assert form.errors == {}
    assert form.collect() == {
        "pilot": "no",
        "pilot_reason": "x" * 5000,
    }  # kept, in case they change their mind
    assert post(app, [PILOT, PILOT_REASON], {}).errors == {"pilot": ["Select yes or no"]}


def test_a_revealed_question_is_checked(app):
    form = post(app, [PILOT, PILOT_REASON], {"pilot": "yes"})
    assert form.errors == {"pilot_reason": ["Enter reason for a pilot"]}


def test_conditions_on_earlier_pages_come_from_the_saved_answers(app):
    first = Page("first", "First", 1, (PILOT,))
    second = Page("second", "Second", 2, (PILOT_REASON, NAME))
    questionnaire = Questionnaire("test", "1", "Test", (Section("s", "S", 1, (first, second)),), "I confirm")
    no = post(app, None, {}, answers={"pilot": "no"}, page=second, questionnaire=questionnaire)
    assert set(no.errors) == {"project_name"}
    yes = post(app, None, {}, answers={"pilot": "yes"}, page=second, questionnaire=questionnaire)
    assert set(yes.errors) == {"pilot_reason", "project_name"}
    hidden, _ = render(app, second, questionnaire, answers={"pilot": "no"})
    assert "pilot_reason" not in hidden
    shown, _ = render(app, second, questionnaire, answers={"pilot": "yes"})
    assert 'id="pilot_reason"' in shown


def test_a_question_on_the_same_page_is_revealed_by_its_choice(app):
    page, questionnaire = one_page(PILOT, PILOT_REASON, THEMES, OTHER_THEME)
    output, _ = render(app, page, questionnaire)
    radios = re.search(
        r'<div class="govuk-radios__conditional[^"]*" id="conditional-pilot">(.*?)</div>\s*</div>',
        output,
        re.S,
    )
    assert radios and 'id="pilot_reason"' in radios.group(1)
    assert 'class="govuk-radios govuk-radios--inline"' not in output  # inline radios cannot reveal
    assert 'data-aria-controls="conditional-pilot"' in output
    checkboxes = re.search(
        r'<div class="govuk-checkboxes__conditional[^"]*" id="conditional-themes-5">(.*?)</div>\s*</div>',
        output,
        re.S,
    )
    assert checkboxes and 'id="other_theme"' in checkboxes.group(1)
    assert output.count('id="pilot_reason"') == 1
    assert "govuk-label--s" in radios.group(1)


def test_a_condition_on_several_choices_is_shown_after_its_question(app):
    either = question("why", "text", "Reason", show_when=Condition("stage", ("planning", "live")))
    page, questionnaire = one_page(STAGE, either)
    output, _ = render(app, page, questionnaire)
    assert "__conditional" not in output
    assert output.index('id="stage"') < output.index('id="why"')


# -- repeating groups ---------------------------------------------------------------------------------------

CONTACTS = question(
    "contacts",
    "repeating_group",
    "Contacts",
    label="Who are the contacts?",
    item_name="contact",
    fields=(
        question("contact_name", "text", "Name", label="Full name"),
        question("contact_role", "text", "Role", label="Job title", required=False),
    ),
    validation=Validation(max_items=3),
)


@pytest.mark.parametrize(
    ("posted", "action"),
    [
        ("add:contacts", "add:contacts"),
        ("remove:contacts:0", "remove:contacts:0"),
        ("remove:contacts:1", "remove:contacts:1"),
        ("remove:contacts:7", None),  # no such item
        ("add:partners", None),  # no such group on this page
        ("remove:contacts:x", None),
        ("delete everything", None),
        ("", None),
    ],
)
def test_actions_are_read_from_the_button_pressed(app, posted, action):
    data = {"contacts-0-contact_name": "Ann", "contacts-1-contact_name": "Bo", "action": posted}
    assert post(app, [CONTACTS], data).action == action


def test_no_action_when_the_page_is_not_posted(app):
    page, questionnaire = one_page(CONTACTS)
    with app.test_request_context("/?action=add:contacts"):
        assert page_form(page, questionnaire, answers={}).action is None


def test_collect_keeps_the_items_typed_and_drops_empty_ones(app):
    data = {
        "contacts-0-contact_name": " Ann ",
        "contacts-0-contact_role": "Chief",
        "contacts-1-contact_name": "",
        "contacts-1-contact_role": "",
        "contacts-2-contact_role": "Analyst",
    }
    assert post(app, [CONTACTS], data).collect() == {
        "contacts": [
            {"contact_name": "Ann", "contact_role": "Chief"},
            {"contact_name": "", "contact_role": "Analyst"},
        ]
    }


def test_remove_leaves_the_item_out(app):
    data = {
        "contacts-0-contact_name": "Ann",
        "contacts-1-contact_name": "Bo",
        "contacts-2-contact_name": "",
        "action": "remove:contacts:0",
    }
    form = post(app, [CONTACTS], data)
    assert form.collect() == {"contacts": [{"contact_name": "Bo", "contact_role": ""}]}
    assert form.action_anchor == "contacts-0-contact_name"


def test_add_keeps_the_new_item(app):
    data = {"contacts-0-contact_name": "Ann", "contacts-1-contact_name": "Bo", "action": "add:contacts"}
    form = post(app, [CONTACTS], data)
    assert len(form.collect()["contacts"]) == 2
    assert form.action_anchor == "contacts-2-contact_name"


def test_each_item_is_checked_and_named_in_its_messages(app):
    data = {
        "contacts-0-contact_name": "Ann",
        "contacts-1-contact_role": "Analyst",
        "contacts-2-contact_name": "",
    }
    form = post(app, [CONTACTS], data)
    assert form.errors == {"contacts-1-contact_name": ["Enter contact 2 name"]}


def test_a_required_group_needs_an_item(app):
    form = post(app, [CONTACTS], {"contacts-0-contact_name": ""})
    assert form.errors == {"contacts": ["Add at least one contact"]}
    assert error_summary(form)["errorList"] == [
        {"text": "Add at least one contact", "href": "#contacts-0-contact_name"}
    ]
    two = question(
        "contacts",
        "repeating_group",
        "Contacts",
        item_name="contact",
        fields=CONTACTS.fields,
        validation=Validation(min_items=2),
    )
    assert post(app, [two], {"contacts-0-contact_name": "Ann"}).errors == {
        "contacts": ["Add at least 2 contacts"]
    }


def test_a_group_shows_its_items_then_one_to_fill(app):
    page, questionnaire = one_page(CONTACTS, NAME)
    saved = {"contacts": [{"contact_name": "Ann", "contact_role": "Chief"}]}
    output, _ = render(app, page, questionnaire, answers=saved)
    assert re.search(r"<legend[^>]*>\s*Contact 1\s*</legend>", output)
    assert re.search(r"<legend[^>]*>\s*Contact 2\s*</legend>", output)
    assert 'id="contacts-0-contact_name" name="contacts-0-contact_name" type="text" value="Ann"' in output
    assert 'name="contacts-1-contact_name" type="text" value=""' in output
    assert re.search(r'value="remove:contacts:0" name="action"[^>]*>\s*Remove contact 1\s*</button>', output)
    assert "remove:contacts:1" not in output
    assert re.search(r'value="add:contacts" name="action"[^>]*>\s*Add another contact\s*</button>', output)
    assert '<div class="govuk-form-group" id="contacts">' in output  # where "#contacts" lands after an action
    # Enter in a field must not press "Remove contact 1": a plain button comes first.
    first_button = re.search(r"<button[^>]*>", output).group(0)
    assert 'name="action"' not in first_button


def test_a_full_group_offers_no_more_items(app):
    page, questionnaire = one_page(CONTACTS)
    saved = {"contacts": [{"contact_name": name} for name in ("Ann", "Bo", "Cy")]}
    output, _ = render(app, page, questionnaire, answers=saved)
    assert "Add another contact" not in output
    assert "contacts-3-" not in output
    assert output.count("Remove contact") == 3


def test_a_posted_group_is_shown_again_with_its_errors(app):
    page, questionnaire = one_page(CONTACTS, NAME)
    data = {"contacts-0-contact_name": "Ann", "contacts-1-contact_role": "Analyst"}
    output, form = render(app, page, questionnaire, data=data, check=True)
    assert "Enter contact 2 name" in output
    assert 'name="contacts-2-contact_name"' in output  # a new empty item after the posted ones
    assert_summary_links_exist(form, output)


# -- the page ---------------------------------------------------------------------------------------------


def test_a_page_of_one_question_has_the_question_as_its_heading(app):
    page, questionnaire = one_page(NAME, title="What is the project called?")
    output, _ = render(app, page, questionnaire)
    assert re.search(
        r'<h1 class="govuk-label-wrapper">\s*<label class="govuk-label govuk-label--l" for="project_name">',
        output,
    )
    assert "govuk-heading-l" not in output
    assert output.count("<h1") == 1
    assert page_heading(page) == NAME.label


def test_a_one_question_legend_is_the_heading_too(app):
    page, questionnaire = one_page(STAGE, title="Stage")
    output, _ = render(app, page, questionnaire)
    legend = r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">\s*'
    assert re.search(legend + r'<h1 class="govuk-fieldset__heading">\s*Stage\?', output)
    assert output.count("<h1") == 1


def test_a_page_of_several_questions_has_its_title_as_heading(app):
    page, questionnaire = one_page(
        NAME, COST, title="About the project", intro="Tell us the basics.\n\nBriefly."
    )
    output, _ = render(app, page, questionnaire)
    assert '<h1 class="govuk-heading-l">About the project</h1>' in output
    assert '<p class="govuk-body">Tell us the basics.</p>' in output
    assert '<p class="govuk-body">Briefly.</p>' in output
    assert 'class="govuk-label govuk-label--m" for="project_name"' in output
    assert output.count("<h1") == 1
    assert page_heading(page) == "About the project"


def test_one_question_with_an_intro_is_the_legend_heading_with_the_intro_above_its_hint(app):
    benefits = question(
        "benefits",
        "checkboxes",
        "Benefits",
        label="What are the benefits?",
        hint="Select all that apply.",
        choices=THEMES.choices,
    )
    page, questionnaire = one_page(benefits, title="What are the benefits?", intro="The duty to collaborate.")
    output, _ = render(app, page, questionnaire)
    # Asked once: as the legend, which is the page's heading; not a heading and a legend again.
    assert output.count("What are the benefits?") == 1
    assert re.search(r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">\s*<h1', output)
    assert output.count("<h1") == 1
    hint = output.split('id="benefits-hint"')[1].split("</div>")[0]
    assert hint.index("The duty to collaborate.") < hint.index("Select all that apply.")


def test_answers_are_shown_again(app):
    page, questionnaire = one_page(NAME, COST, PILOT, START, THEMES)
    saved = {
        "project_name": "Blue light hub",
        "cost": "1,250",
        "pilot": "no",
        "start": {"day": "18", "month": "12", "year": "2017"},
        "themes": ["estates", "none"],
    }
    output, form = render(app, page, questionnaire, answers=saved)
    assert 'value="Blue light hub"' in output
    assert 'value="1,250"' in output
    assert 'id="pilot-2" name="pilot" type="radio" value="no" checked' in output
    assert 'id="start-day" name="start-day" type="text" value="18"' in output
    assert output.count(" checked") == 3
    assert form.collect() == saved


def test_what_people_type_is_escaped_and_revealed_questions_are_not(app):
    page, questionnaire = one_page(PILOT, PILOT_REASON)
    with app.test_request_context(method="POST", data={"pilot": "yes", "pilot_reason": '"><script>'}):
        form = page_form(page, questionnaire, answers={})
        output = render_template_string(RENDER, form=form, page=page, answers={})
    assert 'value="&#34;&gt;&lt;script&gt;"' in output
    assert "<script>" not in output
    reveal = re.search(r'id="conditional-pilot">\s*(<div class="govuk-form-group">)', output)
    assert reveal, "the revealed question is HTML, not escaped text"


def assert_summary_links_exist(form, output: str) -> None:
    for item in error_summary(form)["errorList"]:
        assert f'id="{item["href"][1:]}"' in output, item


def test_every_error_summary_link_finds_its_field(app):
    page, questionnaire = one_page(
        NAME, COST, PILOT, PILOT_REASON, START, STARTED, STAGE, THEMES, LEAD, PARTNERS, CONTACTS
    )
    data = MultiDict(
        [
            ("cost", "lots"),
            ("pilot", "yes"),
            ("start-day", "40"),
            ("started-year", "2017"),
            ("stage", "gone"),
            ("themes", "estates"),
            ("themes", "none"),
            ("partners", "5"),
            ("contacts-0-contact_role", "Chief"),
        ]
    )
    output, form = render(app, page, questionnaire, data=data, check=True, organisations=ORGANISATIONS)
    assert len(error_summary(form)["errorList"]) == 10
    assert_summary_links_exist(form, output)
    for message in form.errors.values():
        assert message[0] in output


def test_csrf_applies(app):
    page, questionnaire = one_page(NAME)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_request_context(method="POST", data={"project_name": "Hub"}):
            form = page_form(page, questionnaire, answers={})
            assert form.check(form.collect()) is False
            assert "csrf_token" in form.errors
            assert form.collect() == {"project_name": "Hub"}
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_form_can_be_bound_to_kept_data_on_a_get(app):
    page, questionnaire = one_page(NAME, CONTACTS)
    kept = MultiDict({"project_name": "Typed while away", "contacts-0-contact_name": "Ann"})
    with app.test_request_context():
        form = page_form(page, questionnaire, answers={"project_name": "Saved"}, formdata=kept)
        assert form.collect() == {
            "project_name": "Typed while away",
            "contacts": [{"contact_name": "Ann", "contact_role": ""}],
        }
        assert form.check(form.collect()) is True


def test_a_question_id_the_form_needs_for_itself_is_refused(app):
    page, questionnaire = one_page(question("errors", "text", "Errors"))
    with app.test_request_context(), pytest.raises(ValueError, match="'errors' cannot be used"):
        page_form(page, questionnaire, answers={})


# -- the shipped questionnaire ------------------------------------------------------------------------------


def test_every_page_of_the_default_questionnaire_builds_and_renders(app):
    loader = pytest.importorskip(
        "app.questionnaires.loader", reason="the questionnaire loader is not there yet"
    )
    questionnaire = loader.default_questionnaire()
    organisations = [
        OrganisationOption(number, f"Organisation {number}", sector, sector.replace("_", " ").capitalize())
        for number, sector in enumerate(
            ["police", "fire_and_rescue", "ambulance", "local_authority", "health", "other"] * 25, start=1
        )
    ]
    for page in questionnaire.pages:
        shown, form = render(app, page, questionnaire, organisations=organisations, own_organisation_id=1)
        assert form.errors == {}
        assert page_heading(page) in shown, page.id
        assert shown.count("<h1") == 1, page.id
        posted, form = render(
            app, page, questionnaire, data={"unrelated": "x"}, check=True, organisations=organisations
        )
        assert_summary_links_exist(form, posted)


def test_a_reviewers_comment_is_tied_to_its_answer_for_screen_readers(app):
    page, questionnaire = one_page(NAME, COST, PILOT, START, THEMES, PARTNERS)
    with app.test_request_context():
        form = page_form(page, questionnaire, answers={}, organisations=ORGANISATIONS, own_organisation_id=1)
        for node in form.layout():
            node.field.described_by = f"{node.question.id}-review-comment"
        output = html.unescape(
            render_template_string(RENDER, form=form, page=page, answers={}),
        )
    for name in ("project_name", "cost"):
        [tag] = re.findall(rf'<input[^>]*\bid="{name}"[^>]*>', output)
        assert f"{name}-review-comment" in tag, tag
    for name in ("pilot", "start", "themes", "partners"):
        assert re.search(rf'<fieldset[^>]*aria-describedby="[^"]*{name}-review-comment', output), name
