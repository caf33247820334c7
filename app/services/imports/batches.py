"""Import batches: a file uploaded on the Imports page (or given to `flask import responses`), checked by
the worker row by row with its progress saved, then imported once an administrator confirms. The checks and
the import itself are in imports.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ImportBatch, ImportedProject, ImportMode, ImportStatus, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import InvalidTransition
from app.services.imports.proposal import to_yaml
from app.services.imports.responses import (
    ImportRefused,
    Prepared,
    Progress,
    Report,
    check,
    file_hash,
    history_round,
    prepare,
)
from app.services.imports.writing import write
from app.services.jobs import checkpoint, roll_back
from app.services.statements import rows_changed

log = logging.getLogger(__name__)

# A batch still checking or importing with no progress for this long has lost its worker.
ABANDONED_AFTER = timedelta(hours=1)


def upload(
    *,
    data: bytes,
    file_name: str,
    mapping_text: str,
    mapping_name: str,
    round_title: str,
    year: int,
    mode: ImportMode,
    by: User,
    ip_address: str | None = None,
) -> ImportBatch:
    """Keep an upload (its header read and its mapping checked, or proposed) for the worker to check row by
    row. The closed round the history goes into is made now if it does not exist (DomainError if the title
    names a round that is open or has not opened)."""
    round_ = history_round(round_title, year, by=by)
    prepared = prepare(data, file_name, mapping_text or None, round_, mode)
    if not mapping_text:
        mapping_text = to_yaml(prepared.mapping)
        mapping_name = "Proposed from the file's headings"
    batch = ImportBatch(
        source=prepared.source,
        file_name=file_name[:255],
        file_hash=file_hash(data),
        file_size=len(data),
        content=data,
        mapping_name=mapping_name[:255],
        mapping_text=mapping_text,
        round=round_,
        mode=mode,
        status=ImportStatus.TO_CHECK,
        rows_done=0,
        uploaded_by=by,
        ip_address=ip_address,
    )
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "import.uploaded",
        actor=by,
        subject=batch,
        ip_address=ip_address,
        file_name=batch.file_name,
        file_hash=batch.file_hash,
        source=batch.source,
        round=round_.title,
        mode=mode.value,
    )
    return batch


def confirm(
    batch: ImportBatch,
    *,
    by: User,
    ip_address: str | None = None,
    answers: dict[str, list[str]] | None = None,
) -> None:
    """Import a checked file, with the administrator's decisions from the check page (`answers`, as posted:
    rows to skip, organisations chosen for names that matched none, duplicate pairs)."""
    report = Report.from_json(batch.report)
    if batch.status != ImportStatus.CHECKED or not report.can_import:
        raise InvalidTransition("This file cannot be imported: check it again")
    batch.decisions = decisions_from(answers or {}, report)
    changed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == ImportStatus.CHECKED)
        .values(status=ImportStatus.TO_IMPORT, confirmed_by_id=by.id, rows_done=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(batch)
    if rows_changed(changed) != 1:
        raise InvalidTransition("This file is already being imported")
    audit.record(
        "import.confirmed",
        actor=by,
        subject=batch,
        ip_address=ip_address,
        rows=len(report.ready),
        skipped=len(batch.decisions.get("skip", [])),
        merged=len(batch.decisions.get("merge", {})),
    )


def decisions_from(answers: dict[str, list[str]], report: Report) -> dict[str, Any]:
    """The check page's choices as write() takes them. Rows proposed for skipping stay skipped unless
    unticked; a name chosen as an organisation becomes it; of a duplicate pair, "first" keeps the first row
    only and "second" the second; an existing record's likely duplicate is left out with "existing", or
    merged into the record with "merge" (into the first record chosen, for a row like several)."""
    ready = {row["row"] for row in report.ready}
    skip = {int(r) for r in answers.get("skip", []) if r.isdigit() and int(r) in ready}
    for number, pair in enumerate(report.duplicate_pairs):
        choice = (answers.get(f"duplicate-{number}") or ["both"])[0]
        if choice == "first":
            skip.add(int(pair["rows"][1]))
        elif choice == "second":
            skip.add(int(pair["rows"][0]))
    merge: dict[str, int] = {}
    for number, pair in enumerate(report.existing_duplicates):
        choice = (answers.get(f"existing-{number}") or ["both"])[0]
        if choice == "existing":
            skip.add(int(pair["row"]))
        elif choice == "merge":
            merge.setdefault(str(pair["row"]), int(pair["record_id"]))
    organisations = {}
    for number, entry in enumerate(report.unknown_names):
        choice = (answers.get(f"organisation-{number}") or [""])[0]
        if choice.isdigit() and int(choice) in {int(c) for c in entry.get("candidate_ids", [])}:
            organisations[entry["name"]] = int(choice)
    merge = {row: record for row, record in merge.items() if int(row) not in skip}
    return {"skip": sorted(skip), "organisations": organisations, "merge": merge}


def cancel(batch: ImportBatch, *, by: User, ip_address: str | None = None) -> None:
    if batch.status not in (ImportStatus.CHECKED, ImportStatus.FAILED):
        raise InvalidTransition(f"This import is {batch.status.label.lower()} and cannot be cancelled")
    batch.status = ImportStatus.CANCELLED
    batch.content = None
    batch.updated_at = batch.finished_at = utcnow()
    audit.record("import.cancelled", actor=by, subject=batch, ip_address=ip_address)


def recent_batches(limit: int = 50) -> list[ImportBatch]:
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


def run_pending() -> str | None:
    """The worker's job: check or import the oldest batch waiting, if any. Commits as it goes."""
    _reclaim_abandoned()
    waiting = db.session.scalar(
        select(ImportBatch.id)
        .where(ImportBatch.status.in_((ImportStatus.TO_CHECK, ImportStatus.TO_IMPORT)))
        .order_by(ImportBatch.id)
        .limit(1)
    )
    if waiting is None:
        return None
    batch = db.session.get(ImportBatch, waiting)
    assert batch is not None
    importing = batch.status == ImportStatus.TO_IMPORT
    start, running = (
        (ImportStatus.TO_IMPORT, ImportStatus.IMPORTING)
        if importing
        else (ImportStatus.TO_CHECK, ImportStatus.CHECKING)
    )
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == waiting, ImportBatch.status == start)
        .values(status=running, rows_done=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    checkpoint()
    if rows_changed(claimed) != 1:
        return None  # another worker took it
    try:
        return _import_batch(waiting) if importing else _check_batch(waiting)
    except Exception as error:
        roll_back()
        log.exception("Import %s failed", waiting)
        batch = db.session.get(ImportBatch, waiting)
        assert batch is not None
        batch.status = ImportStatus.FAILED
        batch.finished_at = batch.updated_at = utcnow()
        batch.message = (
            "Another import of the same rows finished first. Nothing was imported from this file: "
            "upload it again to see which rows are left."
            if isinstance(error, IntegrityError)
            else "The import stopped because of an unexpected error. Nothing was imported from this file."
        )
        checkpoint()
        return f"import {waiting} failed"


def _reclaim_abandoned() -> None:
    """A batch whose worker stopped (killed, or its machine gone) part-way is taken up again: nothing it did
    was committed, except progress."""
    stale = utcnow() - ABANDONED_AFTER
    for running, waiting in (
        (ImportStatus.CHECKING, ImportStatus.TO_CHECK),
        (ImportStatus.IMPORTING, ImportStatus.TO_IMPORT),
    ):
        db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.status == running, ImportBatch.updated_at < stale)
            .values(status=waiting, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    checkpoint()


def _prepared(batch: ImportBatch) -> Prepared:
    return prepare(batch.content or b"", batch.file_name, batch.mapping_text, batch.round, batch.mode)


def _check_batch(batch_id: int) -> str:
    batch = db.session.get(ImportBatch, batch_id)
    assert batch is not None
    try:
        prepared = _prepared(batch)
    except ImportRefused as refused:
        return _refused(batch, refused)
    batch.rows_total = prepared.table.count()
    checkpoint()

    def saved(done: int) -> None:
        batch.rows_done = done
        batch.updated_at = utcnow()
        checkpoint()

    report, _ = check(prepared, progress=saved)
    batch.report = report.to_json()
    batch.rows_total = batch.rows_done = report.total
    batch.status = ImportStatus.CHECKED
    batch.updated_at = utcnow()
    checkpoint()
    return f"import {batch_id} checked: {len(report.ready)} rows ready, {report.problem_count} problems"


def _what_imports(report: Report) -> list[tuple[Any, ...]]:
    """What the administrator confirmed: each row and the organisation it goes to."""
    return [(row["row"], row["organisation"]) for row in report.ready]


def _refused(batch: ImportBatch, refused: ImportRefused) -> str:
    problems = [*refused.file_problems, *refused.mapping_problems, *refused.round_problems]
    batch.status = ImportStatus.FAILED
    batch.message = "The file or its mapping cannot be used now: " + "; ".join(problems)
    batch.finished_at = batch.updated_at = utcnow()
    checkpoint()
    return f"import {batch.id} refused"


def _import_batch(batch_id: int) -> str:
    batch = db.session.get(ImportBatch, batch_id)
    assert batch is not None and batch.confirmed_by is not None
    try:
        prepared = _prepared(batch)
    except ImportRefused as refused:
        return _refused(batch, refused)
    report, projects = check(prepared)
    confirmed = Report.from_json(batch.report)
    if not report.can_import or _what_imports(report) != _what_imports(confirmed):
        # Something changed since the dry run (an organisation, an earlier import): show the new report.
        batch.report = report.to_json()
        batch.status = ImportStatus.CHECKED
        batch.message = (
            "The file was checked again before importing, and the report has changed. Nothing was imported."
        )
        checkpoint()
        return f"import {batch_id} not imported: the report changed"
    count = write(
        prepared,
        projects,
        batch=batch,
        by=batch.confirmed_by,
        progress=_progress_outside(batch_id),
        decisions=batch.decisions,
    )
    finish(batch, report, count, by=batch.confirmed_by)
    checkpoint()
    return f"import {batch_id}: {count} projects imported"


def finish(
    batch: ImportBatch, report: Report, count: int, *, by: User, ip_address: str | None = None
) -> None:
    """Mark a batch imported and audit it, in the import's transaction."""
    batch.status = ImportStatus.IMPORTED
    batch.report = report.to_json()
    batch.rows_total = report.total
    batch.rows_done = count
    batch.imported_count = count
    batch.skipped_count = len(report.already)
    batch.content = None
    batch.message = None
    batch.finished_at = batch.updated_at = utcnow()
    audit.record(
        "import.completed",
        actor=by,
        subject=batch,
        ip_address=ip_address or batch.ip_address,
        source=batch.source,
        file_name=batch.file_name,
        file_hash=batch.file_hash,
        round=batch.round.title,
        mode=batch.mode.value,
        rows=report.total,
        imported=count,
        merged=len((batch.decisions or {}).get("merged") or []),
        already_imported=len(report.already),
    )


def _progress_outside(batch_id: int) -> Progress | None:
    """Progress written beside the import's transaction, so the status page sees it before the commit. SQLite
    allows one writer at a time, so there the count only moves when the import commits."""
    if db.engine.dialect.name == "sqlite":
        return None

    def saved(done: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                update(ImportBatch)
                .where(ImportBatch.id == batch_id)
                .values(rows_done=done, updated_at=utcnow())
            )

    return saved


def record_cli_batch(
    prepared: Prepared, *, data: bytes, file_name: str, mapping_text: str, mapping_name: str, by: User
) -> ImportBatch:
    """The batch row of an import run from the command line: it is checked and imported at once."""
    batch = ImportBatch(
        source=prepared.source,
        file_name=file_name[:255],
        file_hash=file_hash(data),
        file_size=len(data),
        content=None,
        mapping_name=mapping_name[:255],
        mapping_text=mapping_text,
        round=prepared.round,
        mode=prepared.mode,
        status=ImportStatus.IMPORTING,
        rows_done=0,
        uploaded_by=by,
        confirmed_by=by,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def imported_projects(batch: ImportBatch, limit: int = 100) -> list[ImportedProject]:
    return list(
        db.session.scalars(
            select(ImportedProject).filter_by(batch_id=batch.id).order_by(ImportedProject.id).limit(limit)
        )
    )
