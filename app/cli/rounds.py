"""`flask rounds create` and `flask rounds list`."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.extensions import db
from app.formatting import LONDON, govuk_datetime
from app.forms.rounds import parse_offsets
from app.services.errors import DomainError
from app.services.rounds import deadlines as round_service

rounds = AppGroup("rounds", help="Manage rounds of returns.")


def _london(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(f"{what} must be a date and time like 2026-12-18T23:59") from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value


@rounds.command("create")
@click.option("--title", required=True, help='For example "Collaboration return 2026".')
@click.option("--opens", required=True, help="UK time, for example 2026-10-01T09:00.")
@click.option("--deadline", required=True, help="UK time, for example 2026-12-18T23:59.")
@click.option("--reminders", default="14,7,2,1", show_default=True, help="Days before the deadline.")
def create(title: str, opens: str, deadline: str, reminders: str) -> None:
    """Create a round that uses the current default questionnaire."""
    offsets = parse_offsets(reminders)
    if offsets is None:
        raise click.BadParameter("Reminder days must be whole numbers separated by commas, like 14,7,2,1")
    try:
        round_ = round_service.create_round(
            title=title,
            opens_at=_london(opens, "--opens"),
            deadline=_london(deadline, "--deadline"),
            version=round_service.default_version(),
            reminder_offsets=offsets,
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Created {round_.title}: opens {govuk_datetime(round_.opens_at)}, "
        f"deadline {govuk_datetime(round_.deadline)}"
    )


@rounds.command("list")
def list_rounds() -> None:
    for round_ in round_service.all_rounds():
        click.echo(f"{round_.id}\t{round_.title}\t{round_.state().value}\t{govuk_datetime(round_.deadline)}")
