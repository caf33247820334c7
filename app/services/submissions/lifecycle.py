"""The lead's side of a submission: start, save pages, submit, withdraw (nil returns: nil_returns.py).

Every transition checks who may make it and the round's dates, writes an audit event and queues its emails,
all in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.links import external_url
from app.models import (
    NilReturn,
    Organisation,
    Revision,
    Round,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
    User,
)
from app.models.base import utcnow
from app.models.submission import EDITABLE_STATUSES, WITHDRAWABLE_STATUSES
from app.questionnaires.answer_rules import broken_rules
from app.questionnaires.schema import Page, Questionnaire, visible_answers
from app.services import audit
from app.services.email import outbox
from app.services.errors import DomainError, InvalidTransition, NotAllowed
from app.services.rounds import deadlines as rounds
from app.services.statements import rows_changed
from app.services.submissions import partners, progress
from app.services.submissions.answers import answer_sections


class StaleEdit(DomainError):
    """Someone else saved this page after it was opened: their answers are not silently overwritten."""

    def __init__(self, theirs: dict[str, Any]):
        super().__init__("Someone else has changed this page since you opened it")
        self.theirs = theirs


@dataclass(frozen=True)
class Listing:
    own: list[Submission]
    as_partner: list[Submission]
    nil_return: NilReturn | None


def questionnaire_of(submission: Submission) -> Questionnaire:
    return rounds.questionnaire_by_id(submission.questionnaire_version_id)


def page_answers(page: Page, answers: dict[str, Any]) -> dict[str, Any]:
    return {q.id: answers[q.id] for q in page.questions if q.id in answers}


def fingerprint(page: Page, answers: dict[str, Any]) -> str:
    """Identifies what a page's saved answers were when it was opened, to detect edits from stale copies."""
    data = json.dumps(page_answers(page, answers), sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def listing(round_: Round, organisation_id: int) -> Listing:
    own = db.session.scalars(
        select(Submission)
        .filter_by(round_id=round_.id, organisation_id=organisation_id)
        .order_by(Submission.created_at, Submission.id)
    ).all()
    as_partner = db.session.scalars(
        select(Submission)
        .join(SubmissionPartner, SubmissionPartner.submission_id == Submission.id)
        .where(
            Submission.round_id == round_.id,
            SubmissionPartner.organisation_id == organisation_id,
            Submission.organisation_id != organisation_id,
            Submission.status.notin_(EDITABLE_STATUSES),
        )
        .order_by(Submission.submitted_at)
    ).all()
    nil = db.session.scalar(select(NilReturn).filter_by(round_id=round_.id, organisation_id=organisation_id))
    return Listing(own=list(own), as_partner=list(as_partner), nil_return=nil)


# The round and its deadline extensions come in the same query: every page checks the deadline. (Made once:
# loader options never change once made.)
_WITH_DEADLINE = (joinedload(Submission.round).joinedload(Round.extensions),)


def find_for_lead(submission_id: int, user: User) -> Submission | None:
    """A submission the lead's organisation owns. Others' ids are not confirmed (the caller answers 404)."""
    submission = db.session.get(Submission, submission_id, options=_WITH_DEADLINE)
    if (
        submission is None
        or user.organisation_id is None
        or submission.organisation_id != user.organisation_id
    ):
        return None
    return submission


def find_as_partner(submission_id: int, user: User) -> Submission | None:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status in EDITABLE_STATUSES or user.organisation_id is None:
        return None
    if any(p.organisation_id == user.organisation_id for p in submission.partners):
        return submission
    return None


def is_editable(submission: Submission) -> bool:
    """Whether its lead may change and submit it now: a draft or changes requested, within the deadline."""
    return submission.status in EDITABLE_STATUSES and rounds.accepting_changes(
        submission.round, submission.organisation_id
    )


def _require_changes_allowed(submission: Submission) -> None:
    if submission.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            f"This project has been {submission.status.label.lower()} and cannot be changed"
        )
    reason = rounds.why_not_accepting(submission.round, submission.organisation_id)
    if reason:
        raise NotAllowed(reason)


def reference_for(submission: Submission) -> str:
    """CP-<the round's year>-<number>: "CP-2027-00042" in Collaboration return 2027."""
    return f"CP-{submission.round.year}-{submission.id:05d}"


def start(round_: Round, *, by: User) -> Submission:
    if by.organisation_id is None:
        raise NotAllowed("Only collaboration leads can start a project")
    reason = rounds.why_not_accepting(round_, by.organisation_id)
    if reason:
        raise NotAllowed(reason)
    submission = Submission(
        round=round_,
        organisation_id=by.organisation_id,
        created_by=by,
        questionnaire_version_id=round_.questionnaire_version_id,
        status=SubmissionStatus.DRAFT,
        answers={},
        page_states={},
        edit_version=1,
    )
    db.session.add(submission)
    # Starting a project means there is something to report after all.
    db.session.execute(delete(NilReturn).filter_by(round_id=round_.id, organisation_id=by.organisation_id))
    db.session.flush()
    submission.reference = reference_for(submission)  # so that two drafts of the same name can be told apart
    audit.record("submission.started", actor=by, subject=submission, organisation_id=by.organisation_id)
    return submission


# A save that finds the project changed under it reads it again and retries; a few tries are plenty, as
# each failed try means another save has just succeeded.
SAVE_ATTEMPTS = 5


class BusyProject(DomainError):
    """Saves kept arriving at the same moment: nothing was saved, and what was typed stays on screen."""


def save_page(
    submission: Submission,
    page: Page,
    values: dict[str, Any],
    *,
    complete: bool,
    opened_as: str | None,
    by: User,
) -> None:
    """Save what was posted on a page, valid or not; `opened_as` is its fingerprint when it was opened.

    The check that nobody saved this page since it was opened and the write are one atomic step: an UPDATE
    conditional on the edit version read. When another save came first (another page, or another lead), the
    answers are read again and the check repeated, so their answers are kept and a conflict on this page is
    told, never overwritten."""
    questionnaire = questionnaire_of(submission)
    for _ in range(SAVE_ATTEMPTS):
        _require_changes_allowed(submission)
        current = dict(submission.answers or {})
        if opened_as is not None and opened_as != fingerprint(page, current):
            raise StaleEdit(page_answers(page, current))
        for question in page.questions:
            if question.id in values and values[question.id] not in (None, "", [], {}):
                current[question.id] = values[question.id]
            else:
                current.pop(question.id, None)
        states = dict(submission.page_states or {})
        states[page.id] = progress.COMPLETED if complete else progress.IN_PROGRESS
        name = questionnaire.answer(current, "name")
        written = {
            "answers": current,
            "page_states": states,
            "name": str(name)[:300] if name else None,
            "updated_at": utcnow(),
        }
        result = db.session.execute(
            update(Submission)
            .where(
                Submission.id == submission.id,
                Submission.edit_version == submission.edit_version,
                Submission.status.in_(EDITABLE_STATUSES),
            )
            .values(**written, edit_version=Submission.edit_version + 1)
            .execution_options(synchronize_session=False)
        )
        if rows_changed(result) == 1:
            # This save's own row: what it wrote is what the row holds, so it need not be read back.
            for key, value in written.items():
                set_committed_value(submission, key, value)
            set_committed_value(submission, "edit_version", submission.edit_version + 1)
            return
        # Another save came first: read what it wrote and check again.
        db.session.refresh(submission)
    raise BusyProject("Others are saving this project at the same moment. Nothing has been saved: try again.")


def submit(submission: Submission, *, by: User) -> Revision:
    _require_changes_allowed(submission)
    questionnaire = questionnaire_of(submission)
    missing = progress.incomplete_pages(questionnaire, submission.answers, submission.page_states)
    if missing:
        raise InvalidTransition("Complete every section before you submit")
    if broken_rules(questionnaire, submission.answers):
        raise InvalidTransition("Put right the answers that need attention before you submit")
    answers = visible_answers(questionnaire, submission.answers)
    _claim_unchanged(submission)
    before = submission.status
    now = utcnow()
    revision = Revision(
        submission=submission,
        number=len(submission.revisions) + 1,
        questionnaire_version_id=submission.questionnaire_version_id,
        answers=answers,
        submitted_by=by,
        created_at=now,
    )
    db.session.add(revision)
    submission.status = SubmissionStatus.SUBMITTED
    submission.decision_note = None
    submission.submitted_at = now
    submission.updated_at = now
    if submission.reference is None:  # a draft started before drafts had references
        db.session.flush()
        submission.reference = reference_for(submission)
    _record_partners(submission, questionnaire, answers)
    db.session.flush()
    audit.record(
        "submission.submitted",
        actor=by,
        subject=submission,
        organisation_id=submission.organisation_id,
        before=before.value,
        after=submission.status.value,
        revision=revision.number,
    )
    _send_receipt(submission, revision, by)
    partners.ask_partners(submission)
    return revision


def _claim_unchanged(submission: Submission) -> None:
    """The answers read are the answers submitted: the edit version moves on only if no page was saved since
    they were read (a save arriving meanwhile waits for this transaction, then finds the project submitted and
    says so); otherwise nothing is submitted."""
    result = db.session.execute(
        update(Submission)
        .where(
            Submission.id == submission.id,
            Submission.edit_version == submission.edit_version,
            Submission.status.in_(EDITABLE_STATUSES),
        )
        .values(edit_version=Submission.edit_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission, ["edit_version"])
    if rows_changed(result) != 1:
        raise InvalidTransition(
            "Someone changed this project while you were submitting it. Nothing has been submitted: "
            "check the answers and submit again."
        )


def _record_partners(submission: Submission, questionnaire: Questionnaire, answers: dict[str, Any]) -> None:
    ids: set[int] = set()
    for question in questionnaire.questions:
        if question.type == "organisations":
            ids.update(int(v) for v in answers.get(question.id, []) if str(v).isdigit())
    ids.discard(submission.organisation_id)
    known = set(db.session.scalars(select(Organisation.id).where(Organisation.id.in_(ids)))) if ids else set()
    # Changed in place: replacing the list would insert the kept rows again before deleting the old ones.
    for partner in list(submission.partners):
        if partner.organisation_id not in known:
            submission.partners.remove(partner)
    present = {p.organisation_id for p in submission.partners}
    for org_id in sorted(known - present):
        submission.partners.append(SubmissionPartner(organisation_id=org_id))


def _send_receipt(submission: Submission, revision: Revision, by: User) -> None:
    questionnaire = questionnaire_of(submission)
    outbox.enqueue(
        by.email,
        f"We have received your collaboration project: {submission.name or submission.reference}",
        "submission_receipt",
        idempotency_key=f"receipt:{submission.id}:{revision.number}",
        user=by,
        submission=submission,
        revision=revision,
        sections=answer_sections(questionnaire, revision.answers),
        link=external_url("submit.task_list", submission_id=submission.id),
    )


def start_update(submission: Submission, *, by: User) -> None:
    """A lead proposes an update to an approved project; the published record stays until it is approved."""
    if submission.status != SubmissionStatus.APPROVED:
        raise InvalidTransition("Only an approved project can be updated")
    reason = rounds.why_not_accepting(submission.round, submission.organisation_id)
    if reason:
        raise NotAllowed(reason)
    submission.status = SubmissionStatus.DRAFT
    submission.decision_note = None
    submission.edit_version += 1
    submission.updated_at = utcnow()
    audit.record(
        "submission.update_started",
        actor=by,
        subject=submission,
        organisation_id=submission.organisation_id,
        before=SubmissionStatus.APPROVED.value,
        after=SubmissionStatus.DRAFT.value,
    )


def can_delete(submission: Submission) -> bool:
    """A draft never submitted: nothing about it has reached a reviewer, a partner or the database."""
    return (
        submission.status == SubmissionStatus.DRAFT
        and submission.submitted_at is None
        and not submission.revisions
    )


def delete_draft(submission: Submission, *, by: User) -> None:
    if not can_delete(submission):
        raise InvalidTransition("Only a draft that has never been submitted can be deleted")
    audit.record(
        "submission.deleted",
        actor=by,
        subject=submission,
        organisation_id=submission.organisation_id,
        reference=submission.reference,
        name=submission.name,
    )
    db.session.delete(submission)
    db.session.flush()


def withdraw(submission: Submission, *, by: User) -> None:
    if submission.status not in WITHDRAWABLE_STATUSES:
        raise InvalidTransition("Only a submitted project that is waiting for a decision can be withdrawn")
    before = submission.status
    submission.status = SubmissionStatus.DRAFT
    submission.claimed_by_id = None
    submission.edit_version += 1
    submission.updated_at = utcnow()
    audit.record(
        "submission.withdrawn",
        actor=by,
        subject=submission,
        organisation_id=submission.organisation_id,
        before=before.value,
        after=submission.status.value,
    )
