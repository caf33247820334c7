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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from app.extensions import db
from app.models import (
    ImportBatch,
    ImportedProject,
    ImportMode,
    NilReturn,
    Organisation,
    Round,
    RoundState,
    Submission,
    SubmissionStatus,
    User,
)
from app.questionnaires.schema import Questionnaire
from app.services.errors import DomainError
from app.services.find import demo_records
from app.services.imports.binding import bind
from app.services.imports.files import FileProblem, Table, open_table
from app.services.imports.mapping import Mapping, load_mapping
from app.services.imports.rows import Directory, ProjectRow, RowProblem, RowReader
from app.services.organisations import directory
from app.services.rounds import deadlines as rounds
from app.services.submissions import progress

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50  # rows between progress updates
MAX_PROBLEMS_KEPT = 1000  # a report lists at most this many problems (and counts them all)

Progress = Callable[[int], None]


class ImportRefused(DomainError):
    """The file or the mapping cannot be used: every problem found, by where it is."""

    def __init__(
        self, *, file: Sequence[str] = (), mapping: Sequence[str] = (), round_: Sequence[str] = ()
    ) -> None:
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
