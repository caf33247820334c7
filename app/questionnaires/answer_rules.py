"""The definition's cross-answer rules (`rules:`) applied to a set of answers: which rules they break.

Shared by the page forms (a message beside the answer to change), check your answers and submitting; it
knows nothing of forms or requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.questionnaires.display import answer_date, answer_month, is_blank
from app.questionnaires.schema import AnswerRule, Questionnaire, condition_holds, is_question_visible


def broken_rules(
    questionnaire: Questionnaire, answers: Mapping[str, Any], *, on: set[str] | None = None
) -> list[AnswerRule]:
    """The rules the answers break, in the definition's order; only those on the questions `on` if given.
    A rule whose question (or the question its condition names) is not shown does not apply; nor does a
    comparison with an answer that is blank or not a real date (the question's own rules say so)."""
    answers = dict(answers)
    broken = []
    for rule in questionnaire.rules:
        if on is not None and rule.question not in on:
            continue
        if _applies(questionnaire, rule, answers) and _broken(questionnaire, rule, answers):
            broken.append(rule)
    return broken


def _applies(questionnaire: Questionnaire, rule: AnswerRule, answers: dict[str, Any]) -> bool:
    question = questionnaire.question(rule.question)
    if question is None or not is_question_visible(questionnaire, question, answers):
        return False
    if rule.when is None:
        return True
    controller = questionnaire.question(rule.when.question)
    if controller is None or not is_question_visible(questionnaire, controller, answers):
        return False
    return condition_holds(rule.when, answers)


def _broken(questionnaire: Questionnaire, rule: AnswerRule, answers: dict[str, Any]) -> bool:
    value = answers.get(rule.question)
    if rule.require:
        return is_blank(value)
    if rule.forbid:
        values = value if isinstance(value, list) else [value]
        return any(str(item) in rule.forbid for item in values if item is not None)
    other = rule.not_before or rule.not_after
    if other is None:
        return False
    mine, theirs = _when(questionnaire, rule.question, value), _when(questionnaire, other, answers.get(other))
    if mine is None or theirs is None:
        return False
    other_question = questionnaire.question(other)
    if other_question is None or not is_question_visible(questionnaire, other_question, answers):
        return False
    return mine < theirs if rule.not_before else mine > theirs


def _when(questionnaire: Questionnaire, question_id: str, value: Any) -> date | None:
    question = questionnaire.question(question_id)
    if question is None or is_blank(value):
        return None
    return answer_date(value) if question.type == "date" else answer_month(value)
