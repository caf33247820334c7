"""What a reviewer must know before deciding: whether the submission involves their own organisation, and
which partners have not confirmed their part.

A reviewer may not decide on a submission that names their organisation in any role: the organisation that
owns it, its lead organisation as answered, or a partner (recorded, or named in the answers).
"""

from __future__ import annotations

from typing import Any

from app.ids import parse_id
from app.models import PartnerConfirmation, Submission, SubmissionPartner, User
from app.services.submissions import lifecycle as submissions

CONFLICT = "You cannot decide on this submission: it names your organisation as its lead or as a partner"


def named_organisation_ids(submission: Submission) -> set[int]:
    ids = {submission.organisation_id}
    ids.update(partner.organisation_id for partner in submission.partners)
    answers = submission.revisions[-1].answers if submission.revisions else submission.answers
    for question in submissions.questionnaire_of(submission).questions:
        if question.type not in ("organisation", "organisations"):
            continue
        value = (answers or {}).get(question.id)
        for item in value if isinstance(value, list) else [value]:
            number = parse_id(item)
            if number is not None:
                ids.add(number)
    return ids


def conflict_of_interest(user: User, submission: Submission) -> bool:
    return user.organisation_id is not None and user.organisation_id in named_organisation_ids(submission)


def unconfirmed_partners(submission: Submission) -> list[SubmissionPartner]:
    return [p for p in submission.partners if p.confirmation == PartnerConfirmation.PENDING]


def partner_state(submission: Submission) -> dict[str, Any]:
    """Recorded with each decision: the partners that had not confirmed, or had denied, when it was made."""
    state: dict[str, Any] = {}
    pending = [p.organisation.name for p in unconfirmed_partners(submission)]
    denied = [
        p.organisation.name for p in submission.partners if p.confirmation == PartnerConfirmation.DENIED
    ]
    if pending:
        state["partners_not_confirmed"] = "; ".join(sorted(pending))
    if denied:
        state["partners_denied"] = "; ".join(sorted(denied))
    return state
