"""A copy of a session cookie stops working the moment its session ends: on signing out, a changed or reset
password, a two-factor reset, deactivation, and "Sign out of all other sessions"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, TokenPurpose
from app.services.people import tokens
from tests import factories
from tests.conftest import sign_in, submit_form


@pytest.fixture
def reviewer(app):
    return factories.reviewer(email="rhys@example.org")


def signed_in_copy(app, client) -> str:
    """The session cookie as someone who copied it would have it."""
    assert client.get("/review").status_code == 200
    return client.get_cookie("session").value


def replay(app, cookie: str) -> int:
    stranger = app.test_client()
    stranger.set_cookie("session", cookie)
    response = stranger.get("/review")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
    return response.status_code


def test_a_copied_cookie_stops_working_once_its_owner_signs_out(app, client, reviewer):
    sign_in(client, reviewer.email, factories.PASSWORD)
    copy = signed_in_copy(app, client)
    assert replay(app, copy) == 200

    submit_form(client, "/sign-out", {}, form_url="/account")

    assert replay(app, copy) == 302


def test_sign_out_of_all_other_sessions_ends_them_and_keeps_this_one(app, client, reviewer):
    elsewhere = app.test_client()
    sign_in(elsewhere, reviewer.email, factories.PASSWORD)
    copy = signed_in_copy(app, elsewhere)
    sign_in(client, reviewer.email, factories.PASSWORD)
    assert "Sign out of all other sessions" in client.get("/account").text

    response = submit_form(client, "/account/sign-out-other-sessions", {}, form_url="/account")

    assert response.status_code == 302
    assert "You have been signed out of every other session" in client.get("/account").text
    assert client.get("/review").status_code == 200
    assert elsewhere.get("/review").status_code == 302
    assert replay(app, copy) == 302
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action="sign_out.other_sessions")) == 1
    )


def test_a_changed_password_ends_other_copies(app, client, reviewer):
    sign_in(client, reviewer.email, factories.PASSWORD)
    copy = signed_in_copy(app, client)
    response = submit_form(
        client,
        "/account/password",
        {
            "current": factories.PASSWORD,
            "password": "a-new-long-pass-phrase",
            "confirm": "a-new-long-pass-phrase",
        },
    )
    assert response.status_code == 302, response.text[:500]
    assert client.get("/review").status_code == 200
    assert replay(app, copy) == 302


def test_a_reset_password_ends_every_copy(app, client, reviewer):
    sign_in(client, reviewer.email, factories.PASSWORD)
    copy = signed_in_copy(app, client)
    raw = tokens.issue(reviewer, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    db.session.commit()
    stranger = app.test_client()
    url = f"/reset-password/{raw}"
    form = {"password": "a-new-long-pass-phrase", "confirm": "a-new-long-pass-phrase"}
    assert submit_form(stranger, url, form).status_code == 302
    assert replay(app, copy) == 302


@pytest.mark.parametrize("action", ["reset-two-factor", "deactivate"])
def test_an_administrators_reset_or_deactivation_ends_every_copy(app, client, reviewer, action):
    factories.with_two_factor(reviewer)
    admin = factories.administrator()
    person = app.test_client()
    person.set_cookie("session", "")
    # Signing in with two factors is tested elsewhere: here the session is made as the code page would.
    with person.session_transaction() as session:
        session["_user_id"] = reviewer.get_id()
        session["_fresh"] = True
    copy = signed_in_copy(app, person)
    sign_in(client, admin.email, factories.PASSWORD)
    url = f"/admin/users/{reviewer.id}/{action}"
    assert submit_form(client, url, {"confirm": "yes"}).status_code == 302
    assert replay(app, copy) == 302
