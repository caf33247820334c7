"""How far a project has got: page and section statuses for the task list, and what is left to do."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from app.questionnaires.schema import Page, Questionnaire, Section, is_page_visible

COMPLETED = "completed"
IN_PROGRESS = "in_progress"


class SectionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANNOT_START_YET = "cannot_start_yet"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not yet started",
            "in_progress": "In progress",
            "completed": "Completed",
            "cannot_start_yet": "Cannot start yet",
        }[self]


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    status: SectionStatus
    first_page: Page | None  # where the section's link goes: the first page not yet completed


def visible_pages(questionnaire: Questionnaire, section: Section, answers: dict[str, Any]) -> list[Page]:
    return [page for page in section.pages if is_page_visible(questionnaire, page, answers)]


def section_status(
    questionnaire: Questionnaire, section: Section, answers: dict[str, Any], page_states: dict[str, str]
) -> SectionStatus:
    pages = visible_pages(questionnaire, section, answers)
    states = [page_states.get(page.id) for page in pages]
    if pages and all(state == COMPLETED for state in states):
        return SectionStatus.COMPLETED
    if any(state is not None for state in states):
        return SectionStatus.IN_PROGRESS
    return SectionStatus.NOT_STARTED


def task_list(
    questionnaire: Questionnaire, answers: dict[str, Any], page_states: dict[str, str]
) -> list[SectionProgress]:
    statuses = {s.id: section_status(questionnaire, s, answers, page_states) for s in questionnaire.sections}
    progress = []
    for section in questionnaire.sections:
        status = statuses[section.id]
        if status == SectionStatus.NOT_STARTED and any(
            statuses[a] != SectionStatus.COMPLETED for a in section.after
        ):
            status = SectionStatus.CANNOT_START_YET
        pages = visible_pages(questionnaire, section, answers)
        first = next((p for p in pages if page_states.get(p.id) != COMPLETED), pages[0] if pages else None)
        progress.append(SectionProgress(section=section, status=status, first_page=first))
    return progress


def can_start_section(
    questionnaire: Questionnaire, section: Section, answers: dict[str, Any], page_states: dict[str, str]
) -> bool:
    return all(
        section_status(questionnaire, questionnaire_section, answers, page_states) == SectionStatus.COMPLETED
        for questionnaire_section in questionnaire.sections
        if questionnaire_section.id in section.after
    )


def next_page(questionnaire: Questionnaire, page: Page, answers: dict[str, Any]) -> Page | None:
    """The next page shown in the same section, or None at the end of the section."""
    section = questionnaire.section_of(page.id)
    if section is None:
        return None
    pages = list(section.pages)
    for candidate in pages[pages.index(page) + 1 :]:
        if is_page_visible(questionnaire, candidate, answers):
            return candidate
    return None


def incomplete_pages(
    questionnaire: Questionnaire, answers: dict[str, Any], page_states: dict[str, str]
) -> list[Page]:
    return [
        page
        for page in questionnaire.pages
        if is_page_visible(questionnaire, page, answers) and page_states.get(page.id) != COMPLETED
    ]
