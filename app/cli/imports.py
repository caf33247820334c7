"""`flask import responses FILE --mapping MAPPING.yaml --round ROUND`: import earlier responses."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import ImportMode, Role
from app.services.imports import batches as import_batches
from app.services.imports import responses as imports
from app.services.imports.responses import ImportRefused, Report
from app.services.people import accounts

import_group = AppGroup("import", help="Import earlier responses.")
SHOWN_ROWS = 20


@import_group.command("responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The mapping (YAML) from the file's columns to the questionnaire's questions.",
)
@click.option("--round", "round_name", required=True, help="The round's id or title.")
@click.option(
    "--as",
    "mode",
    type=click.Choice([m.value for m in ImportMode]),
    default=ImportMode.RECORDS.value,
    show_default=True,
    help="records: approved, published records. drafts: in-progress projects for their organisations.",
)
@click.option("--by", "by_email", required=True, help="The email address of the administrator importing.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, without importing anything.")
def responses(
    file: Path, mapping_path: Path, round_name: str, mode: str, by_email: str, dry_run: bool
) -> None:
    """Check every row of FILE (CSV or XLSX) and, if none has a problem, import them all in one go.

    Rows already imported from the same source are skipped, so running it again imports only what is new.
    """
    round_ = imports.find_round(round_name)
    if round_ is None:
        raise click.ClickException(f"There is no round '{round_name}': give its id or its title")
    admin = accounts.find_by_email(by_email)
    if admin is None or admin.role != Role.ADMINISTRATOR or not admin.active:
        raise click.ClickException(f"{by_email} is not an active administrator")
    data = file.read_bytes()
    mapping_text = _read_mapping(mapping_path)
    try:
        prepared = imports.prepare(data, file.name, mapping_text, round_, ImportMode(mode))
    except ImportRefused as refused:
        for problem in [*refused.file_problems, *refused.mapping_problems, *refused.round_problems]:
            click.echo(problem, err=True)
        click.echo("Nothing was imported.", err=True)
        raise click.exceptions.Exit(1) from None
    total = prepared.table.count()
    with click.progressbar(length=total, label="Checking rows") as bar:
        done = 0

        def advance(rows: int) -> None:
            nonlocal done
            bar.update(rows - done)
            done = rows

        report, projects = imports.check(prepared, progress=advance)
        bar.update(total - done)
    _print_report(report)
    if report.problem_count:
        click.echo(
            "Nothing was imported: fix the problems in the file or the mapping and run it again.", err=True
        )
        raise click.exceptions.Exit(1)
    if dry_run:
        click.echo("Dry run: nothing was imported.")
        return
    if not projects:
        click.echo("Nothing to import.")
        return
    batch = import_batches.record_cli_batch(
        prepared,
        data=data,
        file_name=file.name,
        mapping_text=mapping_text,
        mapping_name=mapping_path.name,
        by=admin,
    )
    count = imports.write(prepared, projects, batch=batch, by=admin)
    import_batches.finish(batch, report, count, by=admin)
    db.session.commit()
    kind = "approved records" if mode == ImportMode.RECORDS.value else "drafts"
    click.echo(f"Imported {count} {_projects(count)} into {round_.title} as {kind}.")


def _read_mapping(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path.name} is not saved as UTF-8 text") from None


def _projects(count: int) -> str:
    return "project" if count == 1 else "projects"


def _print_report(report: Report) -> None:
    click.echo(
        f"{report.total} rows: {len(report.ready)} ready to import, {len(report.already)} already imported, "
        f"{report.problem_count} {'problem' if report.problem_count == 1 else 'problems'}."
    )
    for row in report.ready[:SHOWN_ROWS]:
        click.echo(f"  Row {row['row']} ({row['key']}): {row['name']}, {row['organisation']}")
    if len(report.ready) > SHOWN_ROWS:
        click.echo(f"  ... and {len(report.ready) - SHOWN_ROWS} more")
    for row in report.already[:SHOWN_ROWS]:
        click.echo(f"  Row {row['row']} ({row['key']}): already imported, skipped")
    for problem in report.problems:
        click.echo(problem["text"], err=True)
    if report.problem_count > len(report.problems):
        click.echo(f"... and {report.problem_count - len(report.problems)} more problems", err=True)
    for entry in report.unknown_names:
        rows = ", ".join(str(row) for row in entry["rows"])
        suggestions = " or ".join(f"'{name}'" for name in entry["suggestions"])
        hint = f" Did you mean {suggestions}?" if suggestions else " No close match in the directory."
        click.echo(f"Unknown organisation '{entry['name']}' (rows {rows}).{hint}", err=True)
