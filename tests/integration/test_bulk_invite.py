"""Inviting people from a CSV file: every problem reported precisely, then every invitation sent or none."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboundEmail, Role, User
from app.services.errors import DomainError
from app.services.people import bulk_invitations
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form

URL = "/admin/users/invite/csv"


@pytest.fixture
def admin(client):
    person = factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return person


@pytest.fixture
def organisations():
    kent = factories.organisation("Kent Police")
    fire = factories.organisation("Kent Fire and Rescue Service")
    closed = factories.organisation("Old Fire Authority")
    closed.active = False
    db.session.commit()
    return kent, fire, closed


def upload(client, content: bytes, filename: str = "people.csv"):
    token = csrf_token(client, URL)
    return client.post(
        URL,
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def confirm_fields(html: str) -> dict:
    fields = {}
    for name in ("content", "fingerprint"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert match, f"No {name} field on the page"
        fields[name] = re.search(r'value="([^"]*)"', match.group(0)).group(1)
    return fields


def people_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_a_good_file_is_checked_then_every_invitation_is_sent_together(client, admin, organisations):
    content = (
        b"email,name,organisation,role\n"
        b"Kim@Kent.Police.uk,Kim Kentish,kent police,lead\n"
        b"fay@kentfire.gov.uk,Fay Fire,Kent Fire and Rescue Service,Collaboration lead\n"
        b"rhys@example.org,Rhys Reviewer,,reviewer\n"
    )
    response = upload(client, content)
    page = response.text
    assert "Check who you are inviting" in page
    assert "3 people to invite" in page
    assert "kim@kent.police.uk" in page and "Kent Police" in page
    assert people_count() == 1  # nothing yet

    response = submit_form(
        client,
        "/admin/users/invite/csv/confirm",
        confirm_fields(response.get_data(as_text=True)),
        form_url=URL,
    )
    assert response.headers["Location"] == "/admin/users"
    assert "3 invitations sent" in client.get("/admin/users").text
    invited = {u.email: u for u in db.session.scalars(select(User).where(User.id != admin.id))}
    assert set(invited) == {"kim@kent.police.uk", "fay@kentfire.gov.uk", "rhys@example.org"}
    assert invited["kim@kent.police.uk"].organisation.name == "Kent Police"
    assert invited["rhys@example.org"].role == Role.REVIEWER
    assert all(u.password_hash is None for u in invited.values())
    recipients = set(db.session.scalars(select(OutboundEmail.recipient)))
    assert recipients == set(invited)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "invitation.sent")) == 3
    assert (
        db.session.scalars(select(AuditEvent).filter_by(action="invitations.imported")).one().details["count"]
        == 3
    )


def test_every_problem_is_reported_by_line_and_column_and_nobody_is_invited(client, admin, organisations):
    factories.user(email="taken@example.org", organisation_=organisations[0])
    content = (
        b"email,name,organisation,role\n"
        b"kim@kent.police.uk,Kim Kentish,Kent Police,lead\n"  # 2: fine
        b"not-an-email,Nat Notemail,Kent Police,lead\n"  # 3
        b"kay@example.org,Kay Polce,Kent Polce,lead\n"  # 4: near miss
        b"boss@example.org,Bo Boss,Kent Police,boss\n"  # 5
        b"KIM@kent.police.uk,Kim Again,Kent Police,lead\n"  # 6: duplicate of line 2
        b"taken@example.org,Tak En,Kent Police,reviewer\n"  # 7: has an account
        b"old@example.org,Ole Old,Old Fire Authority,lead\n"  # 8: deactivated organisation
        b"lone@example.org,Lone Lead,,lead\n"  # 9: a lead needs an organisation
        b",,Kent Police,lead\n"  # 10: no email, no name
        b"short@example.org,Short Line,lead\n"  # 11: a missing comma
    )
    response = upload(client, content)
    page = response.text
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The selected file has 10 problems: fix them and upload it again" in page
    problems = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>\s*'
        r'<td class="govuk-table__cell">([^<]*)</td>\s*<td class="govuk-table__cell">([^<]*)</td>',
        page[page.index('id="problems"') :].split("</table>")[0],
    )
    found = {(int(line), column, problem) for line, column, problem in problems}
    assert found == {
        (3, "email", '"not-an-email" is not an email address in the correct format, like name@example.com'),
        (4, "organisation", '"Kent Polce" is not an organisation we know: did you mean Kent Police?'),
        (5, "role", '"boss" is not a role: use lead, reviewer or administrator'),
        (6, "email", "kim@kent.police.uk appears more than once (first on line 2)"),
        (7, "email", "There is already an account for taken@example.org"),
        (8, "organisation", "Old Fire Authority is deactivated: people cannot be invited to it"),
        (9, "organisation", "Enter the lead's organisation"),
        (10, "email", "Enter an email address"),
        (10, "name", "Enter the person's full name"),
        (
            11,
            "Whole line",
            "This line has 3 values but the header row has 4: check for missing or extra commas",
        ),
    }
    assert 'action="/admin/users/invite/csv/confirm"' not in page
    assert "1 line has no problems" in page  # line 2, shown for reference
    assert people_count() == 2


def test_a_confirmation_after_someone_else_took_an_address_sends_nothing(client, admin, organisations):
    content = (
        b"email,name,organisation,role\n"
        b"kim@kent.police.uk,Kim,Kent Police,lead\n"
        b"zed@example.org,Zed,,reviewer\n"
    )
    fields = confirm_fields(upload(client, content).get_data(as_text=True))
    factories.user(email="zed@example.org", organisation_=organisations[0])  # invited meanwhile
    page = submit_form(client, "/admin/users/invite/csv/confirm", fields, form_url=URL).text
    assert "Accounts or organisations changed after you checked the file" in page
    assert "There is already an account for zed@example.org" in page
    assert (
        db.session.scalar(select(func.count()).select_from(User).filter_by(email="kim@kent.police.uk")) == 0
    )
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


def test_sending_is_all_or_nothing_when_an_invitation_fails(client, admin, organisations):
    # The check passed, then an account appeared between the check and the last invitation.
    rows = bulk_invitations.check_invitations_csv(
        b"email,name,organisation,role\na@example.org,A,Kent Police,lead\nb@example.org,B,Kent Police,lead\n"
    ).rows
    factories.user(email="b@example.org", organisation_=organisations[0])
    with pytest.raises(DomainError):
        bulk_invitations.send_invitations(rows, by=admin)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User).filter_by(email="a@example.org")) == 0
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            "email,name,organisation,role\nkim@example.org,Kim Éclair,,reviewer\n".encode("cp1252"),
            "p.csv",
            "UTF-8",
        ),
        (b"\x50\x4b\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "people.csv", "must be a CSV"),
        (b"email,name\n" + b"a" * (400 * 1024), "people.csv", "must be smaller than 300 KB"),
    ],
)
def test_files_that_cannot_be_read_get_a_message(client, admin, content, filename, message):
    response = upload(client, content, filename)
    assert response.status_code == 200
    assert message in response.text
    assert people_count() == 1


def test_a_file_with_more_people_than_allowed_is_refused_whole(client, admin, organisations):
    lines = [f"p{n}@example.org,Person {n},,reviewer" for n in range(bulk_invitations.MAX_PEOPLE + 1)]
    content = ("email,name,organisation,role\n" + "\n".join(lines)).encode()
    page = upload(client, content).text
    assert f"The file lists more than {bulk_invitations.MAX_PEOPLE} people" in page
    assert people_count() == 1


def test_header_problems_are_reported_before_the_lines(client, admin):
    page = upload(client, b"e-mail,name,role\nkim@example.org,Kim,lead\n").text
    assert '"e-mail" is not a column we recognise: use email, name, organisation, role' in page
    assert 'The header row must have an "email" column' in page
    assert 'The header row must have an "organisation" column' in page
