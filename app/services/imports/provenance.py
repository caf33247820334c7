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


def describe(submission_id: int, answers: dict[str, Any] | None = None) -> str | None:
    """ "Imported from export.csv, row 12" and, given its answers, "Merged with other.csv, row 3" for each row
    merged into it; None for a project that was not imported."""
    parts = [for_submissions([submission_id]).get(submission_id), *merged_from(answers or {})]
    return ". ".join(part for part in parts if part) or None


def merged_from(answers: dict[str, Any]) -> list[str]:
    """ "Merged with export.csv, row 12", for each row of a file merged into a record."""
    entries = (answers.get(IMPORTED) or {}).get("merged") or []
    return [f"Merged with {entry.get('file')}, row {entry.get('row')}" for entry in entries]


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


def missing(answers: dict[str, Any], questionnaire: Questionnaire) -> list[str]:
    """The required questions an imported record was left without, because its row did not answer them:
    an incomplete record."""
    left = set((answers.get(IMPORTED) or {}).get("incomplete") or [])
    return [q.short_label for q in questionnaire.questions if q.id in left and q.id not in answers]


def as_given(
    answers: dict[str, Any], questionnaire: Questionnaire, *, with_contact: bool
) -> list[tuple[str, str]]:
    """(question, text as typed) for each value an import kept beside an empty answer, and each answer of a
    row merged into the record that differed from the record's. Contact details only for those who may see
    them."""
    imported = answers.get(IMPORTED) or {}
    kept = imported.get("as_given") or {}
    contact = {q.id for q in questionnaire.questions if q.role in PERSONAL_ROLES}
    found = []
    for question in questionnaire.questions:
        if question.id in kept and (with_contact or question.id not in contact):
            found.append((question.short_label, str(kept[question.id])))
    for entry in imported.get("merged") or []:
        differing = entry.get("differing") or {}
        for question in questionnaire.questions:
            if question.id in differing and (with_contact or question.id not in contact):
                label = f"{question.short_label} (in {entry.get('file')}, row {entry.get('row')})"
                found.append((label, str(differing[question.id])))
    return found
