"""Where an imported project came from (its file and row) and what the import kept as given, for the record
page, the reviewer's timeline and downloads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import ImportBatch, ImportedProject
from app.questionnaires.roles import PERSONAL_ROLES
from app.questionnaires.schema import Questionnaire
from app.services.imports.rows import IMPORTED


def describe(submission_id: int) -> str | None:
    """ "Imported from export.csv, row 12", or None for a project that was not imported."""
    return for_submissions([submission_id]).get(submission_id)


def for_submissions(submission_ids: Iterable[int]) -> dict[int, str]:
    """Each imported project's file and row, by submission id, in one query."""
    ids = list(dict.fromkeys(submission_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ImportedProject.submission_id, ImportedProject.row_number, ImportBatch.file_name)
        .join(ImportBatch, ImportBatch.id == ImportedProject.batch_id)
        .where(ImportedProject.submission_id.in_(ids))
    ).all()
    return {
        submission_id: f"Imported from {file_name}" + (f", row {row}" if row else "")
        for submission_id, row, file_name in rows
    }


def as_given(
    answers: dict[str, Any], questionnaire: Questionnaire, *, with_contact: bool
) -> list[tuple[str, str]]:
    """(question, text as typed) for each value an import kept beside an empty answer. Contact details only
    for those who may see them."""
    kept = (answers.get(IMPORTED) or {}).get("as_given") or {}
    contact = {q.id for q in questionnaire.questions if q.role in PERSONAL_ROLES}
    found = []
    for question in questionnaire.questions:
        if question.id in kept and (with_contact or question.id not in contact):
            found.append((question.short_label, str(kept[question.id])))
    return found
