"""The reviewers' daily digest of items waiting for review, sent once a day from 8am UK time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.formatting import london
from app.links import external_url
from app.models import OutboundEmail, Role, Submission, SubmissionStatus, User
from app.models.base import utcnow
from app.services import audit
from app.services.email import outbox

DIGEST_HOUR = 8


def run(now: datetime | None = None) -> int:
    """Queue today's digest for every reviewer who wants one and has something waiting; returns how many."""
    now = now or utcnow()
    if london(now).hour < DIGEST_HOUR:
        return 0
    waiting = db.session.scalars(
        select(Submission)
        .where(Submission.status.in_((SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW)))
        .order_by(Submission.submitted_at)
    ).all()
    if not waiting:
        return 0
    reviewers = db.session.scalars(
        select(User).where(
            User.role == Role.REVIEWER, User.active.is_(True), User.review_digest_opted_out_at.is_(None)
        )
    ).all()
    since = now - timedelta(days=1)
    today = london(now).date().isoformat()
    queued = 0
    already = set(
        db.session.scalars(
            select(OutboundEmail.recipient).where(OutboundEmail.idempotency_key.like(f"digest:%:{today}"))
        )
    )
    for reviewer in reviewers:
        if reviewer.email in already:
            continue
        mine = [s for s in waiting if s.organisation_id != reviewer.organisation_id]
        if not mine:
            continue
        new = [s for s in mine if s.submitted_at and s.submitted_at >= since]
        outbox.enqueue(
            reviewer.email,
            f"{len(mine)} collaboration project{'s' if len(mine) != 1 else ''} waiting for review",
            "review_digest",
            idempotency_key=f"digest:{reviewer.id}:{today}",
            user=reviewer,
            new=new,
            waiting=mine,
            unclaimed=[s for s in mine if s.claimed_by_id is None],
            queue_link=external_url("review.queue"),
            account_link=external_url("auth.account"),
        )
        queued += 1
    return queued


def set_opt_out(user: User, opted_out: bool) -> None:
    if opted_out and user.review_digest_opted_out_at is None:
        user.review_digest_opted_out_at = utcnow()
        audit.record("review_digest.opted_out", actor=user, subject=user)
    elif not opted_out and user.review_digest_opted_out_at is not None:
        user.review_digest_opted_out_at = None
        audit.record("review_digest.opted_in", actor=user, subject=user)
