"""`flask demo setup`: the seeded organisations and demo people for trying the service on a laptop."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.cli.imports import import_file
from app.extensions import db
from app.formatting import LONDON, govuk_datetime
from app.models import ImportMode, Organisation, Record, Role
from app.models.base import utcnow
from app.services.find import demo_records
from app.services.organisations.files import load_seed_organisations
from app.services.people import accounts
from app.services.rounds import deadlines as round_service

demo = AppGroup("demo", help="Demo data for trying the service.")

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (printed for people trying the service locally)
DEMO_RECORDS = 220
DEMO_PEOPLE = [
    ("admin@example.org", "Alex Administrator", Role.ADMINISTRATOR, None),
    ("reviewer@example.org", "Riley Reviewer", Role.REVIEWER, None),
    ("lead.police@example.org", "Priya Lead", Role.LEAD, "Kent Police"),
    ("lead.fire@example.org", "Sam Lead", Role.LEAD, "Kent Fire and Rescue Service"),
]
# Earlier rounds, from the example exports the README imports: the overview's change over time then has three
# rounds to show, not one. (Not there when the service is installed without its checkout: then no history.)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"
DEMO_HISTORY = [
    (2016, "overview-2016.xlsx", "overview-2016.yaml"),
    (2017, "surveymonkey-collaboration-2017.csv", "surveymonkey-collaboration-2017.yaml"),
]


def _organisation(name: str) -> Organisation:
    organisation = db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )
    if organisation is None:
        raise click.ClickException(f"The seed organisations do not include {name}")
    return organisation


@demo.command("records")
@click.option("--count", default=200, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=2026, show_default=True)
def add_records(count: int, seed: int) -> None:
    """Publish more realistic example records in the current round."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Example records are not published in production")
    round_ = round_service.current_round()
    approver = accounts.find_by_email("reviewer@example.org")
    if round_ is None or approver is None:
        raise click.ClickException("Run `flask demo setup` first")
    made = demo_records.generate(count, round_=round_, approver=approver, seed=seed)
    db.session.commit()
    click.echo(f"Published {made} example records")


@demo.command("setup")
def setup() -> None:
    """Load the seeded organisations and the demo people the first time; print how to sign in."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Demo people are not created in production")
    if db.session.scalar(select(func.count(Organisation.id))) == 0:
        result = load_seed_organisations()
        click.echo(f"Loaded {result.created} organisations")
    for email, name, role, organisation_name in DEMO_PEOPLE:
        if accounts.find_by_email(email) is None:
            organisation = _organisation(organisation_name) if organisation_name else None
            accounts.create_user(
                email=email, name=name, role=role, organisation=organisation, password=DEMO_PASSWORD
            )
    if not round_service.all_rounds():
        now = utcnow()
        opens = datetime.combine(now.astimezone(LONDON).date(), time(9), tzinfo=LONDON) - timedelta(days=7)
        deadline = datetime.combine(
            (now + timedelta(days=28)).astimezone(LONDON).date(), time(23, 59), tzinfo=LONDON
        )
        round_ = round_service.create_round(
            title=f"Collaboration return {deadline.year}",
            opens_at=opens,
            deadline=deadline,
            version=round_service.default_version(),
        )
        click.echo(f"Opened {round_.title}, deadline {govuk_datetime(round_.deadline)}")
    if db.session.scalar(select(func.count(Record.id))) == 0:
        approver = accounts.find_by_email("reviewer@example.org")
        current = round_service.current_round()
        assert current is not None and approver is not None  # both made above
        made = demo_records.generate(DEMO_RECORDS, round_=current, approver=approver)
        click.echo(f"Published {made} example records in the collaboration database")
    db.session.commit()
    _import_history()
    click.echo("")
    click.echo(f"Demo sign-in details (password for everyone: {DEMO_PASSWORD})")
    for email, _, role, organisation_name in DEMO_PEOPLE:
        where = f", {organisation_name}" if organisation_name else ""
        click.echo(f"  {role.label:<20} {email}{where}")
    click.echo(f"Open {current_app.config['BASE_URL']}/sign-in")


def _import_history() -> None:
    """The example exports, each into its closed round, the first time (a round of that title stops it)."""
    titles = {round_.title for round_ in round_service.all_rounds()}
    admin = accounts.find_by_email("admin@example.org")
    assert admin is not None  # made by setup
    for year, export, mapping in DEMO_HISTORY:
        title = f"Collaboration return {year}"
        if title in titles or not (EXAMPLES / export).is_file():
            continue
        _, count, round_, _ = import_file(
            (EXAMPLES / export).read_bytes(),
            export,
            year=year,
            round_title=title,
            mapping=(mapping, (EXAMPLES / mapping).read_text(encoding="utf-8")),
            mode=ImportMode.RECORDS,
            by=admin,
        )
        click.echo(f"Imported {count} projects from {export} into {round_.title} (closed)")
