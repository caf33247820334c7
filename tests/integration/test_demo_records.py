"""The demo projects read as if people wrote them: names of their own, real places used correctly, varied
contacts, whole sentences."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Record, Role, Sector
from app.models.base import utcnow
from app.services.find import demo_records, demo_words
from app.services.organisations.files import load_seed_organisations
from app.services.rounds import deadlines as rounds
from tests import factories


def test_demo_projects_are_believable(app):
    load_seed_organisations()
    reviewer = factories.user(Role.REVIEWER, email="reviewer@example.org")
    now = utcnow()
    round_ = rounds.create_round(
        title="Collaboration return 2027",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=30),
        version=rounds.default_version(),
    )
    assert demo_records.generate(220, round_=round_, approver=reviewer) == 220
    records = db.session.scalars(select(Record)).all()
    names = [record.name for record in records]
    assert len(set(names)) == len(names)  # no two projects of one name
    for record in records:
        place = demo_words.place_of(record.organisation.name)
        assert place, record.organisation.name  # led by an organisation that serves a place
        towns = demo_words.towns_of(place)
        named_town = [town for town in demo_words.TOWNS.get(place, []) if town in record.name]
        other_towns = {t for p, ts in demo_words.TOWNS.items() if p != place for t in ts} - set(towns)
        assert named_town or not any(f" {t} " in f" {record.name} " for t in other_towns), record.name
        assert record.summary.endswith("."), record.summary  # whole sentences, nothing cut off
        assert record.name[0].isupper()
        assert "British" not in record.name
        assert record.submission.reference.startswith("CP-" + str(round_.year))
    # Partners from the lead's own area: a police force or fire service partner serves the lead's place (or
    # one taking it in); elsewhere in the region only an ambulance service, which serves all of it.
    places = {o.id: (demo_words.place_of(o.name), o.sector) for o in db.session.scalars(select(Organisation))}
    county_led = 0
    for record in records:
        lead_place = demo_words.place_of(record.organisation.name)
        if not demo_words.towns_of(lead_place):
            continue  # a lead serving the whole region: any partner of the region will do
        county_led += 1
        for partner in record.submission.partners:
            place, sector = places[partner.organisation_id]
            if sector in (Sector.POLICE, Sector.FIRE_AND_RESCUE):
                shared = set(demo_words.towns_of(place)) & set(demo_words.towns_of(lead_place))
                assert place and (place in lead_place or lead_place in place or shared), (record.name, place)
    assert county_led > 100
    contacts = {(r.answers["contact_name"], r.answers["contact_job_title"]) for r in records}
    assert len(contacts) > 150
    assert all(name != title for name, title in contacts)
    assert sum(title == "Collaboration manager" for _, title in contacts) < 40
