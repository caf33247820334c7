"""Fixtures shared by every tier.

The database is real: a SQLite file by default, or a fresh PostgreSQL database when TEST_DATABASE_URL names
a server (`TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres make test`); with pytest-xdist each
worker has its own. The schema is built by the migrations, so every run also checks them. Each test runs in a
transaction rolled back after it, or, marked `commits`, commits for real and has the tables emptied after it:
see tests/database.py.
"""

from __future__ import annotations

import html
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db, limiter
from tests.database import Isolation, empty_tables, run_together
from tests.smtp import SmtpServer


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_together(items)


def _postgres_database(server_url: str) -> Iterator[str]:
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"test_{worker}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        yield from _postgres_database(server)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class FreshGlobalsClient(FlaskClient):
    """Tests hold an app context for their factories, and Flask reuses it for each test request; so that
    nothing cached in `g` (the signed-in user, the CSRF token) leaks from one request to the next, as it
    cannot in production where every request has its own context, `g` is emptied before each request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        response = super().open(*args, **kwargs)
        # The page as a person reads it: entities such as &#39; turned back into characters.
        if response.mimetype.startswith(("text/", "application/json")):
            response.text = html.unescape(response.get_data(as_text=True))
        return response


@pytest.fixture(scope="session")
def _app(database_url: str) -> Iterator[Flask]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, SERVER_NAME=None)
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        empty_tables()  # every test starts from empty tables, the first one too
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _isolation(_app: Flask) -> Iterator[Isolation]:
    with _app.app_context():
        isolation = Isolation()
    yield isolation
    isolation.release()


@pytest.fixture
def app(_app: Flask, _isolation: Isolation, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The application, in an app context, with empty tables (but for shared rows the test asks for), in a
    transaction rolled back after the test unless it is marked `commits`, and with fresh rate limits."""
    saved = dict(_app.config)
    with _app.app_context():
        limiter.reset()
        with _isolation.for_test(request):
            yield _app
    _app.config.clear()
    _app.config.update(saved)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server on a loopback port; the app is configured to deliver to it."""
    server = SmtpServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    try:
        yield server
    finally:
        server.stop()


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"No form with a CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def submit_form(client: FlaskClient, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """Post a form the way a browser would: fetch the page for its CSRF token first."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str):
    response = submit_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, "Sign in failed"
    return response
