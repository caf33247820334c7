"""No browser or proxy keeps a copy of a page or download that depends on who is signed in."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.email import outbox
from tests import factories
from tests.conftest import sign_in


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users",
        "/admin/emails/{email}",
        "/admin/audit",
        "/account",
        "/find",
        "/find/download.csv",
        "/find/download.json",
        "/find/download.xlsx",
        "/api/v1/records",
        "/review",
        "/no-such-page",
    ],
)
def test_signed_in_pages_and_downloads_are_never_stored(client, url):
    admin = factories.administrator()
    email = outbox.enqueue(
        admin.email, "Hello", "password_changed", idempotency_key="k", user=admin, reset_link="x"
    )
    db.session.commit()
    sign_in(client, admin.email, factories.PASSWORD)
    response = client.get(url.format(email=email.id))
    assert response.status_code in (200, 404), url
    assert response.headers.get("Cache-Control") == "no-store", url


def test_public_pages_are_not_stored_either_but_static_files_are_cached(app, client):
    app.config["PUBLIC_DATABASE"] = True
    assert client.get("/find").headers.get("Cache-Control") == "no-store"
    assert client.get("/sign-in").headers.get("Cache-Control") == "no-store"
    static = client.get("/static/govuk/assets/images/favicon.svg")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
