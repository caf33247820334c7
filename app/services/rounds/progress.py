"""Where every active organisation is with a round: submitted, in progress, nil return or not started.

Four queries whatever the number of organisations: the organisations, their projects counted by status, the
nil returns and the extensions.
"""

from __future__ import annotations

import csv
import enum
import io
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.formatting import govuk_datetime
from app.models import DeadlineExtension, NilReturn, Organisation, Round, Sector, Submission, SubmissionStatus
from app.models.submission import STATUS_LABELS
from app.services.find.downloads import BOM, neutralise


class OrganisationState(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    NIL_RETURN = "nil_return"
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        return {
            "submitted": "Submitted",
            "in_progress": "In progress",
            "nil_return": "Nil return",
            "not_started": "Not started",
        }[self]


@dataclass
class OrganisationProgress:
    organisation_id: int
    name: str
    sector: Sector
    state: OrganisationState
    statuses: Counter[SubmissionStatus] = field(default_factory=Counter)
    extended_to: datetime | None = None

    @property
    def projects(self) -> int:
        return sum(self.statuses.values())

    @property
    def submitted(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != SubmissionStatus.DRAFT)

    @property
    def in_progress(self) -> int:
        return self.statuses.get(SubmissionStatus.DRAFT, 0)

    @property
    def status_summary(self) -> str:
        """'1 submitted, 2 approved, 1 in progress': each status as people see it, in journey order."""
        labels: Counter[str] = Counter()
        for status, count in self.statuses.items():
            labels[STATUS_LABELS[status]] += count
        return ", ".join(f"{labels[label]} {label.lower()}" for label in SUMMARY_ORDER if labels[label])


SUMMARY_ORDER = ("Submitted", "Changes requested", "Approved", "Rejected", "In progress")


@dataclass
class Progress:
    round: Round
    rows: list[OrganisationProgress]  # after the filters
    counts: dict[OrganisationState, int]  # every state, for the sector chosen (whatever state is chosen)
    state: OrganisationState | None
    sector: Sector | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _state(statuses: Counter[SubmissionStatus], nil_return: bool) -> OrganisationState:
    if any(status != SubmissionStatus.DRAFT for status in statuses):
        return OrganisationState.SUBMITTED
    if nil_return:
        return OrganisationState.NIL_RETURN
    if statuses:
        return OrganisationState.IN_PROGRESS
    return OrganisationState.NOT_STARTED


def progress(
    round_: Round, *, state: OrganisationState | None = None, sector: Sector | None = None
) -> Progress:
    organisations = select(Organisation.id, Organisation.name, Organisation.sector).where(
        Organisation.active.is_(True)
    )
    if sector is not None:
        organisations = organisations.where(Organisation.sector == sector)
    statuses: dict[int, Counter[SubmissionStatus]] = defaultdict(Counter)
    for organisation_id, status, count in db.session.execute(
        select(Submission.organisation_id, Submission.status, func.count(Submission.id))
        .where(Submission.round_id == round_.id)
        .group_by(Submission.organisation_id, Submission.status)
    ):
        statuses[organisation_id][status] = count
    nil = set(db.session.scalars(select(NilReturn.organisation_id).where(NilReturn.round_id == round_.id)))
    extended: dict[int, datetime] = dict(
        db.session.execute(  # type: ignore[arg-type]  # rows of (organisation id, deadline)
            select(DeadlineExtension.organisation_id, DeadlineExtension.deadline).where(
                DeadlineExtension.round_id == round_.id
            )
        ).all()
    )
    rows = [
        OrganisationProgress(
            organisation_id=id_,
            name=name,
            sector=sector_,
            state=_state(statuses.get(id_, Counter()), id_ in nil),
            statuses=statuses.get(id_, Counter()),
            extended_to=extended.get(id_),
        )
        for id_, name, sector_ in db.session.execute(
            organisations.order_by(Organisation.name, Organisation.id)
        )
    ]
    counts = Counter(row.state for row in rows)
    return Progress(
        round=round_,
        rows=[row for row in rows if state is None or row.state == state],
        counts={s: counts.get(s, 0) for s in OrganisationState},
        state=state,
        sector=sector,
    )


CSV_HEADINGS = (
    "Organisation",
    "Sector",
    "State",
    "Projects",
    "Projects submitted",
    "Projects in progress",
    "Statuses",
    "Extended deadline",
)


def csv_lines(report: Progress) -> Iterator[str]:
    """The rows on the page as CSV (UTF-8 with a byte order mark); text that a spreadsheet would run as a
    formula starts with an apostrophe."""
    yield BOM + _line(CSV_HEADINGS)
    for row in report.rows:
        yield _line(
            (
                row.name,
                row.sector.label,
                row.state.label,
                str(row.projects),
                str(row.submitted),
                str(row.in_progress),
                row.status_summary,
                govuk_datetime(row.extended_to) if row.extended_to else "",
            )
        )


def _line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()
