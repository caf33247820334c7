"""A submission's timeline, read from the audit events (history is never reconstructed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AuditEvent, Submission

DESCRIPTIONS = {
    "submission.started": "Started",
    "submission.submitted": "Submitted",
    "submission.withdrawn": "Withdrawn by the lead",
    "submission.update_started": "Update started",
    "review.claimed": "Claimed for review",
    "review.assigned": "Assigned for review",
    "review.approved": "Approved",
    "review.changes_requested": "Changes requested",
    "review.rejected": "Rejected",
    "partner.confirmed": "Partner confirmed its part",
    "partner.denied": "Partner denied its part",
    "import.project": "Imported",
    "import.merged": "A row of an imported file merged into it",
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    what: str
    who: str
    note: str | None


def _imported_from(details: dict[str, Any]) -> str | None:
    if not details.get("file_name"):
        return None
    row = f", row {details['row']}" if details.get("row") else ""
    missing = len(details.get("incomplete") or [])
    incomplete = f" (incomplete: {missing} required {'answer' if missing == 1 else 'answers'} missing)"
    return f"From {details['file_name']}{row}{incomplete if missing else ''}"


def timeline(submission: Submission) -> list[TimelineEntry]:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "submission", AuditEvent.subject_id == submission.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    return [
        TimelineEntry(
            when=event.occurred_at,
            what=DESCRIPTIONS.get(event.action, event.action),
            who=event.actor.name if event.actor else "The service",
            note=event.details.get("reason")
            or event.details.get("comment")
            or (f"Assigned to {event.details['reviewer']}" if event.details.get("reviewer") else None)
            or _imported_from(event.details),
        )
        for event in events
    ]
