"""Organisations: checking a CSV file of them, importing it, and loading the seed list.

Checking is pure so that a whole file can be reported on before anything touches the database: an import
either applies every row or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from app.extensions import db
from app.models.organisation import REGION_LABELS, SECTOR_LABELS, Organisation, Region, Sector

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "organisations.csv"

REQUIRED_COLUMNS = ("name", "sector")
OPTIONAL_COLUMNS = ("region", "active", "aliases")
ALIAS_SEPARATOR = ";"
NAME_MAX_LENGTH = 200

NOT_UTF8 = "The file must be a CSV file saved as UTF-8"
EMPTY_FILE = "The selected file is empty"

_SECTORS = {key: sector for sector in Sector for key in (sector.value, sector.label.lower())}
_REGIONS = {key: region for region in Region for key in (region.value, region.label.lower())}
_ACTIVE = {"yes": True, "true": True, "1": True, "": True, "no": False, "false": False, "0": False}

SECTOR_CHOICES = ", ".join(SECTOR_LABELS.values())
REGION_CHOICES = ", ".join(REGION_LABELS.values())


@dataclass(frozen=True)
class CsvProblem:
    line: int  # as a spreadsheet shows it: the header is line 1
    column: str  # empty when the problem is with the whole line or file
    message: str

    def describe(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class OrganisationRow:
    line: int
    name: str
    sector: Sector
    region: Region | None
    active: bool
    aliases: tuple[str, ...] | None = None  # None when the file has no aliases column: left as they are


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def parse_organisations_csv(text: str | bytes) -> tuple[list[OrganisationRow], list[CsvProblem]]:
    """Check a whole file and report every problem in it. Rows come back only when there are no problems."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return [], [CsvProblem(error.object.count(b"\n", 0, error.start) + 1, "", NOT_UTF8)]
    text = text.removeprefix("\ufeff")

    problems: list[CsvProblem] = []
    rows: list[OrganisationRow] = []
    header: list[str] | None = None
    first_line_of_name: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if header is None:
                header = _trim_trailing_blanks(cells)
                problems += _header_problems(header, line)
                continue
            row, row_problems = _parse_row(header, cells, line, first_line_of_name)
            problems += row_problems
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        problems.append(CsvProblem(reader.line_num, "", f"This line could not be read as CSV ({error})"))
    if header is None and not problems:
        problems.append(CsvProblem(1, "", EMPTY_FILE))
    if problems:
        return [], problems
    return rows, problems


def _trim_trailing_blanks(cells: list[str]) -> list[str]:
    # Spreadsheets often save empty columns after the last real one as trailing commas.
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def _header_problems(header: list[str], line: int) -> list[CsvProblem]:
    problems = []
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        key = column.lower()
        if not key:
            problems.append(CsvProblem(line, "", f"Column {position} in the header row has no name"))
        elif key not in known:
            problems.append(
                CsvProblem(line, column, f'"{column}" is not a column we recognise: use {", ".join(known)}')
            )
        elif key in seen:
            problems.append(CsvProblem(line, key, f'The header row has more than one "{key}" column'))
        seen.add(key)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            problems.append(CsvProblem(line, column, f'The header row must have a "{column}" column'))
    return problems


def _parse_row(
    header: list[str], cells: list[str], line: int, first_line_of_name: dict[str, int]
) -> tuple[OrganisationRow | None, list[CsvProblem]]:
    if len(cells) > len(header) and not any(cells[len(header) :]):
        cells = cells[: len(header)]
    if len(cells) != len(header):
        message = (
            f"This line has {len(cells)} values but the header row has {len(header)}: "
            "check for missing or extra commas"
        )
        return None, [CsvProblem(line, "", message)]

    values: dict[str, str] = {}
    for column, cell in zip(header, cells, strict=True):
        values.setdefault(column.lower(), cell)
    problems: list[CsvProblem] = []

    name = values.get("name", "")
    if "name" in values:
        if not name:
            problems.append(CsvProblem(line, "name", "Enter a name"))
        elif len(name) > NAME_MAX_LENGTH:
            problems.append(CsvProblem(line, "name", f"Name must be {NAME_MAX_LENGTH} characters or less"))
        elif name.lower() in first_line_of_name:
            message = f'"{name}" appears more than once (first on line {first_line_of_name[name.lower()]})'
            problems.append(CsvProblem(line, "name", message))
        else:
            first_line_of_name[name.lower()] = line

    sector = None
    if "sector" in values:
        raw = values["sector"]
        sector = _SECTORS.get(" ".join(raw.lower().split()))
        if not raw:
            problems.append(CsvProblem(line, "sector", "Enter a sector"))
        elif sector is None:
            problems.append(CsvProblem(line, "sector", f"Sector must be one of: {SECTOR_CHOICES}"))

    raw = values.get("region", "")
    region = _REGIONS.get(" ".join(raw.lower().split()))
    if raw and region is None:
        message = f"Region must be one of: {REGION_CHOICES}, or left blank for a national organisation"
        problems.append(CsvProblem(line, "region", message))

    active = _ACTIVE.get(values.get("active", "").lower())
    if active is None:
        problems.append(CsvProblem(line, "active", "Active must be yes or no"))

    if problems or sector is None or active is None or "name" not in values:
        return None, problems
    aliases = None
    if "aliases" in values:
        aliases = tuple(
            dict.fromkeys(" ".join(a.split()) for a in values["aliases"].split(ALIAS_SEPARATOR) if a.strip())
        )
    row = OrganisationRow(line=line, name=name, sector=sector, region=region, active=active, aliases=aliases)
    return row, []


def import_organisations(rows: list[OrganisationRow]) -> ImportResult:
    """Create or update one organisation per row, matching names whatever their case.

    Flushes but never commits: the caller commits once.
    """
    existing = {org.name.lower(): org for org in db.session.scalars(db.select(Organisation))}
    created = updated = unchanged = 0
    for row in rows:
        org = existing.get(row.name.lower())
        if org is None:
            org = Organisation(
                name=row.name,
                sector=row.sector,
                region=row.region,
                active=row.active,
                aliases=list(row.aliases or ()),
            )
            db.session.add(org)
            existing[row.name.lower()] = org
            created += 1
        elif (org.name, org.sector, org.region, org.active) == (
            row.name,
            row.sector,
            row.region,
            row.active,
        ) and (row.aliases is None or list(row.aliases) == list(org.aliases or [])):
            unchanged += 1
        else:
            # The file is the source of truth, so a corrected capitalisation of the name is applied too.
            org.name, org.sector, org.region, org.active = row.name, row.sector, row.region, row.active
            if row.aliases is not None:
                org.aliases = list(row.aliases)
            updated += 1
    db.session.flush()
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def load_seed_organisations() -> ImportResult:
    """Import the organisations of England and Wales in app/seed/organisations.csv. Flushes, never commits.

    Safe to run again: existing organisations are matched by name and changed only where the file differs.
    """
    rows, problems = parse_organisations_csv(SEED_FILE.read_bytes())
    if problems:
        details = "\n".join(problem.describe() for problem in problems)
        raise ValueError(f"The seed file {SEED_FILE} has problems:\n{details}")
    return import_organisations(rows)
