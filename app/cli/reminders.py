"""`flask reminders send`: one pass of the reminder job, for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services.email import reminders as reminder_service

reminders = AppGroup("reminders", help="Deadline reminders.")


@reminders.command("send")
def send() -> None:
    """Plan the reminders that have come due and queue them in the outbox (`flask outbox send` delivers)."""
    result = reminder_service.run()
    db.session.commit()
    click.echo(f"Reminders: {result}")
