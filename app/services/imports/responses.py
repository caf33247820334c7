"""Importing earlier responses (SurveyMonkey exports, earlier overviews) as the history of a round.

History goes into a closed round of its own (made here from its title and year, never an open round), as
approved published records or as submissions waiting in the review queue, never as drafts: so no lead is
asked for them and no reminder is sent about them. Importing is lenient: nothing in the file is lost and one
odd cell never blocks it. A value that does not fit its question is kept as given and reported as a warning;
only a file that cannot be read at all, or has no organisation column, is refused.

First a check (writes nothing): the warnings grouped by column, the rows proposed for skipping (test, blank
and near-blank responses), organisations matching nothing with the closest candidates, and likely duplicate
pairs within the file and with the records already published. Then the import, in one transaction. Each
project is keyed by its source and row id (the respondent id, else the response number), so importing the
same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import (
    ImportBatch,
    ImportedProject,
    ImportMode,
    ImportStatus,
    Organisation,
    Record,
    Round,
    RoundState,
    User,
)
from app.models.base import utcnow
from app.questionnaires.schema import Questionnaire
from app.services.errors import DomainError
from app.services.imports.binding import bind
from app.services.imports.files import FileProblem, Table, open_table
from app.services.imports.mapping import Mapping, MappingProblem, load_mapping
from app.services.imports.organisation_names import Known, OrganisationMatcher
from app.services.imports.proposal import propose, samples
from app.services.imports.rows import RowOutcome, RowReader
from app.services.review.similarity import likely_pairs
from app.services.rounds import deadlines as rounds

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50  # rows between progress updates
WRITE_BATCH = 250  # rows whose projects are written with one flush
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


MAX_WARNINGS_KEPT = 1000  # a report lists at most this many warnings (and counts them all)
EXAMPLES_PER_COLUMN = 3
UNMATCHED_NAME = "Organisation not matched (imported)"  # owns projects whose lead was kept as given


@dataclass
class Prepared:
    """A file and its mapping (given, or proposed from the file), ready to read row by row."""

    table: Table
    mapping: Mapping
    questionnaire: Questionnaire
    round: Round
    mode: ImportMode
    matcher: OrganisationMatcher
    source: str


@dataclass
class Report:
    """What a check found. Kept on the batch as JSON for the check page; `flask import responses --json`."""

    total: int = 0
    ready: list[dict[str, Any]] = field(default_factory=list)  # row, key, name, organisation, incomplete
    already: list[dict[str, Any]] = field(default_factory=list)  # row, key
    skipped: list[dict[str, Any]] = field(default_factory=list)  # row, reason (proposed: test, blank rows)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # row, column, value, reason
    warning_count: int = 0
    warnings_by_column: dict[str, dict[str, Any]] = field(default_factory=dict)  # count, examples
    unknown_names: list[dict[str, Any]] = field(default_factory=list)  # name, rows, suggestions
    duplicate_pairs: list[dict[str, Any]] = field(default_factory=list)  # rows, names, similarities
    existing_duplicates: list[dict[str, Any]] = field(default_factory=list)  # row, record_id, name
    columns: list[dict[str, Any]] = field(default_factory=list)  # column, question, samples: the mapping
    problems: list[dict[str, Any]] = field(default_factory=list)  # kept for reports of earlier imports
    problem_count: int = 0

    @property
    def can_import(self) -> bool:
        return bool(self.ready)

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Report:
        if not data:
            return cls()
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


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


def history_round(title: str, year: int, *, by: User | None = None, now: datetime | None = None) -> Round:
    """The closed round a history import goes into: the one with this title if it has closed, else a new
    one for the year, closed already and with no reminders. Never an open or upcoming round."""
    now = now or utcnow()
    title = " ".join(title.split())
    if not title:
        raise DomainError("Enter the round's title, for example Collaboration return 2017")
    if not 2000 <= year <= now.year:
        raise DomainError(f"The year must be between 2000 and {now.year}")
    existing = find_round(title)
    if existing is not None:
        if existing.state(now) != RoundState.CLOSED:
            raise DomainError(
                f"{existing.title} is {existing.state(now).value}: history goes into a closed round of "
                "its own. Give a new title"
            )
        return existing
    opens_at = datetime(year, 1, 1, tzinfo=UTC)
    deadline = min(datetime(year, 12, 31, 23, 59, tzinfo=UTC), now - timedelta(minutes=1))
    if deadline <= opens_at:
        raise DomainError(f"The year {year} has only just begun: history goes into a closed round")
    return rounds.create_round(
        title=title,
        opens_at=opens_at,
        deadline=deadline,
        version=rounds.default_version(),
        reminder_offsets=[],
        by=by,
    )


def _matcher() -> OrganisationMatcher:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.sector, Organisation.aliases).where(
            Organisation.name != UNMATCHED_NAME
        )
    ).all()
    return OrganisationMatcher(Known(i, n, s.value, tuple(a or ())) for i, n, s, a in rows)


def prepare(
    data: bytes, file_name: str, mapping_text: str | None, round_: Round, mode: ImportMode
) -> Prepared:
    """Read the file's header and the mapping (or propose one); ImportRefused only when the file cannot be
    read or used at all."""
    questionnaire = rounds.questionnaire_by_id(round_.questionnaire_version_id)
    round_problems = []
    if mode == ImportMode.DRAFTS or round_.state() != RoundState.CLOSED:
        round_problems.append(
            f"{round_.title} is not closed: history is imported into a closed round of its own, as approved "
            "records or into the review queue"
        )
    try:
        table = open_table(data, file_name, None)
    except FileProblem as problem:
        raise ImportRefused(file=[str(problem)], round_=round_problems) from None
    if mapping_text and mapping_text.strip():
        options = [(o.name) for o in db.session.scalars(select(Organisation))]
        mapping = load_mapping(mapping_text, questionnaire, organisation_names=options, mode="records")
        if mapping.layout is not None and mapping.layout != table.layout:
            table = open_table(data, file_name, mapping.layout)
        mapping.layout = table.layout
        bind(mapping, table.columns)
    else:
        mapping = propose(table, questionnaire)
        if mapping.lead_question is not None and mapping.lead_question.id not in mapping.questions:
            mapping.problems.append(_no_lead_column())
    if mapping.problems or round_problems:
        raise ImportRefused(mapping=[p.describe() for p in mapping.problems], round_=round_problems)
    if table.count() == 0:
        raise ImportRefused(file=["The selected file has no responses after its header rows"])
    source = (mapping.source or f"{file_name[:120]} {file_hash(data)[:12]}")[:200]
    if mapping.row_id is not None and mapping.source:
        source = mapping.source
    return Prepared(table, mapping, questionnaire, round_, mode, _matcher(), source)


def _no_lead_column() -> MappingProblem:
    return MappingProblem(
        1, "The file has no column naming each project's lead organisation: it cannot be imported"
    )


def check(prepared: Prepared, *, progress: Progress | None = None) -> tuple[Report, list[RowOutcome]]:
    """Read every row (writes nothing): what will import, what is skipped, warnings, organisations and
    likely duplicates."""
    imported = set(
        db.session.scalars(select(ImportedProject.row_key).where(ImportedProject.source == prepared.source))
    )
    imported |= merged_keys(prepared.source)
    reader = RowReader(prepared.mapping, prepared.questionnaire, prepared.matcher, prepared.table.layout)
    report = Report()
    outcomes: list[RowOutcome] = []
    seen_keys: set[str] = set()
    unknown: dict[str, dict[str, Any]] = {}
    for row, cells in prepared.table.rows():
        report.total += 1
        outcome = reader.read(row, cells, prepared.table.columns)
        if outcome.key in seen_keys:
            outcome.key = f"{outcome.key} (row {row})"
        seen_keys.add(outcome.key)
        if outcome.key in imported:
            report.already.append({"row": row, "key": outcome.key})
            continue
        if outcome.skip_reason:
            report.skipped.append({"row": row, "reason": outcome.skip_reason, "name": outcome.name[:120]})
            continue
        for warning in outcome.warnings:
            report.warning_count += 1
            if len(report.warnings) < MAX_WARNINGS_KEPT:
                report.warnings.append(warning.to_json())
            group = report.warnings_by_column.setdefault(warning.column, {"count": 0, "examples": []})
            group["count"] += 1
            if len(group["examples"]) < EXAMPLES_PER_COLUMN and warning.value not in group["examples"]:
                group["examples"].append(warning.value[:120])
        for name in outcome.unmatched:
            entry = unknown.setdefault(name.strip().casefold(), {"name": name.strip(), "rows": []})
            entry["rows"].append(row)
        lead = prepared.matcher.organisations.get(outcome.organisation_id or -1)
        report.ready.append(
            {
                "row": row,
                "key": outcome.key,
                "name": outcome.name[:200],
                "organisation": lead.name if lead else f"{outcome.lead_as_given} (as given)",
                "incomplete": bool(outcome.missing),
            }
        )
        outcomes.append(outcome)
        if progress is not None and report.total % PROGRESS_EVERY == 0:
            progress(report.total)
    for entry in unknown.values():
        candidates = prepared.matcher.candidates(entry["name"])
        entry["suggestions"] = [o.name for o in candidates]
        entry["candidate_ids"] = [o.id for o in candidates]
    report.columns = _columns(prepared)
    report.unknown_names = sorted(unknown.values(), key=lambda entry: entry["name"].casefold())
    _duplicates(outcomes, report)
    return report, outcomes


def merged_keys(source: str) -> set[str]:
    """The keys of this source's rows that earlier imports merged into records already published."""
    decisions = db.session.scalars(
        select(ImportBatch.decisions).where(
            ImportBatch.source == source, ImportBatch.status == ImportStatus.IMPORTED
        )
    )
    return {str(entry["key"]) for found in decisions for entry in ((found or {}).get("merged") or [])}


def _columns(prepared: Prepared) -> list[dict[str, Any]]:
    """Each column of the file, the question the mapping reads it as (or none), and five of its values."""
    read_as: dict[int, str] = {}
    mapping = prepared.mapping
    if mapping.row_id is not None:
        for column in mapping.row_id.columns:
            read_as[column.index] = "Row id (to import each response once)"
    # A column read for two questions (an "Other (please specify)" option, ticked and described) is shown
    # as the question that names its option.
    for question_id, spec in sorted(mapping.questions.items(), key=lambda item: item[1].option is None):
        label = spec.question.short_label if spec.question else question_id
        for column in spec.columns:
            read_as.setdefault(column.index, label)
    if mapping.services is not None:
        for column in mapping.services.columns:
            read_as.setdefault(column.index, "Services involved")
    examples = samples(prepared.table)
    return [
        {"column": c.title, "question": read_as.get(c.index, ""), "samples": examples.get(c.index, [])}
        for c in prepared.table.columns
    ]


def _duplicates(outcomes: list[RowOutcome], report: Report) -> None:
    """Likely duplicates among the rows, and between a row and a record already published."""
    records = db.session.execute(select(Record.id, Record.name, Record.summary)).all()
    names = [o.name for o in outcomes] + [r.name for r in records]
    summaries = [o.summary for o in outcomes]
    summaries += [r.summary for r in records]
    for pair in likely_pairs(names, summaries, among=len(outcomes)):
        first = outcomes[pair.first]
        similarity = {"name_similarity": pair.name_similarity, "summary_similarity": pair.summary_similarity}
        if pair.second < len(outcomes):
            second = outcomes[pair.second]
            report.duplicate_pairs.append(
                {"rows": [first.row, second.row], "names": [first.name, second.name], **similarity}
            )
        else:
            record = records[pair.second - len(outcomes)]
            report.existing_duplicates.append(
                {"row": first.row, "record_id": record.id, "name": record.name, **similarity}
            )
