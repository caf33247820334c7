"""Reviewers' decisions: claim, approve, request changes, reject. Nothing joins the database until approved.

Each decision is a guarded transition: a conditional UPDATE on the submission's status and edit version, so a
decision on a submission that changed meanwhile (another reviewer decided, the lead withdrew) changes nothing.
It writes one audit event and queues its emails in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.links import external_url
from app.models import Record, ReviewComment, Role, Submission, SubmissionStatus, User
from app.models.base import utcnow
from app.services import audit
from app.services.email import outbox
from app.services.errors import DomainError, InvalidTransition, NotAllowed
from app.services.find import publishing as records
from app.services.people.access import is_administrator, is_reviewer
from app.services.review.conflicts import CONFLICT, conflict_of_interest, partner_state
from app.services.statements import rows_changed
from app.services.submissions import lifecycle as submissions

AWAITING = (SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW)


class StaleDecision(DomainError):
    """The submission changed after the reviewer opened it."""


def can_decide(user: User, submission: Submission) -> bool:
    return is_reviewer(user) and not conflict_of_interest(user, submission) and submission.status in AWAITING


def _check_reviewer(user: User, submission: Submission) -> None:
    if not is_reviewer(user):
        raise NotAllowed("Only reviewers can do this")
    if conflict_of_interest(user, submission):
        raise NotAllowed(CONFLICT)


def _transition(
    submission: Submission,
    *,
    by: User,
    expected_version: int,
    to: SubmissionStatus,
    action: str,
    allowed_from: tuple[SubmissionStatus, ...] = AWAITING,
    values: dict[str, Any] | None = None,
    **details: Any,
) -> None:
    before = submission.status
    result = db.session.execute(
        update(Submission)
        .where(
            Submission.id == submission.id,
            Submission.edit_version == expected_version,
            Submission.status.in_(allowed_from),
        )
        .values(status=to, edit_version=Submission.edit_version + 1, updated_at=utcnow(), **(values or {}))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    if rows_changed(result) != 1:
        raise StaleDecision(
            f"This submission has changed since you opened it. It is now {submission.status.label.lower()}. "
            "Nothing has been changed: check it again before you decide."
        )
    audit.record(
        action,
        actor=by,
        subject=submission,
        organisation_id=submission.organisation_id,
        before=before.value,
        after=to.value,
        **details,
    )


def claim(submission: Submission, *, by: User, expected_version: int) -> None:
    _check_reviewer(by, submission)
    if submission.claimed_by_id not in (None, by.id):
        reviewer = submission.claimed_by.name if submission.claimed_by else "Another reviewer"
        raise InvalidTransition(f"{reviewer} is already reviewing this submission")
    _transition(
        submission,
        by=by,
        expected_version=expected_version,
        to=SubmissionStatus.IN_REVIEW,
        action="review.claimed",
        values={"claimed_by_id": by.id, "claimed_at": utcnow()},
    )


def assign(submission: Submission, reviewer: User, *, by: User, expected_version: int) -> None:
    if not is_administrator(by):
        raise NotAllowed("Only administrators can assign submissions")
    if reviewer.role not in (Role.REVIEWER, Role.ADMINISTRATOR) or not reviewer.active:
        raise DomainError("Choose a reviewer")
    if conflict_of_interest(reviewer, submission):
        raise NotAllowed(
            f"{reviewer.name} cannot review this submission: "
            "it names their organisation as its lead or as a partner"
        )
    _transition(
        submission,
        by=by,
        expected_version=expected_version,
        to=SubmissionStatus.IN_REVIEW,
        action="review.assigned",
        values={"claimed_by_id": reviewer.id, "claimed_at": utcnow()},
        reviewer=reviewer.email,
    )


def approve(submission: Submission, *, by: User, expected_version: int) -> Record:
    _check_reviewer(by, submission)
    update_of_record = records.record_for(submission) is not None
    _transition(
        submission,
        by=by,
        expected_version=expected_version,
        to=SubmissionStatus.APPROVED,
        action="review.approved",
        values={"decision_note": None},
        update=update_of_record,
        **partner_state(submission),
    )
    revision = submission.revisions[-1]
    record = records.publish(submission, revision, submissions.questionnaire_of(submission), by=by)
    _tell_leads(submission, "approved", record=record, update=update_of_record)
    return record


def request_changes(
    submission: Submission,
    *,
    by: User,
    expected_version: int,
    comments: dict[str, str],
    overall: str = "",
) -> None:
    _check_reviewer(by, submission)
    comments = {qid: text.strip() for qid, text in comments.items() if text and text.strip()}
    overall = overall.strip()
    if not comments and not overall:
        raise DomainError("Enter a comment on at least one answer, or an overall comment")
    questionnaire = submissions.questionnaire_of(submission)
    unknown = [qid for qid in comments if questionnaire.question(qid) is None]
    if unknown:
        raise DomainError("A comment is on a question that is not in this questionnaire")
    _transition(
        submission,
        by=by,
        expected_version=expected_version,
        to=SubmissionStatus.CHANGES_REQUESTED,
        action="review.changes_requested",
        values={"decision_note": overall or None},
        comments=len(comments),
        **partner_state(submission),
    )
    number = submission.revisions[-1].number
    for qid, text in comments.items():
        db.session.add(
            ReviewComment(
                submission_id=submission.id, revision_number=number, question_id=qid, text=text, author=by
            )
        )
    if overall:
        db.session.add(
            ReviewComment(
                submission_id=submission.id, revision_number=number, question_id=None, text=overall, author=by
            )
        )
    db.session.flush()
    labels = {q.id: q.short_label for q in questionnaire.questions}
    quoted = [(labels.get(qid, qid), text) for qid, text in comments.items()]
    _tell_leads(submission, "changes_requested", comments=quoted, overall=overall)


def reject(
    submission: Submission, *, by: User, expected_version: int, reason: str, duplicate_of: str | None = None
) -> None:
    _check_reviewer(by, submission)
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter the reason for rejecting this submission")
    published = records.record_for(submission)
    # Rejecting an update leaves the approved project as it was published.
    to = SubmissionStatus.APPROVED if published else SubmissionStatus.REJECTED
    values: dict[str, Any] = {"decision_note": reason, "duplicate_of": duplicate_of}
    if published:
        values["answers"] = published.answers
    _transition(
        submission,
        by=by,
        expected_version=expected_version,
        to=to,
        action="review.rejected",
        values=values,
        reason=reason,
        duplicate_of=duplicate_of,
        update=bool(published),
        **partner_state(submission),
    )
    _tell_leads(submission, "rejected", reason=reason, update=bool(published))


def _tell_leads(submission: Submission, decision: str, **context: Any) -> None:
    leads = db.session.scalars(
        select(User).where(
            User.organisation_id == submission.organisation_id, User.role == Role.LEAD, User.active.is_(True)
        )
    ).all()
    subjects = {
        "approved": f"Approved: {submission.name}",
        "changes_requested": f"Changes needed: {submission.name}",
        "rejected": f"Not approved: {submission.name}",
    }
    for lead in leads:
        outbox.enqueue(
            lead.email,
            subjects[decision],
            f"decision_{decision}",
            idempotency_key=f"decision:{submission.id}:{submission.edit_version}:{lead.id}",
            user=lead,
            submission=submission,
            link=external_url("submit.task_list", submission_id=submission.id),
            **context,
        )


def latest_comments(submission: Submission) -> tuple[dict[str, str], str | None]:
    """The comments of the most recent request for changes: per question, and overall."""
    if submission.status != SubmissionStatus.CHANGES_REQUESTED or not submission.revisions:
        return {}, None
    number = submission.revisions[-1].number
    rows = db.session.scalars(
        select(ReviewComment).filter_by(submission_id=submission.id, revision_number=number)
    ).all()
    per_question = {c.question_id: c.text for c in rows if c.question_id}
    overall = next((c.text for c in rows if c.question_id is None), None)
    return per_question, overall
