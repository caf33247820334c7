"""The most common passwords are refused, with a clear message, everywhere a password is chosen."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Role, TokenPurpose, User
from app.services.people import accounts, tokens
from tests import factories
from tests.conftest import sign_in, submit_form

COMMON = "password123456"
MESSAGE = "Password is one of the most common passwords"


def _password_hash(email: str) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(User.password_hash).where(User.email == email))


def test_accepting_an_invitation_refuses_a_common_password(client):
    admin = factories.administrator()
    person = accounts.invite(
        by=admin, email="new@example.org", name="New Person", role=Role.REVIEWER, organisation=None
    )
    raw = tokens.issue(person, TokenPurpose.INVITATION, timedelta(days=7))
    db.session.commit()
    response = submit_form(client, f"/invitation/{raw}", {"password": COMMON, "confirm": COMMON})
    assert response.status_code == 200
    assert MESSAGE in response.text
    assert "govuk-error-summary" in response.text
    assert _password_hash("new@example.org") is None
    response = submit_form(
        client, f"/invitation/{raw}", {"password": "three random words", "confirm": "three random words"}
    )
    assert response.status_code == 302


def test_a_reset_link_refuses_a_common_password(client):
    person = factories.reviewer(email="rhys@example.org")
    before = person.password_hash
    raw = tokens.issue(person, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    db.session.commit()
    response = submit_form(
        client, f"/reset-password/{raw}", {"password": "Liverpool1892", "confirm": "Liverpool1892"}
    )
    assert MESSAGE in response.text
    assert _password_hash("rhys@example.org") == before


def test_changing_a_password_refuses_a_common_one(client):
    person = factories.reviewer(email="rhys@example.org")
    sign_in(client, person.email, factories.PASSWORD)
    response = submit_form(
        client,
        "/account/password",
        {"current": factories.PASSWORD, "password": "iloveyou123", "confirm": "iloveyou123"},
    )
    assert MESSAGE in response.text
    assert client.get("/review").status_code == 200  # still signed in, password unchanged
    sign_in(app_client := client.application.test_client(), person.email, factories.PASSWORD)
    assert app_client.get("/review").status_code == 200


def test_the_command_line_refuses_a_common_password(runner):
    args = [
        "users",
        "create-admin",
        "--email",
        "boss@example.org",
        "--name",
        "Bo",
        "--password",
        "qwertyuiop1",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert MESSAGE in result.output
    assert _password_hash("boss@example.org") is None
