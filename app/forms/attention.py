"""Saved answers that need attention before a project can be submitted: each with its page and message.

Run over saved answers (not a posted form), by the same rules as the page forms: each question's own rules on
the pages saved with a problem, and the definition's rules across answers everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.forms.questionnaire_fields import input_id
from app.questionnaires.answer_rules import broken_rules
from app.questionnaires.organisation_options import OrganisationOption, offered
from app.questionnaires.rules import answer_error, own_organisation_error
from app.questionnaires.schema import Page, Question, Questionnaire, is_page_visible, is_question_visible

IN_PROGRESS = "in_progress"  # app.services.progress.IN_PROGRESS: a page saved with a problem


@dataclass(frozen=True)
class Attention:
    page: Page
    question: Question
    message: str

    @property
    def anchor(self) -> str:
        return input_id(self.question, self.question.id)


def answers_needing_attention(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    page_states: Mapping[str, str],
    *,
    organisations: Sequence[OrganisationOption] = (),
    own_organisation_id: int | None = None,
) -> list[Attention]:
    """In the questionnaire's order, at most one message a question."""
    answers = dict(answers)
    found: dict[str, Attention] = {}
    page_of = {q.id: page for page in questionnaire.pages for q in page.questions}
    for page in questionnaire.pages:
        if page_states.get(page.id) != IN_PROGRESS or not is_page_visible(questionnaire, page, answers):
            continue
        for question in page.questions:
            if not is_question_visible(questionnaire, question, answers):
                continue
            options = offered(question, organisations, own_organisation_id)
            value = answers.get(question.id)
            message = answer_error(question, value, organisations=options) or own_organisation_error(
                question, value, own_organisation_id, options
            )
            if message:
                found[question.id] = Attention(page, question, message)
    for rule in broken_rules(questionnaire, answers):
        asked = questionnaire.question(rule.question)
        if asked is not None and rule.question not in found:
            found[rule.question] = Attention(page_of[rule.question], asked, rule.message)
    order = {q.id: number for number, q in enumerate(questionnaire.questions)}
    return sorted(found.values(), key=lambda item: order[item.question.id])
