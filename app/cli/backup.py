"""`flask backup create FILE` and `flask backup restore FILE`: the whole database, PostgreSQL or SQLite."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.services import audit, backups

backup = AppGroup("backup", help="Back up the database to a file, or restore it from one.")


def _url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create(file: Path) -> None:
    """Write a backup of the whole database to FILE (safe while the service runs)."""
    try:
        made = backups.create(_url(), file)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backed up {backups.describe(_url())} to {made.path} ({_size(made.size)}, "
        f"migration {made.revision}, SHA-256 {made.sha256})"
    )


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in FILE. Stop the web service and the worker
    first; run `flask db upgrade` afterwards when the backup is from an older release."""
    url = _url()
    try:
        found = backups.inspect_file(url, file)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    if not yes:
        click.confirm(
            f"This replaces everything in {backups.describe(url)} with the backup in {file} "
            f"(migration {found.revision}). Continue?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # our own connections would hold locks that the restore waits for
    try:
        restored = backups.restore(url, file)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    db.engine.dispose()
    try:
        audit.record(
            "database.restored",
            via="command line",
            file=str(restored.path),
            sha256=restored.sha256,
            migration=restored.revision,
        )
        db.session.commit()
    except SQLAlchemyError:  # a backup from a release whose audit log differs: run the migrations first
        db.session.rollback()
        click.echo("The restore is not in the audit log: run `flask db upgrade`.", err=True)
    click.echo(f"Restored {backups.describe(url)} from {restored.path} (migration {restored.revision}).")
    click.echo("Run `flask db upgrade` if this release has newer migrations, then start the service.")
