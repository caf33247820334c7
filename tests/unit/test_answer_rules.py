"""Cross-answer rules: declared in a definition, checked by the loader, applied to answers."""

from __future__ import annotations

import textwrap

import pytest

from app.questionnaires.answer_rules import broken_rules
from app.questionnaires.loader import DefinitionError, default_questionnaire, load_definition

DEFINITION = """\
id: demo
version: "1"
title: Demo
declaration: I confirm.
sections:
  - id: about
    title: About
    pages:
      - id: dates
        title: Dates
        questions:
          - id: stage
            type: radios
            label: Stage?
            choices:
              - {value: idea, label: Idea}
              - {value: ended, label: Ended}
          - id: start
            type: month_year
            label: Start?
          - id: end
            type: month_year
            label: End?
            required: false
          - id: when
            type: date
            label: When?
          - id: evaluated
            type: yes_no
            label: Evaluated?
"""


def load(rules: str):
    text = DEFINITION + "rules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")
    return load_definition(text, required_roles=())


def problems(rules: str) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        load(rules)
    return [str(problem) for problem in raised.value.problems]


def test_the_shipped_rules_compare_dates_and_forbid_and_require_answers():
    questionnaire = default_questionnaire()
    started = {"month": "4", "year": "2024"}
    answers = {"stage": "implemented", "start_date": started, "end_date": {"month": "3", "year": "2024"}}
    assert [r.message for r in broken_rules(questionnaire, answers)] == [
        "End date must be the same as or after the start date"
    ]
    answers["end_date"] = {"month": "4", "year": "2024"}
    assert broken_rules(questionnaire, answers) == []
    answers = {"stage": "idea", "has_evaluation": "yes", "start_date": started}
    assert [r.question for r in broken_rules(questionnaire, answers)] == ["has_evaluation"]
    assert broken_rules(questionnaire, {**answers, "has_evaluation": "no"}) == []
    assert [r.id for r in broken_rules(questionnaire, {"stage": "ended", "start_date": started})] == [
        "an_ended_project_has_an_end_date"
    ]
    # Only the rules on the questions asked for, and none on a date that is not a real one.
    assert (
        broken_rules(questionnaire, {**answers, "end_date": {"month": "13", "year": "2020"}}, on={"end_date"})
        == []
    )


def test_a_rule_with_a_condition_only_applies_when_it_holds():
    questionnaire = load("""\
        - id: no_evaluated_idea
          question: evaluated
          forbid: ["yes"]
          when: {question: stage, is: idea}
          message: An idea cannot have been evaluated
        """)
    assert [r.id for r in broken_rules(questionnaire, {"stage": "idea", "evaluated": "yes"})] == [
        "no_evaluated_idea"
    ]
    assert broken_rules(questionnaire, {"stage": "ended", "evaluated": "yes"}) == []


def test_the_loader_names_every_mistake_in_a_rule():
    found = problems("""\
        - id: one
          question: finish
          not_before: start
          message: End after start
        - id: two
          question: end
          not_before: when
          message: Mixed types
        - id: three
          question: stage
          forbid: [someday]
          message: Not a choice
        - id: four
          question: evaluated
          forbid: ["yes"]
          require: true
          message: Two kinds
        - id: five
          question: start
          forbid: ["yes"]
          message: A date has no choices
        - id: six
          question: end
          require: true
          when: {question: stage, is: maybe}
          message: Bad condition
        - id: one
          question: end
          not_after: end
          message: Itself, and the id again
        """)
    text = "\n".join(found)
    assert "Rule 'one' names question 'finish', but there is none" in text
    assert "compares 'end' (month_year) with 'when' (date): compare questions of the same type" in text
    assert "'someday' is not one of the choices of question 'stage', in rule 'three'" in text
    assert "Rule 'four' needs exactly one of not_before, not_after, forbid or require, not 2" in text
    assert "forbids answers to 'start', a month_year question" in text
    assert "'maybe' is not one of the choices of question 'stage'" in text
    assert "Rule id 'one' is used more than once" in text
    assert "compares 'end' with itself" in text
    assert all(problem.startswith("line ") for problem in found)
