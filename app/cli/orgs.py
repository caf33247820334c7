"""`flask orgs ...`: import and list organisations from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services.organisations.admin import apply_import
from app.services.organisations.directory import organisations_by_sector
from app.services.organisations.files import parse_organisations_csv

orgs = AppGroup("orgs", help="Manage organisations.")


@orgs.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Create or update organisations from a CSV file with columns name, sector, region and active.

    The whole file is checked first: if any line has a problem, nothing is imported. Leads of an organisation
    the file deactivates lose access, as they do when an administrator deactivates it.
    """
    rows, problems = parse_organisations_csv(file.read_bytes())
    if problems:
        for problem in problems:
            click.echo(problem.describe(), err=True)
        noun = "problem" if len(problems) == 1 else "problems"
        click.echo(f"Nothing was imported: the file has {len(problems)} {noun}.", err=True)
        raise click.exceptions.Exit(1)
    result = apply_import(rows, by=None, via="command line")
    db.session.commit()
    click.echo(
        f"Imported organisations: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


@orgs.command("list")
def list_command() -> None:
    """Show every organisation with its sector, region and whether it is active."""
    organisations = organisations_by_sector()
    if not organisations:
        click.echo("There are no organisations.")
        return
    lines = [
        (org.name, org.sector.label, org.region.label if org.region else "National", _yes_no(org.active))
        for org in organisations
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    for name, sector, region, active in lines:
        click.echo(f"{name:<{widths[0]}}  {sector:<{widths[1]}}  {region:<{widths[2]}}  {active}")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
