"""Answers as people read them: by section, with organisation names and choice labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation
from app.questionnaires.display import format_answer
from app.questionnaires.schema import Page, Question, Questionnaire, Section, is_question_visible


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    page: Page
    text: str  # "" when not answered


@dataclass(frozen=True)
class AnswerSection:
    section: Section
    rows: list[AnswerRow]


def organisation_names(answers: dict[str, Any], questionnaire: Questionnaire) -> dict[str, str]:
    ids: set[int] = set()
    for question in questionnaire.questions:
        value = answers.get(question.id)
        if question.type == "organisation" and isinstance(value, str) and value.isdigit():
            ids.add(int(value))
        elif question.type == "organisations" and isinstance(value, list):
            ids.update(int(v) for v in value if isinstance(v, str) and v.isdigit())
    if not ids:
        return {}
    rows = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return {str(org_id): name for org_id, name in rows}


def answer_sections(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[AnswerSection]:
    """Every shown question, in order, grouped by section, with its answer as text."""
    names = organisation_names(answers, questionnaire)
    sections = []
    for section in questionnaire.sections:
        rows = [
            AnswerRow(question=q, page=page, text=format_answer(q, answers.get(q.id), names))
            for page in section.pages
            for q in page.questions
            if is_question_visible(questionnaire, q, answers)
        ]
        if rows:
            sections.append(AnswerSection(section=section, rows=rows))
    return sections


def page_rows(questionnaire: Questionnaire, page: Page, answers: dict[str, Any]) -> list[tuple[str, str]]:
    names = organisation_names(answers, questionnaire)
    return [(q.short_label, format_answer(q, answers.get(q.id), names)) for q in page.questions]
