"""Possible duplicates of a submission: same round, overlapping organisations, similar name or summary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.ids import parse_id
from app.models import Record, Submission, SubmissionStatus
from app.services.review.similarity import Candidate, Match, possible_duplicates
from app.services.rounds import deadlines as rounds


@dataclass(frozen=True)
class Duplicate:
    key: str  # "submission:12" or "record:4"
    name: str
    organisation: str
    status: str
    match: Match


def _organisations(submission: Submission) -> frozenset[int]:
    return frozenset({submission.organisation_id, *(p.organisation_id for p in submission.partners)})


def candidate(submission: Submission, key: str | None = None) -> Candidate:
    answers = submission.revisions[-1].answers if submission.revisions else submission.answers
    questionnaire = rounds.questionnaire_by_id(submission.questionnaire_version_id)
    return Candidate(
        key=key or f"submission:{submission.id}",
        organisation_ids=_organisations(submission),
        name=str(questionnaire.answer(answers, "name") or submission.name or ""),
        summary=str(questionnaire.answer(answers, "summary") or ""),
    )


def for_submission(submission: Submission) -> list[Duplicate]:
    others = db.session.scalars(
        select(Submission)
        .where(
            Submission.round_id == submission.round_id,
            Submission.id != submission.id,
            Submission.status.notin_((SubmissionStatus.DRAFT, SubmissionStatus.REJECTED)),
        )
        .options(selectinload(Submission.partners), selectinload(Submission.organisation))
    ).all()
    by_key = {f"submission:{s.id}": s for s in others}
    records = {
        r.submission_id: r
        for r in db.session.scalars(select(Record).where(Record.round_id == submission.round_id))
    }
    matches = possible_duplicates(candidate(submission), [candidate(s) for s in others])
    found = []
    for match in matches:
        other = by_key[match.candidate.key]
        record = records.get(other.id)
        found.append(
            Duplicate(
                key=f"record:{record.id}" if record else match.candidate.key,
                name=match.candidate.name,
                organisation=other.organisation.name,
                status="In the database" if record else other.status.label,
                match=match,
            )
        )
    return found


def resolve(key: str) -> Submission | None:
    """The submission behind a "submission:12" or "record:4" key."""
    kind, _, text = key.partition(":")
    number = parse_id(text)
    if number is None:
        return None
    if kind == "submission":
        return db.session.get(Submission, number)
    if kind == "record":
        record = db.session.get(Record, number)
        return record.submission if record else None
    return None
