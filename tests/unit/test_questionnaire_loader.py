"""Loading questionnaire definitions: every problem is found, on its line, in words an editor can act on; and
the shipped collaboration questionnaire loads and behaves."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal

import pytest

from app.questionnaires.checks import SECTORS
from app.questionnaires.loader import (
    DEFAULT_DEFINITION,
    DefinitionError,
    DefinitionProblem,
    default_questionnaire,
    load_definition,
    load_file,
)
from app.questionnaires.roles import REQUIRED_ROLES, ROLES
from app.questionnaires.schema import (
    Choice,
    Condition,
    Questionnaire,
    Validation,
    is_page_visible,
    is_question_visible,
    visible_answers,
)

HEADER = """\
id: demo
version: "1"
title: Demo questionnaire
declaration: I confirm that the answers are correct.
sections:
"""  # what follows starts on line 6


def definition(body: str) -> str:
    """A definition whose sections (from line 6) are `body`."""
    return HEADER + textwrap.dedent(body)


def one_page(questions: str) -> str:
    """A definition with one section and one page; the first line of `questions` is line 12."""
    page = """\
    - id: about
      title: About the project
      pages:
      - id: first
        title: First page
        questions:
    """
    return definition(page) + textwrap.indent(textwrap.dedent(questions), "    ")


def load(text: str, **roles) -> Questionnaire:
    """A small definition, checked for all but the roles the service needs (unless `required_roles`)."""
    return load_definition(text, **{"required_roles": (), **roles})


def problems_in(text: str, **roles) -> list[DefinitionProblem]:
    with pytest.raises(DefinitionError) as raised:
        load(text, **roles)
    return raised.value.problems


def the_problem(text: str, **roles) -> DefinitionProblem:
    problems = problems_in(text, **roles)
    assert len(problems) == 1, problems
    return problems[0]


def ask(ident: str, qtype: str, *lines: str) -> str:
    """One question for one_page: its id, type and a label (three lines), then `lines` as its further keys."""
    return f"- id: {ident}\n  type: {qtype}\n  label: Question {ident}?\n" + "".join(
        f"  {line}\n" for line in lines
    )


NAME = """\
- id: project_name
  type: text
  label: What is the project called?
"""  # lines 12 to 14 in one_page
YES_NO = """\
- id: pilot
  type: yes_no
  label: Is the project a pilot?
"""


def test_a_valid_definition_loads():
    questionnaire = load(one_page(NAME))
    assert questionnaire.key == "demo/1"
    assert questionnaire.question("project_name").line == 12


# Shape and syntax


def test_invalid_yaml_is_reported_on_its_line():
    text = one_page(NAME + "- id: summary\n  type long_text\n  label: Describe the project\n")
    problem = the_problem(text)
    assert problem.line == 16
    assert "not valid YAML" in problem.message
    assert "colon" in problem.message


def test_an_unclosed_quote_is_reported_where_it_opens():
    problem = the_problem('id: demo\ntitle: "Demo\nversion: 1\ndeclaration: I confirm.\n')
    assert problem.line == 2
    assert "quotes is not closed" in problem.message


def test_tabs_are_refused():
    problem = the_problem("id: demo\n\tversion: 1\n")
    assert problem.line == 2
    assert "spaces, not tabs" in problem.message


def test_an_empty_file_is_refused():
    assert the_problem("# nothing yet\n") == DefinitionProblem(1, "The definition is empty")


def test_the_top_level_must_be_a_mapping():
    problem = the_problem("- id: demo\n- version: 1\n")
    assert problem.line == 1
    assert problem.message.startswith("A definition must be a mapping with the keys id, version")


def test_sections_must_be_a_list():
    problem = the_problem(HEADER.replace("sections:\n", "sections: about\n"))
    assert problem.line == 5
    assert problem.message == "Sections must be a list, not 'about'"


def test_a_question_must_be_a_mapping():
    problem = the_problem(one_page("- project_name\n"))
    assert problem.line == 12
    assert "must be a mapping" in problem.message


@pytest.mark.parametrize(
    ("missing", "line", "message"),
    [
        (
            "declaration: I confirm that the answers are correct.",
            1,
            "The questionnaire is missing 'declaration'",
        ),
        ("title: About the project", 6, "Section 'about' is missing 'title'"),
        ("title: First page", 9, "Page 'first' is missing 'title'"),
        ("label: What is the project called?", 12, "Question 'project_name' is missing 'label'"),
        ("type: text", 12, "Question 'project_name' is missing 'type'"),
    ],
)
def test_missing_keys_are_reported_where_their_part_starts(missing, line, message):
    lines = one_page(NAME).splitlines(keepends=True)
    lines.remove(next(line for line in lines if line.strip() == missing))
    assert the_problem("".join(lines)) == DefinitionProblem(line, message)


def test_a_question_without_an_id_is_named_by_its_line():
    problem = the_problem(one_page("- type: text\n  label: What is the project called?\n"))
    assert problem == DefinitionProblem(12, "The question on line 12 is missing 'id'")


def test_a_misspelt_key_is_named_with_a_suggestion():
    text = one_page(NAME.replace("label:", "lable:"))
    assert problems_in(text) == [
        DefinitionProblem(12, "Question 'project_name' is missing 'label'"),
        DefinitionProblem(14, "Unknown key 'lable' in question 'project_name'. Did you mean 'label'?"),
    ]


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        (
            "  colour: red\n",
            15,
            "Unknown key 'colour' in question 'project_name'. Keys allowed here: id, type",
        ),
        ("  validation:\n    max_lenght: 10\n", 16, "Unknown key 'max_lenght' in the validation of question"),
        ("  show_when:\n    questoin: pilot\n", 16, "Unknown key 'questoin' in the show_when of question"),
    ],
)
def test_unknown_keys_are_reported_anywhere(extra, line, message):
    problems = problems_in(one_page(NAME + extra))
    assert problems[0].line == line
    assert problems[0].message.startswith(message)


def test_an_unknown_key_in_a_section_and_a_choice():
    text = definition("""\
    - id: about
      title: About the project
      summary: Not a section key
      pages:
      - id: first
        title: First page
        questions:
        - id: stage
          type: radios
          label: What stage is the project at?
          choices:
          - value: idea
            label: Idea
            hnit: Being discussed
    """)
    assert problems_in(text) == [
        DefinitionProblem(
            8, "Unknown key 'summary' in section 'about'. Keys allowed here: id, title, pages, after"
        ),
        DefinitionProblem(19, "Unknown key 'hnit' in a choice of question 'stage'. Did you mean 'hint'?"),
    ]


def test_a_key_written_twice_is_reported():
    problem = the_problem(one_page(NAME + "  label: Project name\n"))
    assert problem == DefinitionProblem(
        15, "Key 'label' appears twice in question 'project_name': it was first used on line 14"
    )


# Ids


@pytest.mark.parametrize("bad", ["Project_name", "project-name", "2nd_name", "_name"])
def test_ids_must_be_lower_case_words(bad):
    problem = the_problem(one_page(NAME.replace("project_name", bad)))
    assert problem.line == 12
    assert problem.message.startswith(f"'{bad}' is not a valid question id. Ids use lower-case letters")


def test_question_ids_are_unique_across_the_whole_questionnaire():
    text = definition("""\
    - id: about
      title: About the project
      pages:
      - id: first
        title: First page
        questions:
        - id: project_name
          type: text
          label: What is the project called?
    - id: more
      title: More
      pages:
      - id: second
        title: Second page
        questions:
        - id: project_name
          type: text
          label: What else is it called?
    """)
    assert the_problem(text) == DefinitionProblem(
        21, "Question id 'project_name' is used more than once: it was first used on line 12"
    )


def test_repeating_group_fields_share_the_question_ids():
    text = one_page(
        NAME
        + """\
- id: partners
  type: repeating_group
  label: Who are the other partners?
  fields:
  - id: project_name
    type: text
    label: Partner name
"""
    )
    assert the_problem(text) == DefinitionProblem(
        19, "Question id 'project_name' is used more than once: it was first used on line 12"
    )


def test_page_and_section_ids_are_unique():
    text = definition("""\
    - id: about
      title: About the project
      pages:
      - id: first
        title: First page
        questions:
        - id: project_name
          type: text
          label: What is the project called?
      - id: first
        title: Another page
        questions:
        - id: summary
          type: long_text
          label: Describe the project
    - id: about
      title: About again
      pages:
      - id: last
        title: Last page
        questions:
        - id: lessons
          type: long_text
          label: What have you learnt?
    """)
    assert problems_in(text) == [
        DefinitionProblem(15, "Page id 'first' is used more than once: it was first used on line 9"),
        DefinitionProblem(21, "Section id 'about' is used more than once: it was first used on line 6"),
    ]


# Types and choices


def test_an_unknown_question_type_lists_the_types():
    problem = the_problem(one_page(NAME.replace("type: text", "type: txt")))
    assert problem.line == 13
    assert str(problem).startswith(
        "line 13: Unknown question type 'txt'. Use one of: text, long_text, number"
    )


def test_choice_types_need_choices():
    problem = the_problem(one_page(ask("stage", "radios")))
    assert problem == DefinitionProblem(12, "Question 'stage' is a radios question, so it needs choices")


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (NAME, "Question 'project_name' is a text question, which does not take choices: remove 'choices'"),
        (
            YES_NO,
            "Question 'pilot' is a yes_no question, which always has the choices yes and no: "
            "remove 'choices'",
        ),
    ],
)
def test_other_types_take_no_choices(question, message):
    problem = the_problem(one_page(question + "  choices:\n  - value: a\n    label: A\n"))
    assert problem == DefinitionProblem(15, message)


def test_choice_values_are_unique_and_labels_not_empty():
    text = one_page("""\
    - id: stage
      type: radios
      label: What stage is the project at?
      choices:
      - value: idea
        label: Idea
      - value: idea
        label: Planning
      - value: ended
        label: ""
    """)
    assert problems_in(text) == [
        DefinitionProblem(
            18, "Choice value 'idea' appears twice in question 'stage': it was first used on line 16"
        ),
        DefinitionProblem(21, "The label of a choice of question 'stage' must not be empty"),
    ]


def test_only_checkboxes_have_an_exclusive_choice():
    text = one_page("""\
    - id: stage
      type: radios
      label: What stage is the project at?
      choices:
      - value: idea
        label: Idea
        exclusive: true
    """)
    assert the_problem(text) == DefinitionProblem(
        18, "Only checkboxes can have an exclusive choice (question 'stage' is radios)"
    )


# Conditions

THEMES = """\
- id: themes
  type: checkboxes
  label: What does the project cover?
  choices:
  - value: estates
    label: Shared estates
  - value: other
    label: Something else
"""  # lines 12 to 19 in one_page


def other_theme(show_when: str) -> str:
    """THEMES, then a question whose show_when (on line 23) is `show_when`."""
    return THEMES + ask("other_theme", "text", f"show_when: {show_when}")


def test_a_condition_on_an_earlier_question_of_the_same_page_is_fine():
    questionnaire = load(one_page(other_theme("{question: themes, is: other}")))
    assert questionnaire.question("other_theme").show_when == Condition("themes", ("other",))


@pytest.mark.parametrize(
    ("show_when", "message"),
    [
        (
            "{question: theme, is: other}",
            "The show_when of question 'other_theme' names question 'theme', but there",
        ),
        ("{question: themes, is: [other, misc]}", "'misc' is not one of the choices of question 'themes'"),
        ("{question: other_theme, is: other}", "Question 'other_theme' cannot depend on itself"),
        (
            "{question: project_name, is: other}",
            "Question 'other_theme' cannot depend on 'project_name', which comes",
        ),
    ],
)
def test_conditions_name_earlier_questions_and_their_choices(show_when, message):
    problem = the_problem(one_page(other_theme(show_when) + NAME))
    assert problem.line == 23
    assert problem.message.startswith(message)


def test_a_misspelt_condition_question_gets_a_suggestion():
    problem = the_problem(one_page(other_theme("{question: theme, is: other}")))
    assert problem.message.endswith("Did you mean 'themes'?")


def test_yes_no_questions_have_the_choices_yes_and_no():
    assert load(one_page(YES_NO + ask("why", "text", "show_when:", "  question: pilot", "  is: yes")))
    problem = the_problem(
        one_page(YES_NO + ask("why", "text", "show_when:", "  question: pilot", "  is: true"))
    )
    assert problem == DefinitionProblem(
        20,
        "'true' is not one of the choices of question 'pilot', in the show_when of question 'why'. "
        "Use one of: yes, no",
    )


def test_only_questions_with_choices_control_what_is_shown():
    problem = the_problem(one_page(NAME + ask("why", "text", "show_when: {question: project_name, is: x}")))
    assert problem.line == 18  # the show_when, after the three lines of each question from line 12
    assert problem.message.startswith("The show_when of question 'why' names 'project_name', a text question")


PAGES = """\
- id: about
  title: About the project
  pages:
  - id: first
    title: First page
    show_when: {question: pilot, is: "yes"}
    questions:
    - id: pilot
      type: yes_no
      label: Is the project a pilot?
  - id: second
    title: Second page
    show_when: {question: pilot, is: "yes"}
    questions:
    - id: trial_length
      type: number
      label: How many months is the trial?
"""


def test_a_page_can_only_depend_on_earlier_pages():
    problem = the_problem(definition(PAGES))
    assert problem.line == 11
    assert problem.message == (
        "Page 'first' cannot depend on 'pilot', which is on the same page: "
        "a page can only depend on questions on earlier pages"
    )


def test_a_page_cannot_depend_on_a_later_page():
    text = definition(
        PAGES.replace('show_when: {question: pilot, is: "yes"}', "show_when: {question: trial_length, is: x}")
    )
    problems = problems_in(text)
    assert problems[0] == DefinitionProblem(
        11,
        "Page 'first' cannot depend on 'trial_length', which is on a later page ('second'): "
        "a page can only depend on questions on earlier pages",
    )


def test_a_condition_must_name_a_question_and_a_value():
    problem = the_problem(one_page(THEMES + ask("other_theme", "text", "show_when:", "  question: themes")))
    assert problem == DefinitionProblem(24, "The show_when of question 'other_theme' is missing 'is'")


# Validation rules


@pytest.mark.parametrize(
    ("question", "rule", "message"),
    [
        (
            ask("staff", "number"),
            "max_words: 10",
            "The validation rule 'max_words' does not apply to question 'staff', a number question. "
            "Rules for number: min_value, max_value, whole_number",
        ),
        (NAME, "min_value: 1", "The validation rule 'min_value' does not apply to question 'project_name'"),
        (
            YES_NO,
            "max_length: 3",
            "The validation rule 'max_length' does not apply to question 'pilot', a yes_no "
            "question. yes_no questions take none",
        ),
    ],
)
def test_validation_rules_must_fit_the_type(question, rule, message):
    problem = the_problem(one_page(question + f"  validation:\n    {rule}\n"))
    assert problem.line == 16
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("question", "rules", "message"),
    [
        (NAME, "min_length: 10\n    max_length: 5", "min_length (10) is greater than max_length (5)"),
        (
            ask("cost", "money"),
            "min_value: 100.50\n    max_value: 20",
            "min_value (100.50) is greater than max_value (20) in the validation of question 'cost'",
        ),
        (
            ask("start", "date"),
            "not_before: 2020-01-01\n    not_after: 2019-12-31",
            "not_before (2020-01-01) is later than not_after (2019-12-31)",
        ),
    ],
)
def test_a_minimum_cannot_be_above_its_maximum(question, rules, message):
    problem = the_problem(one_page(question + f"  validation:\n    {rules}\n"))
    assert problem.line == 16
    assert message in problem.message


def test_a_pattern_must_be_a_valid_regular_expression():
    problem = the_problem(
        one_page(NAME + "  validation:\n    pattern: '[a-z'\n    pattern_message: Enter letters\n")
    )
    assert problem.line == 16
    assert problem.message.startswith(
        "The pattern of question 'project_name' is not a valid regular expression"
    )


def test_a_pattern_needs_its_message():
    problem = the_problem(one_page(NAME + "  validation:\n    pattern: '[a-z]+'\n"))
    assert problem.line == 16
    assert problem.message.startswith("The pattern of question 'project_name' has no pattern_message")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "max_length: lots",
            "The max_length rule of question 'project_name' must be a whole number, not 'lots'",
        ),
        ("max_length: -1", "The max_length rule of question 'project_name' must be 0 or more, not -1"),
        (
            "min_length: 2.5",
            "The min_length rule of question 'project_name' must be a whole number, not '2.5'",
        ),
    ],
)
def test_validation_values_have_the_right_kind(rule, message):
    problem = the_problem(one_page(NAME + f"  validation:\n    {rule}\n"))
    assert problem.line == 16
    assert problem.message.startswith(message)


def test_dates_in_validation_are_iso_dates_or_today():
    problem = the_problem(one_page(ask("start", "month_year", "validation:", "  not_after: 31/12/2020")))
    assert problem.line == 16
    assert "must be a date like 2000-01-31, or today" in problem.message


# Facets, sectors, groups, sections


def test_a_facet_is_a_plain_id():
    problem = the_problem(one_page(NAME + "  facet: Project names\n"))
    assert problem.line == 15
    assert problem.message.startswith("'Project names' is not a valid facet. Ids use lower-case letters")


def test_sectors_are_the_organisation_sectors():
    text = one_page("""\
    - id: partners
      type: organisations
      label: Which organisations are working on the project?
      sectors: [police, fire]
      require_one_of_sectors: [ambulance, paramedics]
    """)
    problems = problems_in(text)
    assert [problem.line for problem in problems] == [15, 16]
    assert problems[0].message.startswith(
        "Unknown sector 'fire' in sectors of question 'partners'. Use one of: police"
    )
    assert problems[1].message.startswith("Unknown sector 'paramedics' in require_one_of_sectors")


def test_require_one_of_sectors_is_for_organisations_questions():
    problem = the_problem(one_page(NAME + "  require_one_of_sectors: [police]\n"))
    assert problem.line == 15
    assert problem.message.startswith(
        "'require_one_of_sectors' does not apply to question 'project_name', a text"
    )


def test_a_repeating_group_needs_fields_and_cannot_nest():
    text = one_page("""\
    - id: partners
      type: repeating_group
      label: Who are the other partners?
    - id: sites
      type: repeating_group
      label: Which sites are shared?
      fields:
      - id: buildings
        type: repeating_group
        label: Which buildings?
        fields:
        - id: building
          type: text
          label: Building
    """)
    problems = problems_in(text)
    assert problems[0] == DefinitionProblem(
        12, "Question 'partners' is a repeating_group, so it needs fields: the questions for each item"
    )
    assert problems[1] == DefinitionProblem(
        20, "Repeating group 'sites' cannot contain another repeating group (question 'buildings')"
    )
    assert len(problems) == 2


def test_fields_only_depend_on_earlier_fields_of_their_group():
    text = one_page(
        YES_NO
        + """\
- id: vehicles
  type: repeating_group
  label: Which vehicles are shared?
  fields:
  - id: vehicle
    type: text
    label: Vehicle
    show_when: {question: pilot, is: "yes"}
- id: other
  type: text
  label: Other
  show_when: {question: vehicle, is: x}
"""
    )
    problems = problems_in(text)
    assert [problem.line for problem in problems] == [22, 26]
    assert problems[0].message.startswith(
        "Question 'vehicle' cannot depend on 'pilot': a field of repeating group"
    )
    assert problems[1].message.startswith(
        "Question 'other' cannot depend on 'vehicle', a field of repeating group"
    )


AFTER = """\
- id: about
  title: About the project
  after: {after}
  pages:
  - id: first
    title: First page
    questions:
    - id: project_name
      type: text
      label: What is the project called?
- id: contact
  title: Contact details
  pages:
  - id: second
    title: Second page
    questions:
    - id: contact_name
      type: text
      label: Full name
"""


@pytest.mark.parametrize(
    ("after", "message"),
    [
        (
            "contacts",
            "Section 'about' comes after 'contacts', but there is no such section. Did you mean 'contact'?",
        ),
        ("contact", "Section 'about' can only come after earlier sections, and 'contact' comes later"),
        ("[about]", "Section 'about' cannot come after itself"),
    ],
)
def test_a_section_comes_after_earlier_sections(after, message):
    assert the_problem(definition(AFTER.format(after=after))) == DefinitionProblem(8, message)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (HEADER.replace("sections:\n", "sections: []\n"), 5, "Sections must not be empty"),
        (
            definition("- id: about\n  title: About\n  pages: []\n"),
            8,
            "The pages of section 'about' must not be empty",
        ),
        (
            one_page("[]").replace("questions:\n    []", "questions: []"),
            11,
            "The questions of page 'first' must not be empty",
        ),
    ],
)
def test_sections_and_pages_cannot_be_empty(text, line, message):
    assert the_problem(text) == DefinitionProblem(line, message)


# All together


def test_every_problem_is_reported_at_once_in_line_order():
    text = """\
id: Demo
version: "1"
title: Demo
declaration: ""
sections:
- id: about
  title: About
  after: [nowhere]
  pages:
  - id: first
    title: First
    questions:
    - id: project_name
      type: txt
      lable: Name
    - id: stage
      type: radios
      label: Stage?
      choices:
      - {value: idea, label: Idea}
      - {value: idea, label: Again}
    - id: cost
      type: money
      label: Cost?
      validation: {max_words: 5}
      show_when: {question: stage, is: ended}
"""
    with pytest.raises(DefinitionError) as raised:
        load_definition(text, source="demo.yaml")
    lines = [problem.line for problem in raised.value.problems]
    assert lines == [1, 4, 8, 13, 14, 15, 21, 25, 26]
    report = str(raised.value)
    assert report.startswith("demo.yaml has 9 problems:\n  line 1: 'Demo' is not a valid questionnaire id.")
    assert "\n  line 15: Unknown key 'lable' in question 'project_name'. Did you mean 'label'?" in report


def test_a_problem_reads_as_its_line_and_message():
    assert str(DefinitionProblem(12, "Unknown question type 'txt'")) == "line 12: Unknown question type 'txt'"


# A valid definition, read into the dataclasses

VALID = """\
id: demo
version: 2026.10
title: Demo questionnaire
declaration: >-
  I confirm that the answers
  are correct.
sections:
- id: about
  title: About the project
  pages:
  - id: first
    title: First page
    intro: Tell us about the project.
    questions:
    - id: project_name
      type: text
      label: What is the project called?
      searchable: true
      validation: {max_length: 100, pattern: '^[A-Z].*', pattern_message: Start with a capital letter}
    - id: stage
      type: radios
      label: What stage is the project at?
      short_label: Stage
      facet: stage
      choices:
      - {value: idea, label: Idea, hint: Being discussed}
      - {value: "yes", label: No}
    - id: funding
      type: checkboxes
      label: How is it funded?
      required: false
      validation: {min_items: 1, max_items: 3}
      choices:
      - {value: grant, label: Grant}
      - {value: none, label: Not funded, exclusive: true}
  - id: money
    title: Money
    show_when: {question: stage, is: [idea, "yes"]}
    questions:
    - id: cost
      type: money
      label: How much has it cost?
      validation: {min_value: 0, max_value: 1_000_000.50}
    - id: staff
      type: number
      label: How many staff?
      validation: {whole_number: true, min_value: 1}
    - id: started
      type: date
      label: When did it start?
      validation: {not_before: 2000-01-01, not_after: today}
- id: people
  title: People
  after: about
  pages:
  - id: partners
    title: Partners
    questions:
    - id: partners
      type: organisations
      label: Who are the partners?
      sectors: [police, fire_and_rescue]
      require_one_of_sectors: [ambulance]
      require_one_of_sectors_message: Select an ambulance service
    - id: others
      type: repeating_group
      label: Who else?
      item_name: partner
      fields:
      - {id: other_name, type: text, label: Name}
      - id: other_kind
        type: select
        label: Kind
        choices: [{value: charity, label: Charity}]
      - id: charity_number
        type: text
        label: Charity number
        show_when: {question: other_kind, is: charity}
"""


def test_a_valid_definition_becomes_the_dataclasses():
    questionnaire = load(VALID)
    assert isinstance(questionnaire, Questionnaire)
    assert (questionnaire.id, questionnaire.version, questionnaire.title) == (
        "demo",
        "2026.10",
        "Demo questionnaire",
    )
    assert questionnaire.declaration == "I confirm that the answers are correct."
    assert [section.id for section in questionnaire.sections] == ["about", "people"]
    assert questionnaire.sections[1].after == ("about",)
    assert [page.line for page in questionnaire.pages] == [11, 36, 56]

    name = questionnaire.question("project_name")
    assert (name.type, name.short_label, name.required, name.searchable, name.line) == (
        "text",
        "What is the project called?",
        True,
        True,
        15,
    )
    assert name.validation == Validation(
        max_length=100, pattern="^[A-Z].*", pattern_message="Start with a capital letter"
    )

    stage = questionnaire.question("stage")
    assert stage.short_label == "Stage"
    assert stage.facet == "stage"
    assert stage.choices == (Choice("idea", "Idea", "Being discussed"), Choice("yes", "No"))

    funding = questionnaire.question("funding")
    assert funding.required is False
    assert funding.validation.min_items == 1
    assert funding.choices[1].exclusive is True

    assert questionnaire.page("money").show_when == Condition("stage", ("idea", "yes"))
    assert questionnaire.page("first").intro == "Tell us about the project."
    cost = questionnaire.question("cost").validation
    assert (cost.min_value, cost.max_value) == (Decimal("0"), Decimal("1000000.50"))
    assert isinstance(cost.min_value, Decimal)
    staff = questionnaire.question("staff").validation
    assert staff.whole_number is True
    assert staff.min_value == Decimal(1)
    assert questionnaire.question("started").validation.not_before == "2000-01-01"
    assert questionnaire.question("started").validation.not_after == "today"

    partners = questionnaire.question("partners")
    assert partners.sectors == ("police", "fire_and_rescue")
    assert partners.require_one_of_sectors == ("ambulance",)
    assert partners.require_one_of_sectors_message == "Select an ambulance service"
    others = questionnaire.question("others")
    assert others.item_name == "partner"
    assert [field.id for field in others.fields] == ["other_name", "other_kind", "charity_number"]
    assert others.fields[2].show_when == Condition("other_kind", ("charity",))
    assert others.fields[1].choices == (Choice("charity", "Charity"),)
    assert questionnaire.question("other_name") is None  # fields are answered inside their group


def test_load_file_names_the_file_in_its_error(tmp_path):
    path = tmp_path / "broken-1.yaml"
    path.write_text("id: broken\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_file(path)
    assert str(raised.value).startswith(f"{path} has 4 problems:")


# The shipped questionnaire


@pytest.fixture(scope="module")
def shipped() -> Questionnaire:
    return default_questionnaire()


def test_the_shipped_questionnaire_loads(shipped):
    assert shipped.key == "collaboration/2026.1"
    assert load_file(DEFAULT_DEFINITION) == shipped
    assert default_questionnaire() is shipped
    assert 6 <= len(shipped.sections) <= 8
    assert all(1 <= len(section.pages) <= 5 for section in shipped.sections)
    assert shipped.declaration.startswith("I confirm")


def test_the_shipped_questionnaire_marks_its_facets(shipped):
    facets = {question.id: question.facet for question in shipped.questions if question.facet}
    assert facets == {
        "partners": "partners",
        "themes": "themes",
        "geography": "geography",
        "stage": "stage",
        "pilot": "pilot",
        "has_evaluation": "has_evaluation",
        "enablers": "enablers",
        "barriers": "barriers",
        "sharing": "sharing",
    }


def test_the_shipped_questionnaire_marks_what_is_searched(shipped):
    searched = {question.id for question in shipped.questions if question.searchable}
    assert searched == {
        "project_name",
        "summary",
        "other_partners",
        "benefits_evidence",
        "enablers_details",
        "barriers_details",
        "lessons_learnt",
    }


def test_the_shipped_questions_say_what_the_service_needs(shipped):
    summary = shipped.question("summary")
    assert (summary.type, summary.short_label, summary.validation.max_words) == (
        "long_text",
        "Project summary",
        500,
    )
    partners = shipped.question("partners")
    assert partners.type == "organisations"
    assert partners.require_one_of_sectors == ("police", "fire_and_rescue", "ambulance")
    assert partners.require_one_of_sectors_message == (
        "Add at least one police force, fire and rescue service or ambulance service: choose it from the "
        "list, then select 'Add partner'"
    )
    assert shipped.question("lead_organisation").own_organisation is True
    email = shipped.question("contact_email").validation
    assert email.pattern_message == "Enter an email address in the correct format, like name@example.com"
    assert shipped.question("contact_phone").required is False
    assert shipped.question("end_date").required is False
    assert [choice.value for choice in shipped.question("sharing").choices] == [
        "public",
        "sector",
        "figures_only",
    ]
    assert all(choice.hint for choice in shipped.question("sharing").choices)
    themes = [choice.value for choice in shipped.question("themes").choices]
    assert len(themes) == 12
    assert themes[-1] == "other"
    assert [choice.value for choice in shipped.question("benefits").choices] == [
        "efficiency",
        "effectiveness",
        "public_safety",
    ]


def test_the_email_pattern_accepts_addresses_and_refuses_the_rest(shipped):
    pattern = re.compile(shipped.question("contact_email").validation.pattern)
    assert pattern.fullmatch("sam.jones@fire.example.gov.uk")
    assert not pattern.fullmatch("sam.jones")
    assert not pattern.fullmatch("sam@jones")


def test_other_theme_is_shown_only_when_other_is_ticked(shipped):
    other_theme = shipped.question("other_theme")
    assert not is_question_visible(shipped, other_theme, {})
    assert not is_question_visible(shipped, other_theme, {"themes": ["joint_training"]})
    assert is_question_visible(shipped, other_theme, {"themes": ["joint_training", "other"]})


def test_evaluation_findings_are_asked_only_when_evaluated(shipped):
    findings = shipped.page("evaluation_findings")
    assert not is_page_visible(shipped, findings, {"has_evaluation": "no"})
    assert is_page_visible(shipped, findings, {"has_evaluation": "yes"})


def test_visible_answers_drop_answers_to_hidden_questions(shipped):
    answers = {
        "project_name": "Blue light hub",
        "themes": ["shared_estates"],
        "other_theme": "Shared gyms",
        "has_evaluation": "no",
        "evaluation_findings": "Typed before the answer changed to no",
    }
    assert visible_answers(shipped, answers) == {
        "project_name": "Blue light hub",
        "themes": ["shared_estates"],
        "has_evaluation": "no",
    }
    answers["themes"].append("other")
    assert visible_answers(shipped, answers)["other_theme"] == "Shared gyms"


def test_every_shipped_question_reads_well(shipped):
    for question in shipped.questions:
        assert question.label[0].isupper(), question.id
        assert question.short_label != question.id, question.id
        assert "  " not in question.label + (question.hint or ""), question.id


def test_the_sectors_are_the_organisation_sectors():
    from app.models.organisation import Sector

    assert set(SECTORS) == {sector.value for sector in Sector}


# Roles: what the service reads from the answers, declared by the questions


def test_a_role_names_the_question_the_service_reads():
    questionnaire = load(one_page(NAME.replace("  type: text", "  role: name\n  type: text")))
    assert questionnaire.role_question("name").id == "project_name"
    assert questionnaire.answer({"project_name": "Blue light hub"}, "name") == "Blue light hub"
    assert questionnaire.answer({}, "summary", "none given") == "none given"
    with pytest.raises(LookupError):
        questionnaire.role_question("sharing")


def test_an_unknown_role_is_named_on_its_line_with_a_suggestion():
    problem = the_problem(one_page(ask("title", "text", "role: nmae")))
    assert problem.line == 15
    assert problem.message.startswith("Unknown role 'nmae' in question 'title'. Did you mean 'name'?")


def test_a_role_needs_a_question_that_can_hold_it():
    problem = the_problem(one_page(ask("cost", "text", "role: cost")))
    assert problem == DefinitionProblem(
        15,
        "Role 'cost' (the cost added up in the figures) needs a money question, and question 'cost' is text",
    )


def test_a_role_is_given_to_one_question_only():
    text = one_page(ask("title", "text", "role: name") + ask("other_title", "text", "role: name"))
    assert the_problem(text) == DefinitionProblem(
        19, "Role 'name' is given to more than one question: it was first given on line 15"
    )


def test_a_role_read_as_a_facet_must_be_that_facet():
    problem = the_problem(one_page(ask("evaluated", "yes_no", "role: has_evaluation", "facet: evaluated")))
    assert problem.line == 15
    assert "must be the facet 'has_evaluation' (add 'facet: has_evaluation')" in problem.message


def test_the_sharing_role_has_exactly_the_choices_the_service_acts_on():
    choices = "choices: [{value: public, label: Anyone}, {value: members, label: Members}]"
    problem = the_problem(one_page(ask("sharing", "radios", "role: sharing", choices)))
    assert problem.line == 15
    assert problem.message.endswith(
        "its choices must be exactly public, sector, figures_only, not public, members"
    )


def test_a_field_of_a_repeating_group_has_no_role():
    group = ask(
        "people",
        "repeating_group",
        "fields:",
        "- id: person",
        "  type: text",
        "  label: Who?",
        "  role: name",
    )
    problem = the_problem(one_page(group))
    assert problem.line == 19
    assert "field of repeating group 'people', so it cannot have a role" in problem.message


def test_the_roles_the_service_needs_are_required_on_the_sections_line():
    problems = problems_in(one_page(NAME), required_roles=("name", "sharing"))
    assert [problem.line for problem in problems] == [5, 5]  # "sections:"
    assert problems[0].message == (
        "No question has the role 'name' (the project's name, the title of its record): "
        "add 'role: name' to the text question that asks for it"
    )
    assert "'role: sharing' to the radios question" in problems[1].message


def test_missing_roles_wait_until_the_rest_reads_well():
    """A question that could not be read may be the one with the role: only its own problem is reported."""
    problems = problems_in(one_page(ask("title", "txt", "role: name")), required_roles=("name",))
    assert [problem.line for problem in problems] == [13]


def test_every_role_the_service_needs_is_required_by_default():
    with pytest.raises(DefinitionError) as raised:
        load_definition(one_page(NAME))
    problems = raised.value.problems
    assert {problem.message.split("'")[1] for problem in problems} == set(REQUIRED_ROLES)


def test_the_shipped_questionnaire_gives_every_role(shipped):
    roles = {question.role: question.id for question in shipped.questions if question.role}
    assert set(roles) == set(ROLES)
    assert roles["name"] == "project_name"
    assert roles["sharing"] == "sharing"


def test_a_renamed_question_is_still_found_by_its_role():
    """A new version may rename its questions: the service follows the role, not the id."""
    text = DEFAULT_DEFINITION.read_text(encoding="utf-8").replace("- id: sharing\n", "- id: who_can_see\n")
    questionnaire = load_definition(text)
    assert questionnaire.role_question("sharing").id == "who_can_see"
    assert questionnaire.answer({"who_can_see": "public"}, "sharing") == "public"
    without = re.sub(r"\n *role: sharing\n", "\n", text)
    problem = the_problem(without, required_roles=REQUIRED_ROLES)
    assert problem.line == text.splitlines().index("sections:") + 1
    assert "No question has the role 'sharing'" in problem.message
