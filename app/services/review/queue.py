"""The review queue: submissions waiting for a decision, filtered, sorted by age and paginated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.ids import parse_id
from app.models import Organisation, Round, Submission, SubmissionStatus, User
from app.services.rounds import deadlines as rounds
from app.services.submissions import partners

PAGE_SIZE = 25
QUEUE_STATUSES = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.CHANGES_REQUESTED,
    SubmissionStatus.APPROVED,
    SubmissionStatus.REJECTED,
)


@dataclass
class QueueFilters:
    round_id: int | None = None
    status: str = "waiting"  # "waiting" = submitted or in review; or one status value
    sector: str | None = None
    region: str | None = None
    theme: str | None = None
    claimed: str | None = None  # "me", "nobody", or a reviewer's id
    partners: str | None = None  # "confirmed", "pending", "denied"
    newest_first: bool = False
    page: int = 1
    ignored: list[str] = field(default_factory=list)  # values we did not understand, to say so


@dataclass
class QueuePage:
    items: list[Submission]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def _int(value: str | None) -> int | None:
    return parse_id(value)


def parse_filters(args: dict[str, str], *, valid_sectors: set[str], valid_regions: set[str]) -> QueueFilters:
    filters = QueueFilters()
    filters.round_id = _int(args.get("round"))
    status = args.get("status") or "waiting"
    if status in {"waiting", *(s.value for s in QUEUE_STATUSES)}:
        filters.status = status
    else:
        filters.ignored.append("status")
    for name, valid in (("sector", valid_sectors), ("region", valid_regions)):
        value = args.get(name)
        if value:
            if value in valid:
                setattr(filters, name, value)
            else:
                filters.ignored.append(name)
    filters.theme = (args.get("theme") or "")[:60] or None
    claimed = args.get("claimed")
    if claimed in ("me", "nobody") or _int(claimed):
        filters.claimed = claimed
    partners_filter = args.get("partners")
    if partners_filter in ("confirmed", "pending", "denied"):
        filters.partners = partners_filter
    filters.newest_first = args.get("sort") == "newest"
    filters.page = max(1, _int(args.get("page")) or 1)
    return filters


def queue(filters: QueueFilters, *, me: User) -> QueuePage:
    query = (
        select(Submission)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .where(Submission.status.in_(QUEUE_STATUSES))
        .options(
            selectinload(Submission.organisation),
            selectinload(Submission.partners),
            selectinload(Submission.claimed_by),
            selectinload(Submission.round),
        )
    )
    if filters.round_id:
        query = query.where(Submission.round_id == filters.round_id)
    if filters.status == "waiting":
        query = query.where(Submission.status.in_((SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW)))
    else:
        query = query.where(Submission.status == SubmissionStatus(filters.status))
    if filters.sector:
        query = query.where(Organisation.sector == filters.sector)
    if filters.region:
        query = query.where(Organisation.region == filters.region)
    if filters.claimed == "me":
        query = query.where(Submission.claimed_by_id == me.id)
    elif filters.claimed == "nobody":
        query = query.where(Submission.claimed_by_id.is_(None))
    elif filters.claimed:
        query = query.where(Submission.claimed_by_id == int(filters.claimed))
    order = Submission.submitted_at.desc() if filters.newest_first else Submission.submitted_at.asc()
    items = list(db.session.scalars(query.order_by(order, Submission.id)))
    # Themes and partner answers live in JSON and child rows: filtered here, where the numbers are small.
    if filters.theme:
        items = [s for s in items if filters.theme in _themes(s)]
    if filters.partners:
        items = [s for s in items if s.partners and partners.summary(s) == filters.partners]
    total = len(items)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    return QueuePage(
        items=items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=total,
        page=page,
        pages=pages,
        counts=status_counts(filters.round_id),
    )


def _themes(submission: Submission) -> list[str]:
    questionnaire = rounds.questionnaire_by_id(submission.questionnaire_version_id)
    return questionnaire.answer(submission.answers or {}, "themes") or []


def status_counts(round_id: int | None) -> dict[str, int]:
    query = select(Submission.status, func.count(Submission.id)).group_by(Submission.status)
    if round_id:
        query = query.where(Submission.round_id == round_id)
    found = {status.value: count for status, count in db.session.execute(query)}
    return {s.value: found.get(s.value, 0) for s in QUEUE_STATUSES}


def filter_options() -> dict[str, Any]:
    return {
        "rounds": list(db.session.scalars(select(Round).order_by(Round.opens_at.desc()))),
        "reviewers": list(
            db.session.scalars(
                select(User)
                .where(User.role.in_(("reviewer", "administrator")), User.active.is_(True))
                .order_by(User.name)
            )
        ),
    }
