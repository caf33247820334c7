"""Importing earlier responses (a SurveyMonkey export, an earlier overview spreadsheet) into a round.

First a dry run: every row is read and checked with the questionnaire's own rules, and a report says which
rows will import, which are already imported, which have problems and which organisation names are not
known. Then, only if no row has a problem, the import: all rows in one transaction, as approved published
records or as drafts for their organisation to complete. Each project is keyed by its source and row id, so
importing a file again skips what it already imported.

Administrators upload in the browser (the worker checks and imports each batch, reporting progress); `flask
import responses` does the same from a shell.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.imports.files import FileProblem, Table, open_table
from app.imports.mapping import Mapping, bind, load_mapping
from app.imports.rows import Directory, ProjectRow, RowProblem, RowReader
from app.models import (
    ImportBatch,
    ImportedProject,
    ImportMode,
    ImportStatus,
    NilReturn,
    Organisation,
    Round,
    RoundState,
    Submission,
    SubmissionStatus,
    User,
)
from app.models.base import utcnow
from app.questionnaires.schema import Questionnaire
from app.services import audit, demo_records, directory, progress, rounds
from app.services.errors import DomainError, InvalidTransition

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50  # rows between progress updates
MAX_PROBLEMS_KEPT = 1000  # a report lists at most this many problems (and counts them all)
# A batch still checking or importing with no progress for this long has lost its worker.
ABANDONED_AFTER = timedelta(hours=1)

Progress = Callable[[int], None]


class ImportRefused(DomainError):
    """The file or the mapping cannot be used: every problem found, by where it is."""

    def __init__(self, *, file: list[str] = (), mapping: list[str] = (), round_: list[str] = ()):
        self.file_problems, self.mapping_problems, self.round_problems = (
            list(file),
            list(mapping),
            list(round_),
        )
        super().__init__("; ".join([*self.file_problems, *self.mapping_problems, *self.round_problems]))


@dataclass
class Prepared:
    """A file and its mapping, both checked, ready to read row by row."""

    table: Table
    mapping: Mapping
    questionnaire: Questionnaire
    round: Round
    mode: ImportMode
    directory: Directory

    @property
    def source(self) -> str:
        assert self.mapping.source is not None
        return self.mapping.source


@dataclass
class Report:
    """What a dry run found. Kept on the batch as JSON for the report page."""

    total: int = 0
    ready: list[dict[str, Any]] = field(default_factory=list)  # row, key, name, organisation
    already: list[dict[str, Any]] = field(default_factory=list)  # row, key
    problems: list[dict[str, Any]] = field(default_factory=list)  # row, column, message, text
    problem_count: int = 0
    unknown_names: list[dict[str, Any]] = field(default_factory=list)  # name, rows, suggestions

    @property
    def can_import(self) -> bool:
        return self.problem_count == 0 and bool(self.ready)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "ready": self.ready,
            "already": self.already,
            "problems": self.problems,
            "problem_count": self.problem_count,
            "unknown_names": self.unknown_names,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Report:
        return cls(**data) if data else cls()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_round(text: str) -> Round | None:
    """A round by its id or its title (whatever its case)."""
    text = text.strip()
    if text.isdigit():
        found = db.session.get(Round, int(text))
        if found is not None:
            return found
    return next((r for r in rounds.all_rounds() if r.title.casefold() == text.casefold()), None)


def prepare(data: bytes, file_name: str, mapping_text: str, round_: Round, mode: ImportMode) -> Prepared:
    """Check the file and the mapping; ImportRefused with every problem if either cannot be used."""
    questionnaire = rounds.questionnaire_by_id(round_.questionnaire_version_id)
    options = directory.organisation_options()
    mapping = load_mapping(
        mapping_text, questionnaire, organisation_names=[o.name for o in options], mode=mode.value
    )
    round_problems = []
    if mode == ImportMode.DRAFTS and round_.state() == RoundState.CLOSED:
        round_problems.append(
            f"{round_.title} has closed, and leads cannot change drafts in a closed round: import the file "
            "as approved records, or into a round that is open or has not opened yet"
        )
    table = None
    file_problems = []
    if mapping.layout is not None:
        try:
            table = open_table(data, file_name, mapping.layout)
        except FileProblem as problem:
            file_problems.append(str(problem))
        else:
            bind(mapping, table.columns)
    if mapping.problems or file_problems or round_problems or table is None:
        raise ImportRefused(
            file=file_problems,
            mapping=[p.describe() for p in mapping.problems],
            round_=round_problems,
        )
    return Prepared(table, mapping, questionnaire, round_, mode, Directory(options, mapping.aliases))


def check(prepared: Prepared, *, progress: Progress | None = None) -> tuple[Report, list[ProjectRow]]:
    """Read and check every row (the dry run). Writes nothing."""
    source = prepared.source
    imported = set(
        db.session.scalars(select(ImportedProject.row_key).where(ImportedProject.source == source))
    )
    names = {option.id: option.name for option in prepared.directory.options}
    reader = RowReader(
        prepared.mapping,
        prepared.questionnaire,
        prepared.directory,
        records=prepared.mode == ImportMode.RECORDS,
    )
    report = Report()
    projects: list[ProjectRow] = []
    first_row_of: dict[str, int] = {}
    unknown: dict[str, dict[str, Any]] = {}
    id_column = prepared.mapping.row_id.title if prepared.mapping.row_id else ""
    for row, cells in prepared.table.rows():
        report.total += 1
        outcome = reader.read(row, cells)
        problems = list(outcome.problems)
        if outcome.key is not None:
            if outcome.key in first_row_of:
                first = first_row_of[outcome.key]
                message = f"Row {first} has the same id, '{outcome.key}': each row needs its own id"
                problems.insert(0, RowProblem(row, id_column, message))
            else:
                first_row_of[outcome.key] = row
                if outcome.key in imported:
                    report.already.append({"row": row, "key": outcome.key})
                    continue
        for name in outcome.unknown_names:
            entry = unknown.setdefault(name.name.strip().casefold(), {"name": name.name.strip(), "rows": []})
            entry["rows"].append(name.row)
        if problems:
            report.problem_count += len(problems)
            room = MAX_PROBLEMS_KEPT - len(report.problems)
            report.problems += [_problem_json(p) for p in problems[: max(room, 0)]]
        elif outcome.project is not None:
            project = outcome.project
            report.ready.append(
                {
                    "row": row,
                    "key": project.key,
                    "name": project.name,
                    "organisation": names[project.organisation_id],
                }
            )
            projects.append(project)
        if progress is not None and report.total % PROGRESS_EVERY == 0:
            progress(report.total)
    for entry in unknown.values():
        entry["suggestions"] = prepared.directory.suggestions(entry["name"])
    report.unknown_names = sorted(unknown.values(), key=lambda entry: entry["name"].casefold())
    return report, projects


def _problem_json(problem: RowProblem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
        "text": problem.describe(),
    }


def write(
    prepared: Prepared,
    projects: list[ProjectRow],
    *,
    batch: ImportBatch,
    by: User,
    progress: Progress | None = None,
) -> int:
    """Make a project of each checked row, in the caller's transaction: the caller commits once."""
    ids = {p.organisation_id for p in projects} | {i for p in projects for i in p.partner_ids}
    organisations = {
        o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }
    round_ = prepared.round
    for number, project in enumerate(projects, start=1):
        lead = organisations[project.organisation_id]
        partners = [organisations[i] for i in project.partner_ids]
        if prepared.mode == ImportMode.RECORDS:
            record = demo_records.publish_approved(
                round_, lead, partners, project.answers, by, prepared.questionnaire
            )
            submission = record.submission
        else:
            submission = _draft(prepared, project, lead, by)
        db.session.add(
            ImportedProject(source=prepared.source, row_key=project.key, batch=batch, submission=submission)
        )
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number)
    leads = {p.organisation_id for p in projects}
    if leads:  # the organisations have something to report in this round after all
        db.session.execute(
            delete(NilReturn).where(NilReturn.round_id == round_.id, NilReturn.organisation_id.in_(leads))
        )
    db.session.flush()
    return len(projects)


def _draft(prepared: Prepared, project: ProjectRow, lead: Organisation, by: User) -> Submission:
    submission = Submission(
        round=prepared.round,
        organisation=lead,
        created_by=by,
        questionnaire_version_id=prepared.round.questionnaire_version_id,
        status=SubmissionStatus.DRAFT,
        name=project.name[:300] or None,
        answers=project.answers,
        page_states=_page_states(prepared, project),
        edit_version=1,
    )
    db.session.add(submission)
    return submission


def _page_states(prepared: Prepared, project: ProjectRow) -> dict[str, str]:
    """A page is completed when its answers pass its own checks (as "Save and continue" would save it), in
    progress when some are there but not all: the lead finishes those."""
    reader = RowReader(prepared.mapping, prepared.questionnaire, prepared.directory, records=True)
    answers = project.answers
    states = {}
    for page in prepared.questionnaire.pages:
        if reader.page_is_valid(page, answers):
            states[page.id] = progress.COMPLETED
        elif any(q.id in answers for q in page.questions):
            states[page.id] = progress.IN_PROGRESS
    return states


# Batches: uploaded in the browser, checked and imported by the worker ---------------------------------------


def upload(
    *,
    data: bytes,
    file_name: str,
    mapping_text: str,
    mapping_name: str,
    round_: Round,
    mode: ImportMode,
    by: User,
    ip_address: str | None = None,
) -> ImportBatch:
    """Keep an upload (already checked by prepare) for the worker to check row by row."""
    prepared = prepare(data, file_name, mapping_text, round_, mode)
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


def confirm(batch: ImportBatch, *, by: User, ip_address: str | None = None) -> None:
    report = Report.from_json(batch.report)
    if batch.status != ImportStatus.CHECKED or not report.can_import:
        raise InvalidTransition("This file cannot be imported: check it again")
    changed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == ImportStatus.CHECKED)
        .values(status=ImportStatus.TO_IMPORT, confirmed_by_id=by.id, rows_done=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(batch)
    if changed.rowcount != 1:
        raise InvalidTransition("This file is already being imported")
    audit.record("import.confirmed", actor=by, subject=batch, ip_address=ip_address, rows=len(report.ready))


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
    db.session.commit()
    if claimed.rowcount != 1:
        return None  # another worker took it
    try:
        return _import_batch(waiting) if importing else _check_batch(waiting)
    except Exception as error:
        db.session.rollback()
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
        db.session.commit()
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
    db.session.commit()


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
    db.session.commit()

    def saved(done: int) -> None:
        batch.rows_done = done
        batch.updated_at = utcnow()
        db.session.commit()

    report, _ = check(prepared, progress=saved)
    batch.report = report.to_json()
    batch.rows_total = batch.rows_done = report.total
    batch.status = ImportStatus.CHECKED
    batch.updated_at = utcnow()
    db.session.commit()
    return f"import {batch_id} checked: {len(report.ready)} rows ready, {report.problem_count} problems"


def _refused(batch: ImportBatch, refused: ImportRefused) -> str:
    problems = [*refused.file_problems, *refused.mapping_problems, *refused.round_problems]
    batch.status = ImportStatus.FAILED
    batch.message = "The file or its mapping cannot be used now: " + "; ".join(problems)
    batch.finished_at = batch.updated_at = utcnow()
    db.session.commit()
    return f"import {batch.id} refused"


def _import_batch(batch_id: int) -> str:
    batch = db.session.get(ImportBatch, batch_id)
    assert batch is not None and batch.confirmed_by is not None
    try:
        prepared = _prepared(batch)
    except ImportRefused as refused:
        return _refused(batch, refused)
    report, projects = check(prepared)
    if not report.can_import:
        # Something changed since the dry run (an organisation, an earlier import): show the new report.
        batch.report = report.to_json()
        batch.status = ImportStatus.CHECKED
        batch.message = (
            "The file was checked again before importing, and the report has changed. Nothing was imported."
        )
        db.session.commit()
        return f"import {batch_id} not imported: the report changed"
    count = write(
        prepared, projects, batch=batch, by=batch.confirmed_by, progress=_progress_outside(batch_id)
    )
    finish(batch, report, count, by=batch.confirmed_by)
    db.session.commit()
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
