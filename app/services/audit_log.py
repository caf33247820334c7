"""Reading the audit log: finding events by person, organisation, submission, action and date, newest first.

Every filter is served by an index that also gives the order (see app/models/audit.py), and matches are
counted only up to COUNT_LIMIT, so a page stays quick however long the log grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, text
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.formatting import LONDON
from app.ids import parse_id
from app.models import AuditEvent, Organisation, OutboundEmail, Round, Submission, User
from app.services.paging import Page, paginate
from app.services.people.account_admin import like_pattern

COUNT_LIMIT = 10_000
# A person search matching more people than this (a letter or two) is joined in the database instead.
LISTED_PEOPLE = 200

ACTION_LABELS = {
    "sign_in": "Signed in",
    "sign_in.failed": "Failed to sign in",
    "sign_out": "Signed out",
    "sign_out.other_sessions": "Signed out of all their other sessions",
    "password.changed": "Changed their password",
    "password_reset.requested": "Asked for a password reset link",
    "password_reset.requested_unknown": "Asked for a password reset for an unknown email address",
    "invitation.sent": "Invited someone",
    "invitation.resent": "Sent an invitation again",
    "invitation.accepted": "Accepted their invitation",
    "invitation.revoked": "Cancelled an invitation",
    "invitations.imported": "Invited people from a CSV file",
    "user.created": "Created an account",
    "user.changed": "Changed someone's account",
    "user.deactivated": "Deactivated an account",
    "user.reactivated": "Reactivated an account",
    "organisation.created": "Added an organisation",
    "organisation.changed": "Changed an organisation",
    "organisation.deactivated": "Deactivated an organisation",
    "organisation.reactivated": "Reactivated an organisation",
    "organisation.deleted": "Deleted an organisation",
    "organisations.imported": "Imported organisations from a CSV file",
    "submission.started": "Started a project",
    "submission.submitted": "Submitted a project",
    "submission.withdrawn": "Withdrew a project",
    "submission.update_started": "Started an update to an approved project",
    "partner.confirmed": "Confirmed being a partner",
    "partner.denied": "Denied being a partner",
    "nil_return.made": "Made a nil return",
    "nil_return.withdrawn": "Withdrew a nil return",
    "review.claimed": "Claimed a submission to review",
    "review.assigned": "Assigned a submission to a reviewer",
    "review.approved": "Approved a submission",
    "review.changes_requested": "Asked for changes to a submission",
    "review.rejected": "Rejected a submission",
    "round.created": "Created a round",
    "round.changed": "Changed a round",
    "round.deadline_extended": "Extended a deadline",
    "reminders.sent_now": "Sent reminders now",
    "reminders.opted_out": "Opted out of deadline reminders",
    "reminders.opted_in": "Opted in to deadline reminders",
    "review_digest.opted_out": "Opted out of the review digest",
    "review_digest.opted_in": "Opted in to the review digest",
    "email.retried": "Asked for an email to be sent again",
    "import.uploaded": "Uploaded a file of earlier responses",
    "import.confirmed": "Confirmed an import of earlier responses",
    "import.cancelled": "Cancelled an import of earlier responses",
    "import.completed": "Imported earlier responses",
    "import.project": "Imported a project from a file (its file and row are in the details)",
}

REFERENCE = re.compile(r"^CP-\d{4}-\d+$", re.IGNORECASE)


def describe(action: str) -> str:
    """An action in plain words; one this list does not know yet still reads sensibly."""
    known = ACTION_LABELS.get(action)
    if known:
        return known
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@dataclass
class AuditFilters:
    person: str = ""
    organisation_id: int | None = None
    submission_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Subject:
    kind: str
    id: int | None
    label: str
    # The page to link to: (endpoint, its arguments), or None when there is no page.
    link: tuple[str, dict[str, int]] | None = None


@dataclass
class Entry:
    event: AuditEvent
    action: str
    subject: Subject | None
    details: list[tuple[str, str]] = field(default_factory=list)


def find_submission(reference_or_number: str) -> Submission | None:
    """A submission by its number (42) or its reference (CP-2026-00042)."""
    value = reference_or_number.strip()
    number = parse_id(value)
    if number is not None:
        return db.session.get(Submission, number)
    if REFERENCE.match(value):
        return db.session.scalar(select(Submission).where(Submission.reference == value.upper()))
    return None


def _start_of(day: date) -> datetime:
    """Midnight at the start of a UK day, in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def _people_matching(text_: str) -> Sequence[int] | Select[tuple[int]]:
    pattern = like_pattern(text_)
    query = select(User.id).where(
        or_(
            func.lower(User.name).like(pattern, escape="\\"),
            func.lower(User.email).like(pattern, escape="\\"),
        )
    )
    ids = db.session.scalars(query.limit(LISTED_PEOPLE + 1)).all()
    return ids if len(ids) <= LISTED_PEOPLE else query


def search(filters: AuditFilters, page: int = 1) -> Page:
    listing = paginate(
        query_for(filters).options(joinedload(AuditEvent.actor)), page, count_limit=COUNT_LIMIT
    )
    subjects = _subjects(listing.items)
    listing.items = [
        Entry(
            event=event,
            action=describe(event.action),
            subject=subjects.get((event.subject_type, event.subject_id)) if event.subject_type else None,
            details=details_of(event),
        )
        for event in listing.items
    ]
    return listing


def query_for(filters: AuditFilters) -> Select[Any]:
    """The events that match, newest first."""
    query = select(AuditEvent)
    if filters.person.strip():
        people = _people_matching(filters.person.strip())
        if isinstance(people, list) and not people:
            query = query.where(false())
        else:
            query = query.where(
                or_(
                    AuditEvent.actor_id.in_(people),
                    and_(AuditEvent.subject_type == "user", AuditEvent.subject_id.in_(people)),
                )
            )
    if filters.organisation_id is not None:
        query = query.where(
            or_(
                AuditEvent.organisation_id == filters.organisation_id,
                and_(
                    AuditEvent.subject_type == "organisation",
                    AuditEvent.subject_id == filters.organisation_id,
                ),
            )
        )
    if filters.submission_id is not None:
        query = query.where(
            AuditEvent.subject_type == "submission", AuditEvent.subject_id == filters.submission_id
        )
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.occurred_at < _start_of(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _subjects(events: list[AuditEvent]) -> dict[tuple[str | None, int | None], Subject]:
    """What each event was done to, named, loading each kind of subject in one query."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.subject_type and event.subject_id is not None:
            wanted.setdefault(event.subject_type, set()).add(event.subject_id)
    found: dict[tuple[str | None, int | None], Subject] = {}

    def load(kind: str, model: Any, label: Callable[[Any], str], endpoint: str, argument: str) -> None:
        for item in db.session.scalars(select(model).where(model.id.in_(wanted.get(kind, ())))):
            found[(kind, item.id)] = Subject(kind, item.id, label(item), (endpoint, {argument: item.id}))

    load("user", User, lambda u: u.name, "admin.user", "user_id")
    load("organisation", Organisation, lambda o: o.name, "admin.organisation", "organisation_id")
    load(
        "submission",
        Submission,
        lambda s: f"{s.name or 'Untitled project'} ({s.reference or f'number {s.id}'})",
        "review.submission",
        "submission_id",
    )
    load("round", Round, lambda r: r.title, "admin.edit_round", "round_id")
    load("outbound_email", OutboundEmail, lambda e: f"Email to {e.recipient}", "admin.email", "email_id")
    for event in events:
        key = (event.subject_type, event.subject_id)
        if event.subject_type and key not in found:
            # Deleted since (an organisation), or a kind of subject without a page of its own.
            kind = event.subject_type.replace("_", " ").capitalize()
            label = f"{kind} {event.subject_id}"
            if event.subject_type == "organisation":
                name = (event.details or {}).get("name")
                label = f"{name if isinstance(name, str) else label} (deleted)"
            found[key] = Subject(event.subject_type, event.subject_id, label)
    return found


def _value(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        shown = ", ".join(_value(v) for v in value[:10])
        return shown + (f" and {len(value) - 10} more" if len(value) > 10 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def details_of(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's details as (label, text) pairs; a change [before, after] reads 'from ... to ...'."""
    lines = []
    for key, value in (event.details or {}).items():
        label = key.replace("_", " ").capitalize()
        if event.action.endswith(".changed") and isinstance(value, list) and len(value) == 2:
            lines.append((label, f"from {_value(value[0])} to {_value(value[1])}"))
        else:
            lines.append((label, _value(value)))
    return lines


def actions_in_use() -> list[tuple[str, str]]:
    """Every action that appears in the log, with its plain words, in the order of those words.

    Read by walking the action index one distinct value at a time, not by scanning every event.
    """
    rows = db.session.execute(
        text(
            "WITH RECURSIVE actions(action) AS ("
            " SELECT MIN(action) FROM audit_events"
            " UNION ALL"
            " SELECT (SELECT MIN(action) FROM audit_events WHERE action > actions.action)"
            " FROM actions WHERE actions.action IS NOT NULL"
            ") SELECT action FROM actions WHERE action IS NOT NULL"
        )
    ).scalars()
    return sorted(((action, describe(action)) for action in rows), key=lambda pair: pair[1].lower())
