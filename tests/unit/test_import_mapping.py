"""Checking a mapping: every problem, with its line, before any row is read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.questionnaires.loader import default_questionnaire
from app.services.imports.binding import bind
from app.services.imports.files import SPREADSHEET, SURVEYMONKEY, open_table
from app.services.imports.mapping import load_mapping
from app.services.organisations.files import SEED_FILE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"
NAMES = [row["name"] for row in csv.DictReader(SEED_FILE.open(encoding="utf-8"))]
QUESTIONNAIRE = default_questionnaire()
SURVEY_MAPPING = (EXAMPLES / "surveymonkey-collaboration-2017.yaml").read_text()


def load(text: str, mode: str = "records"):
    return load_mapping(text, QUESTIONNAIRE, organisation_names=NAMES, mode=mode)


def messages(mapping) -> list[str]:
    return [problem.describe() for problem in mapping.problems]


@pytest.mark.parametrize(
    ("file", "mapping", "layout"),
    [
        ("surveymonkey-collaboration-2017.csv", "surveymonkey-collaboration-2017.yaml", SURVEYMONKEY),
        ("overview-2016.xlsx", "overview-2016.yaml", SPREADSHEET),
    ],
)
def test_the_shipped_mappings_fit_their_files(file, mapping, layout):
    loaded = load((EXAMPLES / mapping).read_text())
    table = open_table((EXAMPLES / file).read_bytes(), file, loaded.layout)
    bind(loaded, table.columns)

    assert messages(loaded) == []
    assert loaded.layout == layout
    assert loaded.lead_question.id == "lead_organisation"
    assert all(spec.columns for spec in loaded.questions.values())


def test_the_other_theme_reads_one_option_of_a_multiple_choice_question():
    loaded = load(SURVEY_MAPPING)
    table = open_table((EXAMPLES / "surveymonkey-collaboration-2017.csv").read_bytes(), "s.csv", SURVEYMONKEY)
    bind(loaded, table.columns)
    assert [c.option for c in loaded.questions["other_theme"].columns] == ["Other (please specify)"]
    assert len(loaded.questions["themes"].columns) == 12
    assert loaded.questions["themes"].choices["joint control room"] == "joint_control_rooms"
    assert loaded.questions["themes"].choices["joint training"] == "joint_training"  # its own label, unmapped


def test_every_problem_is_reported_with_its_line():
    text = """\
format: surveymonkey
source: Survey 2017
row_id: Respondent ID
organisation_aliases:
  Kent F&R: Kent Fire and Rescue Servce
questions:
  project_nme: Project name
  lead_organisation: Lead
  summary: {column: Summary, separator: ";"}
  stage:
    column: Stage
    choices:
      Live: running
  themes: {column: Themes, choices: {Shared stations: shared_estates}}
defaults:
  sharing: everyone
  partners: Kent Police
"""
    found = messages(load(text, mode="drafts"))

    assert found == [
        "Mapping line 5: 'Kent Fire and Rescue Servce' is not an organisation in the directory. "
        "Did you mean 'Kent Fire and Rescue Service'?",
        "Mapping line 7: Unknown question 'project_nme'. Did you mean 'project_name'?",
        "Mapping line 9: Only questions with several answers take a separator, not question 'summary'",
        "Mapping line 13: 'running' is not a choice of question 'stage'. Did you mean 'planning'?",
        "Mapping line 16: 'everyone' is not a choice of question 'sharing'. "
        "Use one of: public, sector, figures_only",
        "Mapping line 17: Question 'partners' names organisations: it has no default",
    ]


def test_questions_the_file_never_asked_are_left_unanswered_not_required():
    # History: an imported record has only the answers its file held (issue 13).
    text = "format: spreadsheet\nsource: Overview\nrow_id: Ref\nquestions:\n  lead_organisation: Lead\n"
    assert messages(load(text)) == []


def test_the_lead_organisation_must_have_a_column():
    found = messages(
        load("format: spreadsheet\nsource: S\nrow_id: Ref\nquestions:\n  project_name: Name\n", "drafts")
    )
    assert found == [
        "Mapping line 4: Give question 'lead_organisation' a column: "
        "it names the organisation each project belongs to"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Mapping line 1: The mapping is empty"),
        ("format: [surveymonkey\n", "Mapping line 2: The mapping cannot be read"),
        ("- a\n- b\n", "Mapping line 1: The mapping must be a mapping of keys and values, not a list"),
        (
            "format: excel\nsource: S\nrow_id: R\nquestions: {}\n",
            "Unknown format 'excel'. Use surveymonkey or",
        ),
        (
            "format: spreadsheet\nrow_id: R\n",
            "The mapping is missing 'questions'",
        ),
        (
            "format: spreadsheet\nsource: S\nrow_id: R\n"
            "questions:\n  lead_organisation: {column: L, option: X}\n",
            "Mapping line 5: Only a SurveyMonkey export has options: remove option",
        ),
    ],
)
def test_a_mapping_that_is_not_a_mapping_is_refused_precisely(text, message):
    assert any(message in found for found in messages(load(text, "drafts"))), messages(load(text, "drafts"))


def test_columns_missing_from_the_file_are_reported_with_the_closest_header():
    text = """\
format: surveymonkey
source: Survey 2017
row_id: Respondent ID
questions:
  lead_organisation: Which organisation is leading this collaboration
  start_date: Project strat date
  contact_name: Who should we contact about this project?
  themes:
    column: Which of the following themes does the collaboration cover? (please tick all that apply)
    option: Drones
"""
    loaded = load(text, "drafts")
    table = open_table((EXAMPLES / "surveymonkey-collaboration-2017.csv").read_bytes(), "s.csv", SURVEYMONKEY)
    bind(loaded, table.columns)
    found = messages(loaded)

    assert found[0] == (
        "Mapping line 5: The file has no question 'Which organisation is leading this collaboration'. "
        "Did you mean 'Which organisation is leading this collaboration?'?"
    )
    assert found[1] == (
        "Mapping line 6: The file has no question 'Project strat date'. Did you mean 'Project start date'?"
    )
    assert found[2].startswith(
        "Mapping line 7: Question 'Who should we contact about this project?' has 4 columns in the file "
        "(options 'Name', 'Job title', 'Email Address', 'Phone Number'): say which one with option:"
    )
    assert found[3].startswith("Mapping line 9: Question 'Which of the following themes")
    assert "has no option 'Drones'. Its options are: 'Co-responding / first response'" in found[3]
