"""Writing a checked import: a project of each row, made in batches with their import keys and audit events,
in the caller's transaction (the caller commits once)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import (
    ImportBatch,
    ImportedProject,
    ImportMode,
    Organisation,
    Record,
    Revision,
    Sector,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
    User,
)
from app.models.base import utcnow
from app.services import audit
from app.services.imports.merging import merge_row
from app.services.imports.publishing import Publishable, publish_approved_many
from app.services.imports.responses import (
    PROGRESS_EVERY,
    UNMATCHED_NAME,
    WRITE_BATCH,
    Prepared,
    Progress,
)
from app.services.imports.rows import IMPORTED, RowOutcome


def write(
    prepared: Prepared,
    outcomes: list[RowOutcome],
    *,
    batch: ImportBatch,
    by: User,
    progress: Progress | None = None,
    decisions: dict[str, Any] | None = None,
) -> int:
    """Make a project of each row to import, in the caller's transaction: the caller commits once.

    `decisions` (from the check page): "skip" rows, "organisations" (a name as typed -> an organisation id),
    "merge" ({row: record id}: rows merged into a record already published, merging.py)."""
    decisions = decisions or {}
    skip = {int(r) for r in decisions.get("skip", [])}
    merges = {int(r): int(i) for r, i in (decisions.get("merge") or {}).items() if str(i).isdigit()}
    chosen = {
        k.casefold(): int(v) for k, v in (decisions.get("organisations") or {}).items() if str(v).isdigit()
    }
    organisations = {o.id: o for o in db.session.scalars(select(Organisation))}
    lead_question = prepared.mapping.lead_question
    names = {str(organisation_id): o.name for organisation_id, o in organisations.items()}
    unmatched = None
    count = 0
    pending: list[tuple[RowOutcome, Publishable]] = []
    merged = []
    for outcome in outcomes:
        if outcome.row in skip:
            continue
        if outcome.row in merges:
            record = db.session.get(Record, merges[outcome.row])
            if record is not None:
                merge_row(prepared, outcome, record, batch=batch, by=by)
                merged.append({"row": outcome.row, "key": outcome.key, "record_id": record.id})
                continue
        lead_id = outcome.organisation_id
        if lead_id is None and lead_question is not None and outcome.lead_as_given.casefold() in chosen:
            lead_id = chosen[outcome.lead_as_given.casefold()]
            outcome.answers[lead_question.id] = str(lead_id)
            outcome.as_given.pop(lead_question.id, None)
        if lead_id is None:
            unmatched = unmatched or _unmatched_organisation()
            lead = unmatched
        else:
            lead = organisations[lead_id]
        partners = [organisations[i] for i in outcome.partner_ids if i in organisations and i != lead.id]
        answers = outcome.stored_answers()
        answers.setdefault(IMPORTED, {})["source"] = {"file": batch.file_name, "row": outcome.row}
        answers.setdefault(outcome.name_id, outcome.name or f"Imported project, row {outcome.row}")
        pending.append((outcome, Publishable(lead, partners, answers)))
        if len(pending) == WRITE_BATCH:
            count = _write_batch(prepared, pending, batch, by, names, count, progress)
            pending = []
    count = _write_batch(prepared, pending, batch, by, names, count, progress)
    if merged:
        batch.decisions = {**(batch.decisions or {}), "merged": merged}
    return count


def _write_batch(
    prepared: Prepared,
    pending: list[tuple[RowOutcome, Publishable]],
    batch: ImportBatch,
    by: User,
    names: dict[str, str],
    count: int,
    progress: Progress | None,
) -> int:
    """Some rows' projects, their import keys and audit events, flushed together. The running count."""
    if not pending:
        return count
    projects = [project for _, project in pending]
    if prepared.mode == ImportMode.RECORDS:
        submissions = publish_approved_many(prepared.round, projects, by, prepared.questionnaire, names)
    else:
        submissions = [_waiting_in_review(prepared, p.lead, p.partners, p.answers, by) for p in projects]
        db.session.flush()
    for (outcome, project), submission in zip(pending, submissions, strict=True):
        db.session.add(
            ImportedProject(
                source=prepared.source,
                row_key=outcome.key,
                batch=batch,
                submission=submission,
                row_number=outcome.row,
                cells=outcome.cells,
            )
        )
        audit.record(
            "import.project",
            actor=by,
            subject=submission,
            organisation_id=project.lead.id,
            file_name=batch.file_name,
            row=outcome.row,
            mode=prepared.mode.value,
            incomplete=outcome.missing,
        )
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    db.session.flush()
    return count


def _unmatched_organisation() -> Organisation:
    """The inactive organisation that owns projects whose lead organisation was kept as given."""
    found = db.session.scalar(select(Organisation).where(Organisation.name == UNMATCHED_NAME))
    if found is None:
        found = Organisation(name=UNMATCHED_NAME, sector=Sector.OTHER, region=None, active=False, aliases=[])
        db.session.add(found)
        db.session.flush()
    return found


def _waiting_in_review(
    prepared: Prepared, lead: Organisation, partners: list[Organisation], answers: dict[str, Any], by: User
) -> Submission:
    """A submitted project in the review queue, with its one revision, as a lead's submit leaves it."""
    round_ = prepared.round
    submission = Submission(
        round=round_,
        organisation=lead,
        created_by=by,
        questionnaire_version_id=round_.questionnaire_version_id,
        status=SubmissionStatus.SUBMITTED,
        name=str(prepared.questionnaire.answer(answers, "name") or "")[:300] or None,
        answers=answers,
        page_states={},
        submitted_at=utcnow(),
    )
    db.session.add(submission)
    db.session.flush()
    submission.reference = f"CP-{round_.opens_at.year}-{submission.id:05d}"
    submission.partners = [SubmissionPartner(organisation_id=p.id) for p in partners]
    db.session.add(
        Revision(
            submission=submission,
            number=1,
            questionnaire_version_id=round_.questionnaire_version_id,
            answers=answers,
            submitted_by=by,
        )
    )
    return submission
