"""Inviting many people at once from a CSV file with the columns email, name, organisation and role.

The whole file is checked first and every problem reported with its line and column; the invitations are
then sent all together, in one transaction, or not at all.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, Role, User
from app.services import audit
from app.services.organisations.files import NOT_UTF8, CsvProblem
from app.services.people import accounts

COLUMNS = ("email", "name", "organisation", "role")
MAX_PEOPLE = 500
NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254

_ROLES = {
    **{role.value: role for role in Role},
    **{role.label.lower(): role for role in Role},
    "lead": Role.LEAD,
    "admin": Role.ADMINISTRATOR,
}
ROLE_CHOICES = "lead, reviewer or administrator"
TOO_MANY = f"The file lists more than {MAX_PEOPLE} people: split it into files of {MAX_PEOPLE} or fewer"


@dataclass(frozen=True)
class InvitationRow:
    line: int
    email: str
    name: str
    role: Role
    organisation: Organisation | None


@dataclass
class InvitationCheck:
    rows: list[InvitationRow] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def fingerprint(self) -> str:
        content = [
            (r.email, r.name, r.role.value, r.organisation.id if r.organisation else None) for r in self.rows
        ]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()


class _Organisations:
    """Every organisation by its name, whatever its case or spacing, for matching and suggesting."""

    def __init__(self) -> None:
        self.by_key = {_key(org.name): org for org in db.session.scalars(select(Organisation))}

    def find(self, name: str) -> Organisation | None:
        return self.by_key.get(_key(name))

    def suggestion(self, name: str) -> str | None:
        key = _key(name)
        active = {k: org for k, org in self.by_key.items() if org.active}
        containing = [org for k, org in active.items() if len(key) >= 3 and key in k]
        if len(containing) == 1:
            return containing[0].name
        close = difflib.get_close_matches(key, list(active), n=1, cutoff=0.75)
        return active[close[0]].name if close else None


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def check_invitations_csv(content: bytes) -> InvitationCheck:
    """Read and check a whole file. Rows are kept only if the whole file is right."""
    check = InvitationCheck()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        check.problems.append(CsvProblem(content.count(b"\n", 0, error.start) + 1, "", NOT_UTF8))
        return check

    organisations = _Organisations()
    header: list[str] | None = None
    first_line_of_email: dict[str, int] = {}
    rows: list[InvitationRow] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last_line = 0
    people = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if header is None:
                while cells and not cells[-1]:
                    cells = cells[:-1]
                header = [cell.lower() for cell in cells]
                check.problems += _header_problems(header, line)
                if check.problems:
                    return check
                continue
            people += 1
            if people > MAX_PEOPLE:
                check.problems.append(CsvProblem(line, "", TOO_MANY))
                break
            row, problems = _check_row(header, cells, line, organisations, first_line_of_email)
            check.problems += problems
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        check.problems.append(
            CsvProblem(reader.line_num, "", f"This line could not be read as CSV ({error})")
        )
    if header is None:
        check.problems.append(CsvProblem(1, "", "The selected file is empty"))
    elif not people and not check.problems:
        check.problems.append(CsvProblem(2, "", "The file has a header row but nobody to invite"))
    check.problems += _existing_accounts(rows)
    check.problems.sort(key=lambda problem: problem.line)
    if not check.problems:
        check.rows = rows
    else:
        check.rows = [row for row in rows if row.line not in {p.line for p in check.problems}]
    return check


def _header_problems(header: list[str], line: int) -> list[CsvProblem]:
    problems = []
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            problems.append(CsvProblem(line, "", f"Column {position} in the header row has no name"))
        elif column not in COLUMNS:
            message = f'"{column}" is not a column we recognise: use {", ".join(COLUMNS)}'
            problems.append(CsvProblem(line, column, message))
        elif column in seen:
            problems.append(CsvProblem(line, column, f'The header row has more than one "{column}" column'))
        seen.add(column)
    for column in COLUMNS:
        if column not in seen:
            article = "an" if column[0] in "aeiou" else "a"
            problems.append(CsvProblem(line, column, f'The header row must have {article} "{column}" column'))
    return problems


def _check_row(
    header: list[str],
    cells: list[str],
    line: int,
    organisations: _Organisations,
    first_line_of_email: dict[str, int],
) -> tuple[InvitationRow | None, list[CsvProblem]]:
    if len(cells) > len(header) and not any(cells[len(header) :]):
        cells = cells[: len(header)]
    if len(cells) != len(header):
        message = (
            f"This line has {len(cells)} values but the header row has {len(header)}: "
            "check for missing or extra commas"
        )
        return None, [CsvProblem(line, "", message)]
    values = dict(zip(header, cells, strict=True))
    problems: list[CsvProblem] = []

    email = accounts.normalise_email(values["email"])
    if not email:
        problems.append(CsvProblem(line, "email", "Enter an email address"))
    elif len(email) > EMAIL_MAX_LENGTH:
        problems.append(
            CsvProblem(line, "email", f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer")
        )
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            message = (
                f'"{values["email"]}" is not an email address in the correct format, like name@example.com'
            )
            problems.append(CsvProblem(line, "email", message))
        else:
            if email in first_line_of_email:
                message = f"{email} appears more than once (first on line {first_line_of_email[email]})"
                problems.append(CsvProblem(line, "email", message))
            else:
                first_line_of_email[email] = line

    name = " ".join(values["name"].split())
    if not name:
        problems.append(CsvProblem(line, "name", "Enter the person's full name"))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(CsvProblem(line, "name", f"Name must be {NAME_MAX_LENGTH} characters or fewer"))

    raw_role = values["role"]
    role = _ROLES.get(_key(raw_role))
    if not raw_role:
        problems.append(CsvProblem(line, "role", f"Enter a role: {ROLE_CHOICES}"))
    elif role is None:
        problems.append(CsvProblem(line, "role", f'"{raw_role}" is not a role: use {ROLE_CHOICES}'))

    raw_organisation = values["organisation"]
    organisation = organisations.find(raw_organisation) if raw_organisation else None
    if role == Role.ADMINISTRATOR:
        organisation = None  # administrators work for the whole service, as on the invitation form
    elif not raw_organisation:
        if role == Role.LEAD:
            problems.append(CsvProblem(line, "organisation", "Enter the lead's organisation"))
    elif organisation is None:
        message = f'"{raw_organisation}" is not an organisation we know'
        suggestion = organisations.suggestion(raw_organisation)
        message += (
            f": did you mean {suggestion}?" if suggestion else ": check its name on the Organisations page"
        )
        problems.append(CsvProblem(line, "organisation", message))
    elif not organisation.active:
        message = f"{organisation.name} is deactivated: people cannot be invited to it"
        problems.append(CsvProblem(line, "organisation", message))

    if problems or role is None:
        return None, problems
    return InvitationRow(line=line, email=email, name=name, role=role, organisation=organisation), []


def _existing_accounts(rows: list[InvitationRow]) -> list[CsvProblem]:
    by_email = {row.email: row for row in rows}
    problems = []
    emails = list(by_email)
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found = db.session.scalars(select(func.lower(User.email)).where(func.lower(User.email).in_(chunk)))
        for email in found:
            problems.append(
                CsvProblem(by_email[email].line, "email", f"There is already an account for {email}")
            )
    return problems


def send_invitations(rows: list[InvitationRow], *, by: User, ip_address: str | None = None) -> list[User]:
    """Create every account and queue every invitation email; the caller commits them together."""
    invited = [
        accounts.invite(
            by=by,
            email=row.email,
            name=row.name,
            role=row.role,
            organisation=row.organisation,
            ip_address=ip_address,
        )
        for row in rows
    ]
    audit.record("invitations.imported", actor=by, ip_address=ip_address, count=len(invited), via="CSV file")
    return invited
