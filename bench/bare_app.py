"""The yardstick: the least a Flask app can do for the same cycle, served by the same gunicorn.

GET /page renders a page of about the size of ours with render_template_string (a form with a hidden token
and fingerprint, like ours), POST /save makes one INSERT and commits, then redirects (302) to GET /next. Plain
SQLAlchemy Core, no other extension: no sessions, sign-in, CSRF check, forms library or ORM.

    DATABASE_URL=sqlite:////tmp/bare.sqlite gunicorn 'bench.bare_app:create_app()'

BARE_PAGE_BYTES sets the page's size (the benchmark passes the mean size of the pages in our cycle).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3

from flask import Flask, redirect, render_template_string, request
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, create_engine, event, func
from sqlalchemy.engine import Engine

metadata = MetaData()
saves = Table(
    "bench_bare_saves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("page", String(100), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("saved_at", DateTime, server_default=func.now()),
)

PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>{{ title }} - Bare Flask</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/static/main.css">
</head>
<body class="govuk-template__body">
  <header class="govuk-header"><div class="govuk-header__container govuk-width-container">
    <a href="/" class="govuk-header__link govuk-header__service-name">{{ title }}</a>
  </div></header>
  <div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
    <form method="post" action="/save" novalidate>
      <input type="hidden" name="csrf_token" value="{{ token }}">
      <input type="hidden" name="opened_as" value="{{ token[:32] }}">
      <h1 class="govuk-heading-l"><label class="govuk-label" for="project_name">Project name</label></h1>
      <input class="govuk-input" id="project_name" name="project_name" type="text" value="{{ title }}">
      <div class="govuk-checkboxes" data-module="govuk-checkboxes">
      {% for n in range(options) %}
        <div class="govuk-checkboxes__item">
          <input class="govuk-checkboxes__input" id="option-{{ n }}" name="option" type="checkbox"
                 value="{{ n }}">
          <label class="govuk-label govuk-checkboxes__label" for="option-{{ n }}">Option {{ n }}</label>
        </div>
      {% endfor %}
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">Save and continue</button>
    </form>
  </main></div>
  <footer class="govuk-footer"><div class="govuk-width-container">Bare Flask yardstick</div></footer>
</body>
</html>
"""
# Each checkbox item above renders to about this many bytes; the rest of the page to about 1,275.
OPTION_BYTES = 270


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "sqlite:///bench-bare.sqlite")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        # The same settings as the service's: WAL and a busy timeout, so that writers wait rather than fail.
        @event.listens_for(engine, "connect")
        def _pragmas(connection, record) -> None:
            if isinstance(connection, sqlite3.Connection):
                cursor = connection.cursor()
                cursor.execute("PRAGMA busy_timeout=10000")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.close()

    return engine


def create_schema(url: str) -> None:
    """Called once by the benchmark before gunicorn starts, so that workers do not race to create it."""
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(database_url())
    options = max(1, (int(os.environ.get("BARE_PAGE_BYTES", "12000")) - 1275) // OPTION_BYTES)

    def page(title: str) -> str:
        return render_template_string(PAGE, title=title, token=secrets.token_hex(32), options=options)

    @app.get("/page")
    def show_page():
        return page("Project name")

    @app.post("/save")
    def save():
        answers = {key: values for key, values in request.form.lists() if key != "csrf_token"}
        with engine.begin() as connection:  # one INSERT, committed
            connection.execute(saves.insert().values(page="page", answers=answers))
        return redirect("/next", code=302)

    @app.get("/next")
    def show_next():
        return page("Next page")

    @app.get("/count")
    def count():
        with engine.connect() as connection:
            total = connection.scalar(saves.select().with_only_columns(func.count()))
        return json.dumps({"saves": total})

    return app
