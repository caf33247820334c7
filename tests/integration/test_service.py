"""The service as an operator sees it: configuration and error pages (health checks: test_health.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import OutboundEmail
from app.services.email import outbox
from tests import factories
from tests.conftest import sign_in, submit_form


def test_production_refuses_to_start_without_a_secret_key_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY and DATABASE_URL"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/postgres")
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("RATELIMIT_SINGLE_PROCESS", "1")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/postgres")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    response = app.test_client().get("/sign-in", base_url="https://collaboration.example")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_an_unknown_page_is_a_govuk_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found" in response.text
    assert "If you typed the web address, check it is correct." in response.text


def test_an_unexpected_fault_is_a_govuk_500_without_details(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)

    @app.route("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert "secret internals" not in response.get_data(as_text=True)


def test_a_request_too_large_is_refused_clearly(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/sign-in", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.text


def test_standing_pages_are_public(client):
    for url, heading in [
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
        ("/", "Emergency services collaboration returns"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<h1 class="govuk-heading-' in response.text
        assert heading in response.text
        assert 'href="/accessibility">Accessibility statement</a>' in response.text


def test_the_privacy_notice_and_accessibility_statement_say_how_to_contact_us(client):
    # Not "through your organisation's collaboration lead": the person reading may be that lead.
    for url in ("/privacy", "/accessibility"):
        page = client.get(url).text
        assert 'href="/help/feedback"' in page, url
        assert "collaboration lead" not in page, url


def test_the_emails_page_shows_every_email_and_its_body(client):
    factories.administrator(email="ada@example.org")
    factories.reviewer(email="rhys@example.org")
    submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    outbox.send_due()
    sign_in(client, "ada@example.org", factories.PASSWORD)
    page = client.get("/admin/emails").text
    assert "No mail server is configured" in page
    assert "rhys@example.org" in page
    assert "Not delivered" in page
    [email_id] = db.session.scalars(select(OutboundEmail.id)).all()
    detail = client.get(f"/admin/emails/{email_id}").text
    assert "Someone asked to reset the password" in detail
    html = client.get(f"/admin/emails/{email_id}/html")
    assert "Choose a new password" in html.text
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "rhys@example.org" not in client.get("/admin/emails?status=failed").text
    assert client.get("/admin/emails?status=nonsense&page=-4").status_code == 200
    assert client.get("/admin/emails/999999").status_code == 404


def test_the_emails_page_is_paginated(client):
    admin = factories.administrator(email="ada@example.org")
    for n in range(60):
        outbox.enqueue(
            admin.email,
            f"Message {n:02d}",
            "password_changed",
            idempotency_key=f"m{n}",
            user=admin,
            reset_link="x",
        )
    db.session.commit()
    sign_in(client, "ada@example.org", factories.PASSWORD)
    first = client.get("/admin/emails").text
    assert "Message 59" in first
    assert "Message 09" not in first
    second = client.get("/admin/emails?page=2").text
    assert "Message 09" in second
    assert "Message 59" not in second
