"""Fresh, empty databases of the kind the suite runs on, for tests that must not share the suite's own
(a restore replaces a whole database; a broken schema breaks every test after it)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.conftest import _postgres_database

MIGRATIONS = str(Path(__file__).resolve().parents[1] / "migrations")


@contextmanager
def fresh_databases(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Yields a function that makes a new empty database and returns its URL; drops them all afterwards."""
    server = os.environ.get("TEST_DATABASE_URL")
    with ExitStack() as stack:

        def fresh(name: str) -> str:
            if server:
                return stack.enter_context(contextmanager(_postgres_database)(server))
            return f"sqlite:///{tmp_path / name}.sqlite"

        yield fresh


@contextmanager
def app_on(url: str, *, migrate: bool = False) -> Iterator[Flask]:
    """An application on the database at `url`, in an app context; migrated to head when asked."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if migrate:
            upgrade(directory=MIGRATIONS)
            db.session.remove()
        yield app
        db.session.remove()
        db.engine.dispose()
