"""Deadline reminders: planned when an offset comes due, decided again when sent, sent once.

Planning inserts one row per (round, offset, person) with ON CONFLICT DO NOTHING, so running the job twice, or
on two machines, plans each reminder once. Sending claims each planned row with a conditional UPDATE, then
decides afresh whether the person's organisation still has work outstanding, and queues the email in the same
transaction (the outbox does the rest).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, SQLColumnExpression, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.formatting import LONDON
from app.models import (
    DEADLINE_PASSED,
    Organisation,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    Role,
    Round,
    RoundState,
    User,
)
from app.models.base import utcnow
from app.services import audit
from app.services.email import outbox
from app.services.email.reminder_content import Writer, idempotency_key_sql, outstanding
from app.services.jobs import checkpoint
from app.services.rounds import deadlines as rounds

REMINDER_HOUR = 9
BATCH = 1000


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
    writers: dict[int, Writer] = {}  # by round: each shape of email rendered once for the whole run
    while True:
        batch = db.session.execute(
            select(
                Reminder.id,
                Reminder.round_id,
                Reminder.offset_days,
                Reminder.user_id,
                Reminder.organisation_id,
            )
            .where(Reminder.status == ReminderStatus.PLANNED, Reminder.due_at <= now)
            .order_by(Reminder.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return result
        by_round: dict[int, list[Row[Any]]] = defaultdict(list)
        for reminder in batch:
            by_round[reminder.round_id].append(reminder)
        for round_id, reminders in by_round.items():
            if round_id not in writers:
                writers[round_id] = Writer(db.session.get_one(Round, round_id), now)
            _decide(writers[round_id], reminders, now, result)
        checkpoint()


def _among(column: SQLColumnExpression[int], ids: Collection[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL as one array parameter (= ANY), read faster than a thousand."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam("ids", list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def _leads(user_ids: set[int]) -> dict[int, Row[Any]]:
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            User.email,
            User.active,
            User.organisation_id,
            User.reminders_opted_out_at,
            Organisation.name.label("organisation_name"),
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(_among(User.id, user_ids))
    )
    return {row.id: row for row in rows}


def _decide(writer: Writer, reminders: list[Row[Any]], now: datetime, result: SendResult) -> None:
    """Decide a batch: every reminder claimed with one conditional UPDATE per outcome (only rows still planned
    are claimed, so another worker's are never taken), then the emails of those claimed queued together."""
    round_ = writer.round
    work = outstanding(round_, {r.organisation_id for r in reminders})
    users = _leads({r.user_id for r in reminders})
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
            .where(_among(Reminder.id, ids), Reminder.status == ReminderStatus.PLANNED)
            .values(status=status, reason=reason, decided_at=now)
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        ).all()
        if reason:
            result.skipped += len(taken)
        else:
            claimed.update(taken)
    emails: dict[int, outbox.Queued] = {}
    for reminder in reminders:
        if reminder.id not in claimed:
            continue  # skipped, or another worker decided it
        organisation_id = reminder.organisation_id
        emails[reminder.id] = writer.write(
            users[reminder.user_id], reminder.offset_days, work[organisation_id], deadlines[organisation_id]
        )
    outbox.enqueue_many(list(emails.values()))
    if emails:  # each reminder linked to its email, queued now or before (found by its key)
        email_id = select(OutboundEmail.id).where(OutboundEmail.idempotency_key == idempotency_key_sql())
        db.session.execute(
            update(Reminder)
            .where(_among(Reminder.id, emails))
            .values(outbound_email_id=email_id.scalar_subquery())
            .execution_options(synchronize_session=False)
        )
    result.sent += len(emails)


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
