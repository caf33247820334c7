"""A row of a file merged into a record already published, when the check page found them to be one project
and the administrator chose "merge into the existing record".

The record keeps its answers and its organisations. Questions it left empty are answered from the row; where
the row answered differently, the row's text is kept with the record, beside its answers, as given (nothing in
the file is lost). The record's provenance says which file and row were merged into it, and an audit event
records the merge. The row's key is kept on the batch, so importing the same file again leaves it alone.
"""

from __future__ import annotations

import copy
from typing import Any

from app.extensions import db
from app.models import ImportBatch, Record, Revision, User
from app.questionnaires.display import is_blank
from app.services import audit
from app.services.find.publishing import publish
from app.services.imports.responses import Prepared
from app.services.imports.rows import IMPORTED, RowOutcome
from app.services.rounds import deadlines as rounds

ORGANISATION_TYPES = ("organisation", "organisations")  # a record keeps its organisations


def merge_row(
    prepared: Prepared, outcome: RowOutcome, record: Record, *, batch: ImportBatch, by: User
) -> None:
    """Merge one row into a record, as a new revision of its project published at once, in the caller's
    transaction."""
    submission = record.submission
    questionnaire = rounds.questionnaire_by_id(submission.questionnaire_version_id)
    answers = copy.deepcopy(record.answers or {})
    kept = answers.setdefault(IMPORTED, {})
    as_given = kept.setdefault("as_given", {})
    filled, differing = [], {}
    for question in questionnaire.questions:
        here = answers.get(question.id)
        empty = is_blank(here) and question.id not in as_given
        if question.id in outcome.answers:
            value = outcome.answers[question.id]
            if empty and question.type not in ORGANISATION_TYPES:
                answers[question.id] = value
                filled.append(question.id)
            elif value != here:
                differing[question.id] = _text(prepared, outcome, question.id, value)
        elif question.id in outcome.as_given:
            if empty:
                as_given[question.id] = outcome.as_given[question.id]
                filled.append(question.id)
            elif outcome.as_given[question.id] != as_given.get(question.id):
                differing[question.id] = outcome.as_given[question.id]
    if not as_given:
        kept.pop("as_given")
    kept.setdefault("merged", []).append(
        {"file": batch.file_name, "row": outcome.row, "differing": differing}
    )
    revision = Revision(
        submission=submission,
        number=max((r.number for r in submission.revisions), default=0) + 1,
        questionnaire_version_id=submission.questionnaire_version_id,
        answers=answers,
        submitted_by=by,
    )
    db.session.add(revision)
    submission.answers = answers
    db.session.flush()
    publish(submission, revision, questionnaire, by=by)
    audit.record(
        "import.merged",
        actor=by,
        subject=submission,
        organisation_id=submission.organisation_id,
        file_name=batch.file_name,
        row=outcome.row,
        record_id=record.id,
        answered=filled,
        differing=sorted(differing),
    )


def _text(prepared: Prepared, outcome: RowOutcome, question_id: str, value: Any) -> str:
    """The row's text for an answer: its cells as typed, else the answer read from them."""
    spec = prepared.mapping.questions.get(question_id)
    cells = [outcome.cells[c.title] for c in (spec.columns if spec else ()) if c.title in outcome.cells]
    if cells:
        return "; ".join(cells)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
