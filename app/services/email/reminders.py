"""Deadline reminders: planned when an offset comes due, decided again when sent, sent once.

Planning inserts one row per (round, offset, person) with ON CONFLICT DO NOTHING, so running the job twice, or
on two machines, plans each reminder once. Sending claims each planned row with a conditional UPDATE, then
decides afresh whether the person's organisation still has work outstanding, and queues the email in the same
transaction (the outbox does the rest).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.formatting import LONDON, govuk_datetime
from app.links import external_url
from app.models import (
    DEADLINE_PASSED,
    NilReturn,
    Organisation,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    Role,
    Round,
    RoundState,
    Submission,
    User,
)
from app.models.base import utcnow
from app.models.submission import EDITABLE_STATUSES
from app.services import audit
from app.services.email import outbox
from app.services.jobs import checkpoint
from app.services.rounds import deadlines as rounds

REMINDER_HOUR = 9
BATCH = 500


def due_at(deadline: datetime, offset_days: int) -> datetime:
    """9am UK time `offset_days` before the deadline day; for the deadline passed notice, the next morning."""
    day = deadline.astimezone(LONDON).date()
    day = day + timedelta(days=1) if offset_days == DEADLINE_PASSED else day - timedelta(days=offset_days)
    return datetime.combine(day, time(REMINDER_HOUR), tzinfo=LONDON).astimezone(UTC)


def manual_offset(now: datetime) -> int:
    """A key of its own for each "send reminders now" (one per minute, so a double click sends once)."""
    return -int(now.timestamp() // 60)


def is_manual(offset_days: int) -> bool:
    return offset_days < DEADLINE_PASSED


def offsets_for(round_: Round) -> list[int]:
    offsets = sorted(set(round_.reminder_offsets), reverse=True)
    return [*offsets, DEADLINE_PASSED] if round_.deadline_passed_notice else offsets


def latest_due_offset(round_: Round, deadline: datetime, now: datetime) -> int | None:
    """The most recent offset that has come due for this deadline, or None.

    A worker that was down across several offsets sends only the latest of them, once."""
    due = [o for o in offsets_for(round_) if due_at(deadline, o) <= now]
    if not due:
        return None
    latest = min(due, key=lambda o: now - due_at(deadline, o))
    if latest != DEADLINE_PASSED and now > deadline:
        return None
    if latest == DEADLINE_PASSED and now > due_at(deadline, DEADLINE_PASSED) + timedelta(days=1):
        return None  # a notice more than a day late helps nobody
    return latest


def _leads_by_organisation() -> dict[int, list[int]]:
    rows = db.session.execute(
        select(User.organisation_id, User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.LEAD, User.active.is_(True), Organisation.active.is_(True))
    )
    leads: dict[int, list[int]] = defaultdict(list)
    for organisation_id, user_id in rows:
        leads[organisation_id].append(user_id)
    return leads


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> None:
    """One executemany: a reminder another worker planned meanwhile is skipped, never doubled."""
    dialect = db.engine.dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Reminder)
    statement = statement.on_conflict_do_nothing(index_elements=["round_id", "offset_days", "user_id"])
    db.session.execute(statement, rows)


def plan(now: datetime | None = None, *, round_: Round | None = None, manual: bool = False) -> int:
    """Plan every reminder that has come due; returns how many rows were planned (existing ones excepted)."""
    now = now or utcnow()
    candidates = [round_] if round_ is not None else db.session.scalars(select(Round)).all()
    leads = _leads_by_organisation()
    planned = 0
    for candidate in candidates:
        extensions = {e.organisation_id: e.deadline for e in candidate.extensions}
        last_deadline = max([candidate.deadline, *extensions.values()])
        if candidate.state(now) == RoundState.UPCOMING or now > last_deadline + timedelta(days=2):
            continue
        existing = set(
            db.session.execute(
                select(Reminder.offset_days, Reminder.user_id).where(Reminder.round_id == candidate.id)
            ).all()
        )
        rows: list[dict[str, Any]] = []
        for organisation_id, user_ids in leads.items():
            deadline = max(candidate.deadline, extensions.get(organisation_id, candidate.deadline))
            if manual:
                offset = manual_offset(now) if now <= deadline else None
            else:
                offset = latest_due_offset(candidate, deadline, now)
            if offset is None:
                continue
            when = now if manual else due_at(deadline, offset)
            rows.extend(
                {
                    "round_id": candidate.id,
                    "offset_days": offset,
                    "user_id": user_id,
                    "organisation_id": organisation_id,
                    "due_at": when,
                    "status": ReminderStatus.PLANNED.value,
                    "planned_at": now,
                }
                for user_id in user_ids
                if (offset, user_id) not in existing
            )
        if rows:
            _insert_ignoring_duplicates(rows)
        planned += len(rows)
    db.session.flush()
    return planned


@dataclass
class Outstanding:
    """What an organisation still has to do in a round, as seen at the moment of sending."""

    projects: list[Submission] = field(default_factory=list)  # drafts and those with changes requested
    nothing_yet: bool = False  # no project and no nil return

    def __bool__(self) -> bool:
        return bool(self.projects) or self.nothing_yet


def outstanding(round_: Round, organisation_ids: set[int]) -> dict[int, Outstanding]:
    result = {org_id: Outstanding() for org_id in organisation_ids}
    submissions = db.session.scalars(
        select(Submission).where(
            Submission.round_id == round_.id, Submission.organisation_id.in_(organisation_ids)
        )
    ).all()
    with_any = set()
    for submission in submissions:
        with_any.add(submission.organisation_id)
        if submission.status in EDITABLE_STATUSES:
            result[submission.organisation_id].projects.append(submission)
    nil = set(
        db.session.scalars(
            select(NilReturn.organisation_id).where(
                NilReturn.round_id == round_.id, NilReturn.organisation_id.in_(organisation_ids)
            )
        )
    )
    for org_id in organisation_ids - with_any - nil:
        result[org_id].nothing_yet = True
    return result


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.skipped)

    def __str__(self) -> str:
        return f"{self.sent} reminders queued, {self.skipped} not needed"


def send_planned(now: datetime | None = None) -> SendResult:
    """Decide and queue every planned reminder that is due, committing batch by batch."""
    now = now or utcnow()
    result = SendResult()
    while True:
        batch = db.session.scalars(
            select(Reminder)
            .where(Reminder.status == ReminderStatus.PLANNED, Reminder.due_at <= now)
            .order_by(Reminder.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return result
        by_round: dict[int, list[Reminder]] = defaultdict(list)
        for reminder in batch:
            by_round[reminder.round_id].append(reminder)
        for round_id, reminders in by_round.items():
            _decide(db.session.get_one(Round, round_id), reminders, now, result)
        checkpoint()


def _decide(round_: Round, reminders: list[Reminder], now: datetime, result: SendResult) -> None:
    """Decide a batch: every reminder claimed with one conditional UPDATE per outcome (only rows still planned
    are claimed, so another worker's are never taken), then the emails of those claimed queued."""
    work = outstanding(round_, {r.organisation_id for r in reminders})
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User)
            .where(User.id.in_({r.user_id for r in reminders}))
            .options(joinedload(User.organisation))
        )
    }
    deadlines: dict[int, datetime] = {}
    by_reason: dict[str | None, list[int]] = defaultdict(list)
    for reminder in reminders:
        user = users.get(reminder.user_id)
        if reminder.organisation_id not in deadlines:
            deadlines[reminder.organisation_id] = rounds.deadline_for(round_, reminder.organisation_id)
        deadline = deadlines[reminder.organisation_id]
        reason = None
        if user is None or not user.active or user.organisation_id != reminder.organisation_id:
            reason = "no longer a lead of the organisation"
        elif user.reminders_opted_out_at is not None:
            reason = "opted out"
        elif reminder.offset_days != DEADLINE_PASSED and now > deadline:
            reason = "the deadline had passed"
        elif not work[reminder.organisation_id]:
            reason = "nothing outstanding"
        by_reason[reason].append(reminder.id)
    claimed: set[int] = set()
    for reason, ids in by_reason.items():
        status = ReminderStatus.SKIPPED if reason else ReminderStatus.SENT
        taken = db.session.scalars(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.status == ReminderStatus.PLANNED)
            .values(status=status, reason=reason, decided_at=now)
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        ).all()
        if reason:
            result.skipped += len(taken)
        else:
            claimed.update(taken)
    links: list[dict[str, int]] = []
    for reminder in reminders:
        if reminder.id not in claimed:
            continue  # skipped, or another worker decided it
        user = users[reminder.user_id]
        deadline = deadlines[reminder.organisation_id]
        email = _queue_email(round_, reminder, user, work[reminder.organisation_id], deadline, now)
        links.append({"id": reminder.id, "outbound_email_id": email.id})
        result.sent += 1
    if links:
        db.session.execute(update(Reminder), links)  # by primary key, in one executemany


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reminder-opt-out")


def opt_out_token(user: User) -> str:
    return _serializer().dumps(user.id)


def user_for_opt_out(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def email_context(
    round_: Round, user: User, work: Outstanding, deadline: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "user": user,
        "round": round_,
        "deadline": deadline,
        "now": now,
        "projects": [
            {
                "name": s.name or "Untitled project",
                "status": "Changes requested" if s.status.value == "changes_requested" else "In progress",
                "link": external_url("submit.task_list", submission_id=s.id),
            }
            for s in work.projects
        ],
        "nothing_yet": work.nothing_yet,
        "projects_link": external_url("submit.projects"),
        "nil_return_link": external_url("submit.nil_return"),
        "opt_out_link": external_url("reminders.opt_out", token=opt_out_token(user)),
        "passed": now > deadline,
    }


def subject_for(round_: Round, deadline: datetime, now: datetime) -> str:
    if now > deadline:
        return f"The deadline for {round_.title} has passed"
    return f"Reminder: {round_.title} is due by {govuk_datetime(deadline)}"


def _queue_email(
    round_: Round, reminder: Reminder, user: User, work: Outstanding, deadline: datetime, now: datetime
) -> OutboundEmail:
    context = email_context(round_, user, work, deadline, now)
    return outbox.enqueue(
        user.email,
        subject_for(round_, deadline, now),
        "reminder",
        idempotency_key=f"reminder:{round_.id}:{reminder.offset_days}:{user.id}",
        list_unsubscribe=context["opt_out_link"],
        **context,
    )


def run(now: datetime | None = None) -> SendResult:
    """The worker's job and `flask reminders send`: plan what has come due, then send it."""
    plan(now)
    checkpoint()
    return send_planned(now)


def send_now(round_: Round, *, by: User, now: datetime | None = None) -> int:
    """An administrator's "send reminders now": plan one for every lead; sending decides who gets one."""
    now = now or utcnow()
    planned = plan(now, round_=round_, manual=True)
    audit.record("reminders.sent_now", actor=by, subject=round_, planned=planned)
    return planned


def set_opt_out(user: User, opted_out: bool, *, by: User | None = None, via: str) -> None:
    if opted_out and user.reminders_opted_out_at is None:
        user.reminders_opted_out_at = utcnow()
        audit.record("reminders.opted_out", actor=by or user, subject=user, via=via)
    elif not opted_out and user.reminders_opted_out_at is not None:
        user.reminders_opted_out_at = None
        audit.record("reminders.opted_in", actor=by or user, subject=user, via=via)


@dataclass(frozen=True)
class OffsetSummary:
    offset_days: int
    due_at: datetime | None
    sent: int
    skipped: int
    planned: int
    first_sent_at: datetime | None


def schedule(round_: Round) -> list[OffsetSummary]:
    """Each offset of the round with what was sent for it, and any manual sends."""
    rows = db.session.execute(
        select(
            Reminder.offset_days,
            Reminder.status,
            func.count(Reminder.id),
            func.min(func.coalesce(Reminder.decided_at, Reminder.due_at)),
        )
        .where(Reminder.round_id == round_.id)
        .group_by(Reminder.offset_days, Reminder.status)
    ).all()
    counts: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"sent": 0, "skipped": 0, "planned": 0, "first": None}
    )
    for offset, status, count, first in rows:
        counts[offset][status.value] = count
        if counts[offset]["first"] is None or (first is not None and first < counts[offset]["first"]):
            counts[offset]["first"] = first
    offsets = offsets_for(round_) + sorted((o for o in counts if is_manual(o)), reverse=True)
    return [
        OffsetSummary(
            offset_days=o,
            due_at=None if is_manual(o) else due_at(round_.deadline, o),
            sent=counts[o]["sent"],
            skipped=counts[o]["skipped"],
            planned=counts[o]["planned"],
            first_sent_at=counts[o]["first"],
        )
        for o in offsets
    ]
