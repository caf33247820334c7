"""What changed between two revisions of a project's answers, as a reviewer reads them.

Answers are compared as they are displayed, so retyping "1250" as "£1,250" is not a change, and a repeating
group is one answer: any difference in its items shows the whole group before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.questionnaires.display import format_answer
from app.questionnaires.schema import Page, Question, Questionnaire, is_question_visible


@dataclass(frozen=True)
class Change:
    question: Question
    page: Page
    before: str  # display text, "" when not answered or not shown
    after: str


def changes_between(
    questionnaire: Questionnaire,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    organisation_names: Mapping[str, str],
) -> list[Change]:
    """The questions whose displayed answer differs between two revisions, in questionnaire order. A question
    that is not shown in a revision (its condition does not hold there) counts as unanswered in it."""
    before, after = dict(before), dict(after)
    changes = []
    for page in questionnaire.pages:
        for question in page.questions:
            shown_before = is_question_visible(questionnaire, question, before)
            shown_after = is_question_visible(questionnaire, question, after)
            if not (shown_before or shown_after):
                continue
            text_before = _shown(question, before, shown_before, organisation_names)
            text_after = _shown(question, after, shown_after, organisation_names)
            if text_before != text_after:
                changes.append(Change(question, page, text_before, text_after))
    return changes


def _shown(question: Question, answers: dict[str, Any], visible: bool, names: Mapping[str, str]) -> str:
    return format_answer(question, answers.get(question.id), names) if visible else ""
