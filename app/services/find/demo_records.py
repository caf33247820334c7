"""Realistic approved records for trying the Find pages (and for benchmarks): `flask demo records`."""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Organisation,
    Revision,
    Round,
    Sector,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
    User,
)
from app.questionnaires.loader import default_questionnaire
from app.services.find import publishing as records

ACTIVITIES = [
    ("co_responding", "co-responding", "Firefighters attend cardiac arrests and falls alongside paramedics"),
    ("shared_estates", "shared station", "Police and fire teams share a station, cutting running costs"),
    ("joint_control_rooms", "joint control room", "One control room takes emergency calls for the partners"),
    ("shared_support_services", "shared back office", "Finance, HR and payroll are run as one service"),
    (
        "joint_training",
        "joint training",
        "Officers, firefighters and paramedics train together on major incidents",
    ),
    ("prevention", "safe and well visits", "Joint home visits cover fire safety, falls and crime prevention"),
    (
        "demand_management",
        "missing persons support",
        "Fire service drones and search teams help find missing people",
    ),
    ("fleet_and_equipment", "shared fleet workshop", "One workshop maintains the partners' vehicles"),
    ("procurement", "joint procurement", "The partners buy uniforms, fuel and equipment together"),
    ("governance", "joint governance board", "A single board oversees the collaboration programme"),
    ("data_sharing", "data sharing hub", "The partners share incident data to target prevention work"),
]
BENEFITS = [
    "Response times fell by {n} minutes on average.",
    "The partners save about £{k},000 a year on running costs.",
    "{n} more vulnerable people were reached in the first year.",
    "Staff report better working relationships across the services.",
]
LESSONS = [
    "Agree data sharing before the first shift.",
    "Involve staff representatives from the start.",
    "Plan the estates work with all partners' finance teams.",
    "Keep the governance light until the benefits are clear.",
    "Evaluate from day one so the benefits can be shown.",
]
PARTNER_SECTORS = (Sector.POLICE, Sector.FIRE_AND_RESCUE, Sector.AMBULANCE)


def generate(count: int, *, round_: Round, approver: User, seed: int = 2026) -> int:
    """Publish `count` approved records across the round, led by and partnering real organisations."""
    rng = random.Random(seed)  # noqa: S311 (repeatable example data, not secrets)
    questionnaire = default_questionnaire()
    # Keyed by role where the question has one, else by id (questions only these example answers fill in).
    choices = {q.role or q.id: [c.value for c in q.choices] for q in questionnaire.questions if q.choices}
    organisations = list(
        db.session.scalars(select(Organisation).where(Organisation.sector.in_(PARTNER_SECTORS)))
    )
    by_region: dict[object, list[Organisation]] = {}
    for organisation in organisations:
        by_region.setdefault(organisation.region, []).append(organisation)
    made = 0
    for n in range(count):
        lead = rng.choice(organisations)
        neighbours = [o for o in by_region.get(lead.region, organisations) if o.sector != lead.sector]
        partners = rng.sample(
            neighbours or organisations, k=min(len(neighbours or organisations), rng.randint(1, 2))
        )
        theme, short, summary = rng.choice(ACTIVITIES)
        place = lead.name.split(" ")[0]
        by_role = _answers(rng, choices, theme, f"{place} {short}", summary, lead, partners, n)
        answers = {}
        for key, value in by_role.items():
            question = questionnaire.with_role(key) or questionnaire.question(key)
            if question is not None:
                answers[question.id] = value
        publish_approved(round_, lead, partners, answers, approver, questionnaire)
        made += 1
    db.session.flush()
    return made


def _answers(rng, choices, theme, name, summary, lead, partners: Sequence[Organisation], n: int) -> dict:
    themes = [
        theme,
        *rng.sample([t for t in choices["themes"] if t not in (theme, "other")], k=rng.randint(0, 1)),
    ]
    return {
        "name": name,
        "summary": f"{summary} across {lead.name.split(' ')[0]}. "
        + rng.choice(BENEFITS).format(n=rng.randint(2, 9), k=rng.randint(20, 400)),
        "lead_organisation": str(lead.id),
        "partners": [str(p.id) for p in partners],
        "themes": themes,
        "geography": rng.choice(choices["geography"]),
        "stage": rng.choice(choices["stage"]),
        "start_date": {"month": str(rng.randint(1, 12)), "year": str(rng.randint(2018, 2025))},
        "pilot": rng.choice(["yes", "no"]),
        "cost": str(rng.randint(10, 900) * 1000),
        "funding": [rng.choice([c for c in choices["funding"] if c != "not_known"])],
        "cashable_savings": str(rng.randint(0, 300) * 1000),
        "benefits": rng.sample(choices["benefits"], k=rng.randint(1, 3)),
        "benefits_evidence": rng.choice(BENEFITS).format(n=rng.randint(2, 9), k=rng.randint(20, 400)),
        "has_evaluation": rng.choice(["yes", "no"]),
        "enablers": rng.sample(choices["enablers"], k=2),
        "barriers": rng.sample([b for b in choices["barriers"] if b != "none"], k=1),
        "lessons_learnt": rng.choice(LESSONS),
        "contact_name": "Collaboration manager",
        "contact_job_title": "Collaboration manager",
        "contact_email": f"collaboration{n}@example.org",
        "sharing": rng.choices(["public", "sector", "figures_only"], weights=[6, 3, 1])[0],
    }


def publish_approved(round_, lead, partners, answers, approver, questionnaire):
    """An approved submission with one revision, and its record, as a reviewer's approval leaves them."""
    submission = Submission(
        round=round_,
        organisation=lead,
        created_by=approver,
        questionnaire_version_id=round_.questionnaire_version_id,
        status=SubmissionStatus.APPROVED,
        name=questionnaire.answer(answers, "name"),
        answers=answers,
        page_states={},
    )
    db.session.add(submission)
    db.session.flush()
    submission.reference = f"CP-{round_.opens_at.year}-{submission.id:05d}"
    submission.partners = [SubmissionPartner(organisation_id=p.id) for p in partners]
    revision = Revision(
        submission=submission,
        number=1,
        questionnaire_version_id=round_.questionnaire_version_id,
        answers=answers,
        submitted_by=approver,
    )
    db.session.add(revision)
    db.session.flush()
    return records.publish(submission, revision, questionnaire, by=approver)
