"""Imported rows published as approved records many at a time: what demo_records.publish_approved and
find/publishing.publish do for one project, with one flush per step for a whole batch rather than several
per project, and the search index written in one statement of each kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.extensions import db
from app.models import (
    Organisation,
    Record,
    Revision,
    Round,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
    User,
)
from app.models.base import utcnow
from app.questionnaires.schema import Questionnaire
from app.services.find import record_index
from app.services.find.publishing import facets_for, search_text_for


@dataclass
class Publishable:
    lead: Organisation
    partners: list[Organisation]
    answers: dict[str, Any]


def publish_approved_many(
    round_: Round,
    projects: Sequence[Publishable],
    approver: User,
    questionnaire: Questionnaire,
    names: Mapping[str, str],
) -> list[Submission]:
    """An approved submission with one revision, and its record, for each project, in the caller's
    transaction. `names`: every organisation's name by its id as text (for the search text)."""
    submissions = [
        Submission(
            round=round_,
            organisation=project.lead,
            created_by=approver,
            questionnaire_version_id=round_.questionnaire_version_id,
            status=SubmissionStatus.APPROVED,
            name=questionnaire.answer(project.answers, "name"),
            answers=project.answers,
            page_states={},
        )
        for project in projects
    ]
    db.session.add_all(submissions)
    db.session.flush()
    revisions = []
    with db.session.no_autoflush:  # the revisions are added after the loop
        for submission, project in zip(submissions, projects, strict=True):
            submission.reference = f"CP-{round_.year}-{submission.id:05d}"
            submission.partners = [SubmissionPartner(organisation_id=p.id) for p in project.partners]
            revisions.append(
                Revision(
                    submission=submission,
                    number=1,
                    questionnaire_version_id=round_.questionnaire_version_id,
                    answers=project.answers,
                    submitted_by=approver,
                )
            )
    db.session.add_all(revisions)
    db.session.flush()
    records = [
        _record(submission, revision, project, questionnaire, approver, names)
        for submission, revision, project in zip(submissions, revisions, projects, strict=True)
    ]
    db.session.add_all(records)
    db.session.flush()
    record_index.index_records(records)
    return submissions


def _record(
    submission: Submission,
    revision: Revision,
    project: Publishable,
    questionnaire: Questionnaire,
    approver: User,
    names: Mapping[str, str],
) -> Record:
    """The record find/publishing.publish makes of a new approved submission."""
    answers = revision.answers
    partners = project.partners
    now = utcnow()
    return Record(
        submission_id=submission.id,
        approved_at=now,
        revision_id=revision.id,
        round_id=submission.round_id,
        organisation_id=submission.organisation_id,
        name=str(questionnaire.answer(answers, "name") or submission.name or "Untitled")[:300],
        summary=str(questionnaire.answer(answers, "summary", "")),
        answers=answers,
        facets=facets_for(questionnaire, answers, submission, partners),
        search_text=search_text_for(
            questionnaire, answers, [project.lead.name, *(p.name for p in partners)], names
        ),
        sharing=str(questionnaire.answer(answers, "sharing", "sector")),
        approved_by_id=approver.id,
        updated_at=now,
    )
