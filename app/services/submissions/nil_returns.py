"""Nil returns: an organisation answering "nothing to report" for a round, and taking that back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from app.extensions import db
from app.models import NilReturn, Round, User
from app.models.submission import EDITABLE_STATUSES
from app.services import audit
from app.services.errors import InvalidTransition, NotAllowed
from app.services.rounds import deadlines as rounds
from app.services.submissions.lifecycle import listing


def make_nil_return(round_: Round, *, by: User, now: datetime | None = None) -> NilReturn:
    organisation_id = by.organisation_id
    if organisation_id is None:
        raise NotAllowed("Only collaboration leads can answer for an organisation")
    reason = rounds.why_not_accepting(round_, organisation_id, now)
    if reason:
        raise NotAllowed(reason)
    own = listing(round_, organisation_id).own
    if any(s.status not in EDITABLE_STATUSES for s in own):
        raise InvalidTransition("Your organisation has already submitted a project in this round")
    existing = db.session.scalar(
        select(NilReturn).filter_by(round_id=round_.id, organisation_id=organisation_id)
    )
    if existing is not None:
        return existing
    nil = NilReturn(round_id=round_.id, organisation_id=organisation_id, made_by=by)
    db.session.add(nil)
    db.session.flush()
    audit.record("nil_return.made", actor=by, subject=round_, organisation_id=organisation_id)
    return nil


def undo_nil_return(round_: Round, *, by: User) -> None:
    if by.organisation_id is None:
        raise NotAllowed("Only collaboration leads can answer for an organisation")
    reason = rounds.why_not_accepting(round_, by.organisation_id)
    if reason:
        raise NotAllowed(reason)
    db.session.execute(delete(NilReturn).filter_by(round_id=round_.id, organisation_id=by.organisation_id))
    audit.record("nil_return.withdrawn", actor=by, subject=round_, organisation_id=by.organisation_id)
