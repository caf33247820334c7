"""Realistic approved records for trying the Find pages (and for benchmarks): `flask demo records`.

ACTIVITIES is the short vocabulary of the benchmarks' bulk generator; the example projects are made from
demo_words.py."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import (
    NotablePractice,
    Organisation,
    Record,
    Revision,
    Round,
    Sector,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
    User,
)
from app.questionnaires.loader import default_questionnaire
from app.questionnaires.schema import Questionnaire
from app.services.find import demo_words as words
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
ENABLERS_SAID = [
    "Senior leaders in all three services backed the project from the start.",
    "A shared budget meant nobody had to argue over who paid for what.",
    "Staff who had worked in the other service explained how it runs.",
    "Co-locating the teams made daily contact easy.",
    "A clear data sharing agreement was signed early.",
]
BARRIERS_SAID = [
    "Different shift patterns made joint rostering hard.",
    "Our IT systems could not talk to each other for the first year.",
    "Pay and conditions differ between the services.",
    "The funding was only agreed one year at a time.",
]
NOTABLE_SAID = "It shows measurable benefits that other services could copy with little cost."
LESSONS = [
    "Agree data sharing before the first shift.",
    "Involve staff representatives from the start.",
    "Plan the estates work with all partners' finance teams.",
    "Keep the governance light until the benefits are clear.",
    "Evaluate from day one so the benefits can be shown.",
]
NOTABLE_SHARE = 0.06  # of the demo projects, chosen as notable practice
PARTNER_SECTORS = (Sector.POLICE, Sector.FIRE_AND_RESCUE, Sector.AMBULANCE)


def generate(count: int, *, round_: Round, approver: User, seed: int = 2026) -> int:
    """Publish `count` approved records across the round, led by and partnering real organisations, each
    with a name of its own (words.PROJECTS, in the places the lead serves) and a contact of its own."""
    rng = random.Random(seed)  # noqa: S311 (repeatable example data, not secrets)
    said = random.Random(seed + 1)  # noqa: S311
    questionnaire = default_questionnaire()
    # Keyed by role where the question has one, else by id (questions only these example answers fill in).
    choices = {q.role or q.id: [c.value for c in q.choices] for q in questionnaire.questions if q.choices}
    organisations = list(
        db.session.scalars(
            select(Organisation).where(Organisation.sector.in_(PARTNER_SECTORS)).order_by(Organisation.id)
        )
    )
    leads = [o for o in organisations if words.place_of(o.name)]
    by_region: dict[object, list[Organisation]] = {}
    for organisation in organisations:
        by_region.setdefault(organisation.region, []).append(organisation)
    taken: set[str] = set(
        db.session.scalars(
            select(Submission.name).where(Submission.round_id == round_.id, Submission.name.is_not(None))
        )
    )
    made = 0
    for n in range(count):
        lead = rng.choice(leads)
        partners = _partners(rng, lead, by_region.get(lead.region, organisations))
        involved = {o.sector for o in (lead, *partners)}
        theme = rng.choice(
            [t for t in words.PROJECTS if Sector.FIRE_AND_RESCUE in involved or t not in words.NEEDS_FIRE]
        )
        name, town = _name(rng, theme, lead, taken)
        by_role = _answers(rng, choices, theme, name, town, lead, partners, n)
        # From a generator of their own, so that the rest of the data stays what the seed always gave.
        by_role["enablers_details"] = said.choice(ENABLERS_SAID)
        by_role["barriers_details"] = said.choice(BARRIERS_SAID)
        answers = {}
        for key, value in by_role.items():  # keyed by role where the question has one, else by id
            question = questionnaire.with_role(key) or questionnaire.question(key)
            if question is not None:
                answers[question.id] = value
        record = publish_approved(round_, lead, partners, answers, approver, questionnaire)
        if said.random() < NOTABLE_SHARE:
            db.session.add(
                NotablePractice(
                    submission_id=record.submission_id,
                    themes=by_role["themes"][:1],
                    reason=NOTABLE_SAID,
                    chosen_by=approver,
                )
            )
        made += 1
    db.session.flush()
    return made


def _partners(rng: random.Random, lead: Organisation, region: Sequence[Organisation]) -> list[Organisation]:
    """One or two other emergency services of the lead's region that could work with it: those serving the
    lead's own place first ("Sussex Police" with "East Sussex Fire and Rescue Service"), then the region's
    ambulance services, which serve all of it; any other of the region only when neither is there (a lead
    that serves the whole region). Never Kent Police on an East Sussex project."""
    others = [o for o in region if o.sector != lead.sector]
    near = [o for o in others if _same_place(o, lead)]
    regional = [o for o in others if o.sector == Sector.AMBULANCE and o not in near]
    likely = near + regional or others
    if not likely:
        return []
    first = near[0] if near else rng.choice(likely)
    rest = [o for o in likely if o is not first and o.sector != first.sector]
    return [first, *rng.sample(rest, k=min(len(rest), rng.randint(0, 1)))]


def _same_place(one: Organisation, other: Organisation) -> bool:
    """Whether two organisations serve the same place, or one's place takes in the other's: the same name,
    one name within the other ("Sussex" and "East Sussex"; "Kent" and "Kent, Surrey and Sussex"), or a town
    in common ("Thames Valley" and "Oxfordshire")."""
    a, b = words.place_of(one.name), words.place_of(other.name)
    if not a or not b:
        return False
    if a == b or re.search(rf"\b{re.escape(a)}\b", b) or re.search(rf"\b{re.escape(b)}\b", a):
        return True
    return bool(set(words.towns_of(a)) & set(words.towns_of(b)))


def _name(rng: random.Random, theme: str, lead: Organisation, taken: set[str]) -> tuple[str, str]:
    """A project name not used yet in the round, and the town it is in (the place, when no town is known)."""
    place = words.place_of(lead.name) or _region(lead)
    towns = words.towns_of(place) or [place]
    patterns = words.PROJECTS[theme][0]
    for _ in range(12):
        town = rng.choice(towns)
        name = rng.choice(patterns).format(place=place, town=town)
        name = name[:1].upper() + name[1:]
        if name not in taken:
            taken.add(name)
            return name, town
    for phase in range(2, 10_000):
        candidate = f"{name}, phase {phase}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate, town
    raise RuntimeError("No free project name")  # pragma: no cover: 10,000 phases of one name


def _region(organisation: Organisation) -> str:
    return organisation.region.label if organisation.region is not None else "England and Wales"


def _answers(
    rng: random.Random,
    choices: dict[str, list[str]],
    theme: str,
    name: str,
    town: str,
    lead: Organisation,
    partners: Sequence[Organisation],
    n: int,
) -> dict[str, Any]:
    place = words.in_sentence(words.place_of(lead.name) or _region(lead))
    involved = [lead, *partners]
    fire = next((o for o in involved if o.sector == Sector.FIRE_AND_RESCUE), lead)
    other = next((o for o in involved if o is not fire), lead)
    summary = words.PROJECTS[theme][1].format(
        place=place,
        town=town,
        lead=lead.name,
        partner=partners[0].name if partners else "its partners",
        fire=fire.name,
        other=other.name,
    )
    result = rng.choice(words.RESULTS).format(n=rng.randint(2, 9), k=rng.randint(20, 400))
    themes = [
        theme,
        *rng.sample([t for t in choices["themes"] if t not in (theme, "other")], k=rng.randint(0, 1)),
    ]
    stage = rng.choices(choices["stage"], weights=[1, 2, 4, 8, 2])[0]
    started = rng.randint(2016, 2025)
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    evaluated = "no" if stage in ("idea", "planning") else rng.choice(["yes", "no"])
    answers = {
        "name": name,
        "summary": f"{summary} {result}",
        "lead_organisation": str(lead.id),
        "partners": [str(p.id) for p in partners],
        "themes": themes,
        "geography": rng.choices(choices["geography"], weights=[4, 6, 2, 1])[0],
        "stage": stage,
        "start_date": {"month": str(rng.randint(1, 12)), "year": str(started)},
        "pilot": rng.choice(["yes", "no"]),
        "cost": str(rng.randint(10, 900) * 1000),
        "funding": [rng.choice([c for c in choices["funding"] if c not in ("not_known", "other")])],
        "cashable_savings": str(rng.randint(0, 300) * 1000),
        "benefits": rng.sample(choices["benefits"], k=rng.randint(1, 3)),
        "benefits_evidence": rng.choice(words.EVIDENCE),
        "has_evaluation": evaluated,
        "enablers": rng.sample([e for e in choices["enablers"] if e != "other"], k=2),
        "barriers": rng.sample([b for b in choices["barriers"] if b not in ("none", "other")], k=1),
        "lessons_learnt": rng.choice(words.LESSONS),
        "contact_name": f"{first} {last}",
        "contact_job_title": rng.choice(
            words.JOB_TITLES["any"] + words.JOB_TITLES.get(lead.sector.value, [])
        ),
        "contact_email": f"{first.lower()}.{last.lower()}{n % 97}@example.org",
        "sharing": rng.choices(["public", "sector", "figures_only"], weights=[6, 3, 1])[0],
    }
    if stage == "ended":
        answers["end_date"] = {
            "month": str(rng.randint(1, 12)),
            "year": str(min(started + rng.randint(1, 4), 2026)),
        }
    if evaluated == "yes":
        answers["evaluation_findings"] = f"The evaluation found that the project works. {result}"
    return answers


def publish_approved(
    round_: Round,
    lead: Organisation,
    partners: Sequence[Organisation],
    answers: dict[str, Any],
    approver: User,
    questionnaire: Questionnaire,
) -> Record:
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
    submission.reference = f"CP-{round_.year}-{submission.id:05d}"
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
