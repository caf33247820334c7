"""Data retention: what the service stops keeping, and the record of what it removed.

- Drafts that were never submitted, untouched for RETENTION_DRAFT_DAYS, in a round whose deadline and every
  extension of it have passed, are deleted with the rows that depend on them.
- The bodies of emails sent more than RETENTION_OUTBOX_DAYS ago (text, HTML and the built message) are
  cleared; the row (recipient, subject, status, times) stays for the record.
- Downloads made by the worker, and their files, are removed DOWNLOAD_KEEP_HOURS after they were asked for
  (app/services/find/download_jobs.py).

Each run that removes anything records one audit event with the counts and the ids. Running it twice removes
nothing the second time, and two workers may run it at once: drafts are locked (on PostgreSQL, rows another
worker holds are skipped) before they are deleted, and only the rows a statement really removed are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, or_, select, update

from app.extensions import db
from app.models import (
    DeadlineExtension,
    EmailStatus,
    OutboundEmail,
    Revision,
    Round,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
)
from app.models.base import utcnow
from app.models.review import ReviewComment
from app.services import audit
from app.services.find import download_jobs


@dataclass
class RetentionResult:
    draft_days: int
    outbox_days: int
    drafts: list[int] = field(default_factory=list)  # ids of the drafts deleted (or, dry run, to delete)
    emails: list[int] = field(default_factory=list)  # ids of the emails whose bodies were (would be) cleared
    downloads: list[int] = field(default_factory=list)  # ids of the downloads removed with their files
    dry_run: bool = False

    def __bool__(self) -> bool:  # the worker logs a run only when it removed something
        return bool(self.drafts or self.emails or self.downloads)

    def __str__(self) -> str:
        verb = "would be" if self.dry_run else "were"
        drafts = f"{len(self.drafts)} draft{'s' if len(self.drafts) != 1 else ''}"
        emails = f"{len(self.emails)} email bod{'ies' if len(self.emails) != 1 else 'y'}"
        said = (
            f"{drafts} untouched for {self.draft_days} days {verb} deleted; "
            f"{emails} older than {self.outbox_days} days {verb} removed"
        )
        if self.downloads:
            said += f"; {len(self.downloads)} old download{'s' if len(self.downloads) != 1 else ''} removed"
        return said


def _old_drafts(now: datetime, days: int) -> ColumnElement[bool]:
    """Drafts never submitted, untouched for `days`, in rounds that no organisation can still answer."""
    still_open = (
        select(DeadlineExtension.id)
        .where(DeadlineExtension.round_id == Round.id, DeadlineExtension.deadline >= now)
        .exists()
    )
    closed_rounds = select(Round.id).where(Round.deadline < now, ~still_open)
    ever_submitted = select(Revision.id).where(Revision.submission_id == Submission.id).exists()
    return and_(
        Submission.status == SubmissionStatus.DRAFT,
        Submission.submitted_at.is_(None),
        Submission.reference.is_(None),
        ~ever_submitted,
        Submission.updated_at < now - timedelta(days=days),
        Submission.round_id.in_(closed_rounds),
    )


def _old_emails(now: datetime, days: int) -> ColumnElement[bool]:
    cutoff = now - timedelta(days=days)
    return and_(
        OutboundEmail.body_removed_at.is_(None),
        or_(
            and_(OutboundEmail.status == EmailStatus.SENT, OutboundEmail.sent_at < cutoff),
            # Kept without a mail server: never sent, so counted from when it was written.
            and_(OutboundEmail.status == EmailStatus.NOT_DELIVERED, OutboundEmail.created_at < cutoff),
        ),
    )


def _delete_drafts(now: datetime, days: int) -> list[int]:
    query = select(Submission.id).where(_old_drafts(now, days)).order_by(Submission.id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Submission)
    ids = list(db.session.scalars(query))
    if not ids:
        return []
    for dependent in (SubmissionPartner, ReviewComment):
        db.session.execute(
            delete(dependent)
            .where(dependent.submission_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
    deleted = db.session.scalars(
        delete(Submission)
        .where(Submission.id.in_(ids), _old_drafts(now, days))
        .returning(Submission.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(deleted)


def _clear_email_bodies(now: datetime, days: int) -> list[int]:
    cleared = db.session.scalars(
        update(OutboundEmail)
        .where(_old_emails(now, days))
        .values(body_text="", body_html="", message=None, body_removed_at=now, body_kept_days=days)
        .returning(OutboundEmail.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(cleared)


def run(now: datetime | None = None, *, dry_run: bool = False) -> RetentionResult:
    """Apply the retention rules once (or, dry_run, only say what they would remove). The caller commits."""
    now = now or utcnow()
    config = current_app.config
    result = RetentionResult(
        draft_days=config["RETENTION_DRAFT_DAYS"],
        outbox_days=config["RETENTION_OUTBOX_DAYS"],
        dry_run=dry_run,
    )
    if dry_run:
        result.drafts = list(
            db.session.scalars(
                select(Submission.id).where(_old_drafts(now, result.draft_days)).order_by(Submission.id)
            )
        )
        result.emails = list(
            db.session.scalars(
                select(OutboundEmail.id)
                .where(_old_emails(now, result.outbox_days))
                .order_by(OutboundEmail.id)
            )
        )
        return result
    result.drafts = _delete_drafts(now, result.draft_days)
    result.emails = _clear_email_bodies(now, result.outbox_days)
    result.downloads = download_jobs.remove_expired(now)
    if result:
        details: dict[str, Any] = {
            "drafts_deleted": len(result.drafts),
            "draft_ids": result.drafts,
            "draft_days": result.draft_days,
            "email_bodies_removed": len(result.emails),
            "email_ids": result.emails,
            "outbox_days": result.outbox_days,
        }
        if result.downloads:
            details["downloads_removed"] = len(result.downloads)
        audit.record("retention.applied", **details)
    db.session.flush()
    # Objects this session still holds for the rows just changed are stale: read them again if used.
    db.session.expire_all()
    return result
