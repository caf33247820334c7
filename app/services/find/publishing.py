"""Publishing an approved revision as a record of the collaboration database, with facets and search text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Record, Revision, Sector, Submission, User
from app.models.base import utcnow
from app.questionnaires.display import format_answer
from app.questionnaires.schema import Questionnaire
from app.services.find import record_index as search_index
from app.services.find.visibility import contact_question_ids
from app.services.submissions.answers import organisation_names

SERVICE_OF_SECTOR = {
    Sector.POLICE: "police",
    Sector.POLICE_AND_CRIME_COMMISSIONER: "police",
    Sector.FIRE_AND_RESCUE: "fire",
    Sector.AMBULANCE: "ambulance",
}
SERVICE_LABELS = {"police": "Police", "fire": "Fire and rescue", "ambulance": "Ambulance", "other": "Other"}


def service_combination(services: set[str]) -> str:
    """'police_fire_ambulance', 'police_fire', ... in a fixed order, or 'single' for one emergency service."""
    blue_light = [s for s in ("police", "fire", "ambulance") if s in services]
    return "_".join(blue_light) if len(blue_light) > 1 else "single"


def facets_for(
    questionnaire: Questionnaire,
    answers: dict[str, Any],
    submission: Submission,
    partners: list[Organisation],
) -> dict[str, list[str]]:
    facets: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        if question.facet and question.id in answers:
            value = answers[question.id]
            values = value if isinstance(value, list) else [value]
            facets[question.facet] = [str(v) for v in values if isinstance(v, str | int)]
    organisations = [submission.organisation, *partners]
    services = {SERVICE_OF_SECTOR.get(o.sector, "other") for o in organisations}
    # An imported project's source ticked service types rather than naming organisations.
    services |= set((answers.get("_imported") or {}).get("services") or [])
    facets["services"] = sorted(services)
    facets["combination"] = [service_combination(services)]
    facets["region"] = sorted({o.region.value for o in organisations if o.region is not None})
    facets["round"] = [str(submission.round_id)]
    facets["year"] = [str(submission.round.year)]
    return facets


def search_text_for(
    questionnaire: Questionnaire,
    answers: dict[str, Any],
    partner_names: list[str],
    names: Mapping[str, str] | None = None,
) -> str:
    """The text the full-text index reads. `names` (organisation id as text -> name) saves a query when the
    caller knows them already."""
    names = organisation_names(answers, questionnaire) if names is None else names
    # Never a contact's details, which not every reader of the record may see (find/visibility.py).
    hidden = contact_question_ids(questionnaire)
    parts = [
        format_answer(q, answers[q.id], names)
        for q in questionnaire.questions
        if q.searchable and q.id in answers and q.id not in hidden
    ]
    # What an import kept as given ("Summer 2013") can be searched for as typed.
    as_given = [str(text) for text in ((answers.get("_imported") or {}).get("as_given") or {}).values()]
    return "\n".join([*parts, *as_given, *partner_names])


def publish(submission: Submission, revision: Revision, questionnaire: Questionnaire, *, by: User) -> Record:
    """Create the record, or replace its content when an update to an approved project is approved."""
    answers = revision.answers
    partner_ids = [p.organisation_id for p in submission.partners]
    partners = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(partner_ids))))
    # Everything is worked out before the record is added, so no query flushes a half-filled row.
    content = {
        "revision_id": revision.id,
        "round_id": submission.round_id,
        "organisation_id": submission.organisation_id,
        "name": str(questionnaire.answer(answers, "name") or submission.name or "Untitled")[:300],
        "summary": str(questionnaire.answer(answers, "summary", "")),
        "answers": answers,
        "facets": facets_for(questionnaire, answers, submission, partners),
        "search_text": search_text_for(
            questionnaire, answers, [submission.organisation.name, *(p.name for p in partners)]
        ),
        "sharing": str(questionnaire.answer(answers, "sharing", "sector")),
        "approved_by_id": by.id,
        "updated_at": utcnow(),
    }
    record = db.session.scalar(select(Record).filter_by(submission_id=submission.id))
    if record is None:
        record = Record(submission_id=submission.id, approved_at=content["updated_at"])
        db.session.add(record)
    for name, value in content.items():
        setattr(record, name, value)
    db.session.flush()
    search_index.index_record(record)
    db.session.flush()
    return record


def record_for(submission: Submission) -> Record | None:
    return db.session.scalar(select(Record).filter_by(submission_id=submission.id))
