"""Signing in and out, rate limits, idle sessions and the guards around them."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.base import utcnow
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form

MESSAGE = "Enter a correct email address and password"


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_person_signs_in_and_lands_on_the_home_page(client):
    person = factories.administrator(email="ada@example.org")
    response = submit_form(client, "/sign-in", {"email": "ADA@example.org ", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome, Ada Administrator" in client.get("/").get_data(as_text=True)
    db.session.refresh(person)
    assert person.last_sign_in_at is not None
    assert actions() == ["sign_in"]


def test_a_wrong_password_is_refused_with_one_message_and_recorded(client):
    factories.administrator(email="ada@example.org")
    response = submit_form(client, "/sign-in", {"email": "ada@example.org", "password": "not-my-password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert page.count(MESSAGE) == 3  # once in the summary, once beside each field
    assert 'value="ada@example.org"' in page
    assert client.get("/admin/users").status_code == 302
    assert actions() == ["sign_in.failed"]


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = submit_form(client, "/sign-in", {"email": "nobody@example.org", "password": "whatever-it-is"})
    assert MESSAGE in response.get_data(as_text=True)
    assert actions() == ["sign_in.failed"]


def test_empty_and_malformed_fields_get_govuk_messages(client):
    page = submit_form(client, "/sign-in", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    page = submit_form(client, "/sign-in", {"email": "not-an-email", "password": "x"}).get_data(as_text=True)
    assert "Enter an email address in the correct format, like name@example.com" in page


def test_over_long_input_is_refused_without_an_error_page(client):
    response = submit_form(
        client, "/sign-in", {"email": "a" * 10_000 + "@example.org", "password": "p" * 10_000}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email address must be 254 characters or fewer" in page
    assert "Password must be 128 characters or fewer" in page


def test_a_post_without_a_csrf_token_changes_nothing(client):
    factories.administrator(email="ada@example.org")
    response = client.post("/sign-in", data={"email": "ada@example.org", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302
    assert actions() == []


def test_a_stale_csrf_token_is_refused(client):
    factories.administrator(email="ada@example.org")
    token = csrf_token(client, "/sign-in")
    other = client.application.test_client()
    response = other.post(
        "/sign-in", data={"csrf_token": token, "email": "ada@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_for_a_while_but_not_others(client, app):
    factories.administrator(email="ada@example.org")
    factories.reviewer(email="rhys@example.org")
    for _ in range(5):
        submit_form(client, "/sign-in", {"email": "ada@example.org", "password": "wrong-password"})
    response = submit_form(client, "/sign-in", {"email": "ada@example.org", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302
    # Another account from the same address still signs in.
    sign_in(client, "rhys@example.org", factories.PASSWORD)


def test_successful_sign_ins_do_not_count_towards_the_limit(client):
    factories.administrator(email="ada@example.org")
    for _ in range(7):
        sign_in(client, "ada@example.org", factories.PASSWORD)
        submit_form(client, "/sign-out", {}, form_url="/")


def test_one_address_trying_many_accounts_is_limited(client, app):
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    for n in range(3):
        submit_form(client, "/sign-in", {"email": f"guess{n}@example.org", "password": "wrong-password"})
    response = submit_form(client, "/sign-in", {"email": "guess9@example.org", "password": "wrong-password"})
    assert response.status_code == 429


def test_sign_in_only_follows_next_to_pages_on_this_site(client):
    factories.administrator(email="ada@example.org")
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"csrf_token": token, "email": "ada@example.org", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/admin/emails",
        data={"csrf_token": token, "email": "ada@example.org", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/admin/emails"


def test_signing_out_ends_the_session(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    response = submit_form(client, "/sign-out", {}, form_url="/")
    assert response.headers["Location"] == "/signed-out"
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/admin/users")
    assert actions() == ["sign_in", "sign_out"]


def test_an_idle_session_ends_and_returns_the_person_to_their_page(client, app):
    factories.administrator(email="ada@example.org")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        sign_in(client, "ada@example.org", factories.PASSWORD)
        assert client.get("/admin/users").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/admin/users").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/admin/users")
        assert response.status_code == 302
        assert response.headers["Location"] == "/sign-in?next=/admin/users"
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "You were signed out because you did not do anything for a while" in page
    assert actions()[-1] == "sign_out"


def test_a_deactivated_person_is_signed_out_at_once(client):
    person = factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    person.active = False
    db.session.commit()
    assert client.get("/admin/users").status_code == 302
    response = submit_form(client, "/sign-in", {"email": "ada@example.org", "password": factories.PASSWORD})
    assert MESSAGE in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "<script>" not in response.get_data(as_text=True)  # no inline scripts at all
