"""Prepares our service's database for the load test, and counts the queries of each page in the cycle.

`prepare()` upgrades an empty database to the head migration, loads the organisations of England and Wales,
opens a round on the default questionnaire and gives every virtual user a lead account of its own in an
organisation of its own (a police force, with a fire and rescue service as partner) and a draft project in
which every page the cycle does not touch is already answered. The pages are filled in through the real
forms (Flask's test client), the way a lead's browser would.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app import create_app
from app.extensions import db
from app.models import Organisation, Role, Sector
from app.models.base import utcnow
from app.services.organisations.files import load_seed_organisations
from app.services.people import accounts
from app.services.rounds import deadlines as rounds
from app.services.submissions import lifecycle as submissions
from bench.answers import ALL_PAGES, CYCLE_PAGES, page_answers

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
PASSWORD = "bench-password-2026"  # noqa: S105  (throwaway accounts in a throwaway database)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
OPENED_AS = re.compile(r'name="opened_as"[^>]*value="([^"]*)"')


@dataclass(frozen=True)
class Lead:
    email: str
    password: str
    organisation_id: int
    partner_id: int
    submission_id: int


@dataclass(frozen=True)
class PageCost:
    page_id: str
    get_queries: int
    post_queries: int
    get_bytes: int
    post_status: int


def sqlalchemy_url(url: str) -> str:
    """The URL as SQLAlchemy wants it: PostgreSQL through psycopg 3 (config.py does the same)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_app(database_url: str) -> Flask:
    return create_app(
        "development", SQLALCHEMY_DATABASE_URI=sqlalchemy_url(database_url), LOG_LEVEL="WARNING"
    )


def prepare(database_url: str, users: int) -> tuple[list[Lead], Lead]:
    """Schema, organisations, a round, and a lead with a draft for each virtual user.

    Returns the virtual users' leads and one spare lead (with its own organisation and draft) for counting
    queries, so that the count does not disturb the load test's submissions.
    """
    app = make_app(database_url)
    with app.app_context():
        from flask_migrate import upgrade

        logging.disable(logging.INFO)  # Alembic announces each migration
        try:
            with warnings.catch_warnings():
                # Batch migrations on SQLite reflect tables with lower(...) indexes; harmless, and noisy.
                warnings.filterwarnings(
                    "ignore", message="Skipped unsupported reflection of expression-based"
                )
                upgrade(directory=str(MIGRATIONS))
        finally:
            logging.disable(logging.NOTSET)
        load_seed_organisations()
        now = utcnow()
        round_ = rounds.create_round(
            title="Collaboration return (benchmark)",
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=30),
            version=rounds.default_version(),
        )
        people = _people(users + 1)
        drafts = []
        for email, organisation, partner in people:
            lead = accounts.create_user(
                email=email, name="Bench Lead", role=Role.LEAD, organisation=organisation, password=PASSWORD
            )
            db.session.flush()
            submission = submissions.start(round_, by=lead)
            db.session.flush()
            drafts.append(Lead(email, PASSWORD, organisation.id, partner.id, submission.id))
        db.session.commit()
        db.session.remove()
    for lead in drafts:
        _fill_untouched_pages(app, lead)
    with app.app_context():
        db.engine.dispose()
    return drafts[:-1], drafts[-1]


def _people(count: int) -> list[tuple[str, Organisation, Organisation]]:
    """One organisation per lead: police forces first, each partnered with a fire and rescue service."""
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    police = [o for o in organisations if o.sector == Sector.POLICE]
    fire = [o for o in organisations if o.sector == Sector.FIRE_AND_RESCUE]
    others = [o for o in organisations if o.sector not in (Sector.POLICE, Sector.FIRE_AND_RESCUE)]
    owners = police + others
    if count > len(owners):
        raise SystemExit(f"At most {len(owners) - 1} virtual users: there are not enough organisations")
    return [
        (f"lead{number}@bench.example.org", owner, fire[number % len(fire)])
        for number, owner in enumerate(owners[:count])
    ]


def sign_in(client: FlaskClient, lead: Lead) -> None:
    token = _token(client, "/sign-in")
    response = client.post(
        "/sign-in", data={"email": lead.email, "password": lead.password, "csrf_token": token}
    )
    if response.status_code != 302:
        raise RuntimeError(f"Signing in {lead.email} failed with {response.status_code}")


def _token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    match = CSRF.search(page.get_data(as_text=True))
    if not match:
        raise RuntimeError(f"No CSRF token on {url} (status {page.status_code})")
    return match.group(1)


def _fill_untouched_pages(app: Flask, lead: Lead) -> None:
    """Answer, through the real forms, every page the cycle does not post."""
    client = app.test_client()
    sign_in(client, lead)
    base = f"/projects/{lead.submission_id}"
    token = _token(client, f"{base}/{CYCLE_PAGES[0]}")
    for page_id in ALL_PAGES:
        if page_id in CYCLE_PAGES:
            continue
        data = page_answers(page_id, lead_id=lead.organisation_id, partner_id=lead.partner_id)
        response = client.post(f"{base}/{page_id}", data={**data, "csrf_token": token})
        # A page hidden by an answer not given yet (the evaluation findings) sends the lead to the task list.
        if response.status_code != 302:
            raise RuntimeError(f"Filling in {page_id} answered {response.status_code}")


def count_queries(database_url: str, lead: Lead, pages: tuple[str, ...] = CYCLE_PAGES) -> list[PageCost]:
    """The SQL statements one GET and one POST of each page take, and the size of the page, on this
    database: what the hot path costs before any concurrency."""
    app = make_app(database_url)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    client = app.test_client()
    sign_in(client, lead)
    costs = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for n, page_id in enumerate(pages, start=1):
            url = f"/projects/{lead.submission_id}/{page_id}"
            client.get(url)  # a first visit is not what the cycle measures: it may fill caches
            statements.clear()
            page = client.get(url)
            reads = len(statements)
            html = page.get_data(as_text=True)
            token, opened_as = CSRF.search(html), OPENED_AS.search(html)
            if page.status_code != 200 or not token or not opened_as:
                raise RuntimeError(f"GET {url} answered {page.status_code} without a form")
            data = page_answers(page_id, lead_id=lead.organisation_id, partner_id=lead.partner_id, n=n)
            statements.clear()
            response = client.post(
                url, data={**data, "csrf_token": token.group(1), "opened_as": opened_as.group(1)}
            )
            writes = len(statements)
            costs.append(PageCost(page_id, reads, writes, len(page.get_data()), response.status_code))
    finally:
        event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
    return costs
