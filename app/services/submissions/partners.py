"""Partner confirmation: each organisation named as a partner confirms or denies its part."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.links import external_url
from app.models import PartnerConfirmation, Role, Submission, SubmissionPartner, User
from app.models.base import utcnow
from app.services import audit
from app.services.email import outbox
from app.services.errors import NotAllowed


def ask_partners(submission: Submission) -> None:
    """Email the leads of each partner organisation that has not answered yet (once per submission)."""
    waiting = {
        p.organisation_id for p in submission.partners if p.confirmation == PartnerConfirmation.PENDING
    }
    if not waiting:
        return
    leads = db.session.scalars(
        select(User).where(User.organisation_id.in_(waiting), User.role == Role.LEAD, User.active.is_(True))
    ).all()
    for lead in leads:
        outbox.enqueue(
            lead.email,
            f"Please confirm your part in: {submission.name}",
            "partner_confirmation",
            idempotency_key=f"partner:{submission.id}:{lead.organisation_id}:{lead.id}",
            user=lead,
            submission=submission,
            link=external_url("submit.partner_view", submission_id=submission.id),
        )


def answer(submission: Submission, *, by: User, confirmed: bool, comment: str = "") -> SubmissionPartner:
    partner = next((p for p in submission.partners if p.organisation_id == by.organisation_id), None)
    if partner is None or by.role != Role.LEAD:
        raise NotAllowed("Only a lead of a named partner organisation can answer for it")
    partner.confirmation = PartnerConfirmation.CONFIRMED if confirmed else PartnerConfirmation.DENIED
    partner.answered_by_id = by.id
    partner.answered_at = utcnow()
    partner.comment = comment.strip() or None
    audit.record(
        "partner.confirmed" if confirmed else "partner.denied",
        actor=by,
        subject=submission,
        organisation_id=by.organisation_id,
        comment=partner.comment,
    )
    db.session.flush()
    return partner


def summary(submission: Submission) -> str:
    """'confirmed', 'denied' or 'pending' for the whole submission: a denial outweighs everything."""
    answers = {p.confirmation for p in submission.partners}
    if PartnerConfirmation.DENIED in answers:
        return "denied"
    if PartnerConfirmation.PENDING in answers:
        return "pending"
    return "confirmed"
