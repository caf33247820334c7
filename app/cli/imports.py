"""`flask import responses FILE --year 2017 --round-title "..." [--mapping M.yaml] [--dry-run] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import ImportMode, Role, Round, User
from app.services.errors import DomainError
from app.services.imports import batches as import_batches
from app.services.imports import remapping, writing
from app.services.imports import responses as imports
from app.services.imports.responses import ImportRefused, Report
from app.services.people import accounts

import_group = AppGroup("import", help="Import earlier responses.")
SHOWN_ROWS = 20


@import_group.command("responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="The year the responses were collected.")
@click.option(
    "--round-title", required=True, help='The closed round to import into, e.g. "Collaboration return 2017".'
)
@click.option(
    "--mapping",
    "mapping_path",
    help="A mapping (YAML file) from the file's columns to the questions, or the name of a mapping saved on "
    "the Imports pages; without it, one is proposed.",
)
@click.option(
    "--as",
    "mode",
    type=click.Choice([ImportMode.RECORDS.value, ImportMode.REVIEW.value]),
    default=ImportMode.RECORDS.value,
    show_default=True,
    help="records: approved, published records. review: waiting in the review queue, marked imported.",
)
@click.option("--by", "by_email", help="The administrator importing (needed when there is more than one).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, without importing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with what was found.")
def responses(
    file: Path,
    year: int,
    round_title: str,
    mapping_path: str | None,
    mode: str,
    by_email: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import FILE (a SurveyMonkey export or an earlier overview, CSV or XLSX) as the history of a closed
    round. Test and blank responses are skipped, odd cells kept as given and reported; importing the same
    file again changes nothing."""
    admin = _administrator(by_email)
    data = file.read_bytes()
    mapping_name, mapping_text = _mapping(mapping_path) if mapping_path else ("proposed", None)
    try:
        report, count, round_, checked = import_file(
            data,
            file.name,
            year=year,
            round_title=round_title,
            mapping=(mapping_name, mapping_text),
            mode=ImportMode(mode),
            by=admin,
            dry_run=dry_run,
            progress=not as_json,
        )
    except ImportRefused as refused:
        _refused([*refused.file_problems, *refused.mapping_problems, *refused.round_problems], as_json)
    except DomainError as error:
        _refused([str(error)], as_json)
    if as_json:
        click.echo(json.dumps(_json(report, count, None if dry_run else round_.id), ensure_ascii=False))
        return
    _print_report(report)
    if dry_run:
        click.echo("Dry run: nothing was imported.")
    elif not checked:
        click.echo("Nothing to import.")
    else:
        kind = "approved records" if mode == ImportMode.RECORDS.value else "projects waiting for review"
        click.echo(f"Imported {count} {_projects(count)} into {round_.title} as {kind}.")


def import_file(
    data: bytes,
    file_name: str,
    *,
    year: int,
    round_title: str,
    mapping: tuple[str, str | None],
    mode: ImportMode,
    by: User,
    dry_run: bool = False,
    progress: bool = False,
) -> tuple[Report, int, Round, bool]:
    """Check a file's rows (with a progress bar if `progress`) and, unless `dry_run`, import those that can be
    into the closed round of that title, made for the year if need be, and commit. Returns the report, how
    many projects were imported, the round, and whether any row could be. Raises ImportRefused or
    DomainError when the file cannot be used at all."""
    mapping_name, mapping_text = mapping
    round_ = imports.history_round(round_title, year, by=by)
    prepared = imports.prepare(data, file_name, mapping_text, round_, mode)
    if not progress:
        report, outcomes = imports.check(prepared)
    else:
        total = prepared.table.count()
        with click.progressbar(length=total, label="Checking rows") as bar:
            done = 0

            def advance(rows: int) -> None:
                nonlocal done
                bar.update(rows - done)
                done = rows

            report, outcomes = imports.check(prepared, progress=advance)
            bar.update(total - done)
    count = 0
    if not dry_run and outcomes:
        batch = import_batches.record_cli_batch(
            prepared,
            data=data,
            file_name=file_name,
            mapping_text=mapping_text or "",
            mapping_name=mapping_name,
            by=by,
        )
        count = writing.write(prepared, outcomes, batch=batch, by=by)
        import_batches.finish(batch, report, count, by=by)
        db.session.commit()
    else:
        db.session.rollback()  # a dry run leaves no round behind
    return report, count, round_, bool(outcomes)


def _administrator(by_email: str | None) -> User:
    if by_email:
        admin = accounts.find_by_email(by_email)
        if admin is None or admin.role != Role.ADMINISTRATOR or not admin.active:
            raise click.ClickException(f"{by_email} is not an active administrator")
        return admin
    admins = list(db.session.scalars(select(User).filter_by(role=Role.ADMINISTRATOR, active=True).limit(2)))
    if len(admins) != 1:
        raise click.ClickException("Say which administrator is importing, with --by EMAIL")
    return admins[0]


def _refused(problems: list[str], as_json: bool) -> None:
    db.session.rollback()
    if as_json:
        click.echo(json.dumps({"refused": problems}, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(problem, err=True)
        click.echo("Nothing was imported.", err=True)
    raise click.exceptions.Exit(1)


def _json(report: Report, count: int, round_id: int | None) -> dict:
    return {
        "rows_read": report.total,
        "rows_skipped": [{"row": r["row"], "reason": r["reason"]} for r in report.skipped]
        + [{"row": r["row"], "reason": "Already imported"} for r in report.already],
        "rows_imported": count,
        "warnings": report.warnings,
        "unmatched_organisations": [
            {"row": row, "value": entry["name"], "candidates": entry["suggestions"]}
            for entry in report.unknown_names
            for row in entry["rows"]
        ],
        "duplicate_pairs": [
            {
                "rows": pair["rows"],
                "name_similarity": pair["name_similarity"],
                "summary_similarity": pair["summary_similarity"],
            }
            for pair in report.duplicate_pairs
        ]
        + [
            {
                "rows": [pair["row"]],
                "record_id": pair["record_id"],
                "name_similarity": pair["name_similarity"],
                "summary_similarity": pair["summary_similarity"],
            }
            for pair in report.existing_duplicates
        ],
        "round_id": round_id,
    }


def _mapping(given: str) -> tuple[str, str]:
    """(name, text) of the mapping given: a YAML file, else a mapping saved by that name."""
    path = Path(given)
    if path.is_file():
        return path.name, _read_mapping(path)
    try:
        return remapping.use_saved(given)
    except DomainError:
        raise click.ClickException(
            f"{given} is neither a mapping file nor the name of a saved mapping"
        ) from None


def _read_mapping(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path.name} is not saved as UTF-8 text") from None


def _projects(count: int) -> str:
    return "project" if count == 1 else "projects"


def _print_report(report: Report) -> None:
    click.echo(
        f"{report.total} rows: {len(report.ready)} to import, {len(report.skipped)} skipped, "
        f"{len(report.already)} already imported, {report.warning_count} values kept as given."
    )
    for row in report.skipped[:SHOWN_ROWS]:
        click.echo(f"  Row {row['row']}: skipped, {row['reason'].lower()}")
    for column, group in report.warnings_by_column.items():
        examples = ", ".join(f"'{e}'" for e in group["examples"])
        click.echo(f"  {column}: {group['count']} kept as given, like {examples}")
    for pair in report.duplicate_pairs:
        click.echo(f"  Rows {pair['rows'][0]} and {pair['rows'][1]} may be the same project")
    for pair in report.existing_duplicates:
        click.echo(f"  Row {pair['row']} may be record {pair['record_id']}, {pair['name']}")
    for row in report.ready[:SHOWN_ROWS]:
        click.echo(f"  Row {row['row']} ({row['key']}): {row['name']}, {row['organisation']}")
    if len(report.ready) > SHOWN_ROWS:
        click.echo(f"  ... and {len(report.ready) - SHOWN_ROWS} more")
    for row in report.already[:SHOWN_ROWS]:
        click.echo(f"  Row {row['row']} ({row['key']}): already imported, skipped")
    for entry in report.unknown_names:
        rows = ", ".join(str(row) for row in entry["rows"])
        suggestions = " or ".join(f"'{name}'" for name in entry["suggestions"])
        hint = f" Closest: {suggestions}." if suggestions else " No close match in the directory."
        click.echo(f"Organisation '{entry['name']}' (rows {rows}) matches none: kept as given.{hint}")
