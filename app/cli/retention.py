"""`flask retention run [--dry-run]`: apply the data retention rules once (the worker does it every hour)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services import retention as retention_service

retention = AppGroup("retention", help="Delete old drafts and remove old email bodies.")


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be removed, and remove nothing.")
def run(dry_run: bool) -> None:
    """Delete drafts and email bodies kept longer than RETENTION_DRAFT_DAYS and RETENTION_OUTBOX_DAYS."""
    result = retention_service.run(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"Retention: {result}")
    if result.drafts:
        click.echo("Drafts: " + ", ".join(str(i) for i in result.drafts))
    if result.emails:
        click.echo("Emails: " + ", ".join(str(i) for i in result.emails))
