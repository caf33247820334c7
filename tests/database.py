"""How each test gets its database: the `app` fixture in tests/conftest.py asks `Isolation.for_test`.

By default a test runs inside a transaction that is rolled back after it. The session is bound to one
connection with an outer transaction, and its commits only release savepoints (SQLAlchemy's "joining a session
into an external transaction", join_transaction_mode="create_savepoint"): the code under test commits as it
does in production, nothing is deleted afterwards, and nothing leaks from one test to the next.

A test whose rows must be seen by other connections (a live server, threads, a second engine, Alembic) is
marked `@pytest.mark.commits`; browser tests (e2e) and `postgres_only` tests are without asking. Such a test
commits for real and the tables are emptied after it. A test that is not marked but reaches the database from
a second connection or another thread fails at once, saying so.

Rows that many tests of a module only read can be made once per module: `@shared_rows` turns a function that
makes and commits them into a module-scoped fixture. Tests that ask for it start from those rows, inside the
transaction that holds them (rolled back as soon as a test wants other rows, or none); a test that commits for
real gets them made afresh, for itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, RootTransaction

from app.extensions import db

COMMITS_MARKERS = ("commits", "e2e", "postgres_only")

SECOND_CONNECTION = (
    "This test runs inside a transaction that is rolled back after it, on one connection, yet the database "
    "was reached {how}. Mark the test @pytest.mark.commits (see tests/database.py) so that it commits for "
    "real and the tables are emptied after it."
)


class IsolationError(AssertionError):
    pass


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the app's engine whatever it is bound to; bound to a test's
    connection, it uses that connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and isinstance(self.bind, Connection):
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


SHARED: set[str] = set()  # the names of @shared_rows fixtures


def needs_commits(request: pytest.FixtureRequest) -> bool:
    return commits(request.node, request.fixturenames)


def commits(item: pytest.Item, fixturenames) -> bool:
    return "live_server" in fixturenames or any(item.get_closest_marker(m) for m in COMMITS_MARKERS)


def run_together(items: list[pytest.Item]) -> None:
    """Within each module, tests that share rows first (by the rows they share), then the other tests in a
    rolled-back transaction, then those that commit: each module's shared rows are then made once, not again
    after every test that commits. The order of modules, and of tests within each group, is kept."""
    modules: dict[object, int] = {}
    for item in items:
        modules.setdefault(item.module if isinstance(item, pytest.Function) else item.parent, len(modules))

    def key(item: pytest.Item) -> tuple:
        names = getattr(item, "fixturenames", ())
        shared = tuple(sorted(SHARED.intersection(names)))
        module = item.module if isinstance(item, pytest.Function) else item.parent
        return (modules[module], commits(item, names), not shared, shared)

    items.sort(key=key)


def empty_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@dataclass
class _Held:
    connection: Connection
    transaction: RootTransaction
    isolation_level: str | None = None  # SQLite's driver setting, put back on release


@dataclass
class _Shared:
    builds: tuple[Callable[[], object], ...]
    held: _Held


class Isolation:
    """One per test process: the connection a test is bound to, and the module's shared rows if any."""

    def __init__(self) -> None:
        self.declared: dict[str, Callable[[], object]] = {}  # shared rows of the running module, by name
        self._shared: _Shared | None = None
        self._owner: int | None = None  # the thread of the test holding a connection, while one does
        self._refused: str | None = None  # what a guard refused during the test, should the code swallow it
        self._defaults = dict(db.session.session_factory.kw)
        db.session.session_factory.class_ = BoundSession
        _quiet_savepoints(db.engine.dialect, self._check_thread, _transaction_settings_reset())
        event.listen(db.engine, "engine_connect", self._refuse_second_connection)

    # The test's connection ---------------------------------------------------------------------------------

    @contextmanager
    def for_test(self, request: pytest.FixtureRequest) -> Iterator[None]:
        wanted = tuple(self.declared[name] for name in request.fixturenames if name in self.declared)
        if needs_commits(request):
            self.release()
            try:
                for build in wanted:
                    build()
                    db.session.commit()
                yield
            finally:
                db.session.remove()
                empty_tables()
            return
        if self._shared and self._shared.builds != wanted:
            self.release()
        if wanted and not self._shared:
            self._shared = _Shared(wanted, self._hold())
            self._bind(self._shared.held.connection)
            try:
                for build in wanted:
                    build()
                    db.session.commit()
            except BaseException:
                self.release()
                raise
            finally:
                db.session.remove()
        held = self._shared.held if self._shared else self._hold()
        savepoint = held.connection.begin_nested() if self._shared else None
        self._bind(held.connection)
        self._refused = None
        try:
            yield
        finally:
            db.session.remove()
            self._unbind()
            if savepoint is None:
                self._let_go(held)
            elif savepoint.is_active:
                savepoint.rollback()
            else:  # the test ended the outer transaction itself: the shared rows are gone
                self.release()
        if self._refused:  # raised inside code that caught it (a worker job that marks its batch failed)
            raise IsolationError(self._refused)

    def release(self) -> None:
        """Roll back the shared rows, if any."""
        if self._shared:
            held, self._shared = self._shared.held, None
            self._let_go(held)

    def _hold(self) -> _Held:
        connection = db.engine.connect()
        held = _Held(connection, connection.begin())
        if connection.dialect.name == "sqlite":
            # The driver would begin a transaction only before a write, so a savepoint released before any
            # write would commit: turn its own handling off and begin the outer transaction by hand.
            raw = connection.connection.dbapi_connection
            held.isolation_level, raw.isolation_level = raw.isolation_level, None
            _execute(connection, "BEGIN")
        event.listen(connection, "before_cursor_execute", self._check_thread_of_statement)
        self._owner = threading.get_ident()
        return held

    def _let_go(self, held: _Held) -> None:
        self._owner = None
        try:
            if held.transaction.is_active:
                held.transaction.rollback()
            if held.connection.dialect.name == "sqlite":
                held.connection.connection.dbapi_connection.isolation_level = held.isolation_level
        finally:
            held.connection.close()

    def _bind(self, connection: Connection) -> None:
        db.session.remove()
        db.session.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")

    def _unbind(self) -> None:
        db.session.session_factory.kw.clear()
        db.session.session_factory.kw.update(self._defaults)

    # Guards ------------------------------------------------------------------------------------------------

    def _refuse_second_connection(self, connection: Connection) -> None:
        if self._owner is not None:
            how = "from a second connection (db.engine.connect(), a thread's session, a live server)"
            self._refuse(SECOND_CONNECTION.format(how=how))

    def _check_thread_of_statement(self, *args) -> None:
        self._check_thread()

    def _check_thread(self) -> None:
        if self._owner is not None and threading.get_ident() != self._owner:
            how = "from another thread, on the test's connection"
            self._refuse(SECOND_CONNECTION.format(how=how))

    def _refuse(self, message: str) -> None:
        self._refused = message
        raise IsolationError(message)


def _execute(connection: Connection, sql: str) -> None:
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _transaction_settings_reset() -> str | None:
    """PostgreSQL keeps a setting made for the transaction (set_config(..., true), as the Find index's trigger
    does to bump its version once per transaction) when a savepoint is released, where a commit would end it.
    The statement that puts back the settings the database's functions make so, to run after each release."""
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        sources = connection.scalars(
            text(
                "SELECT prosrc FROM pg_proc JOIN pg_namespace ON pg_namespace.oid = pronamespace "
                "WHERE nspname = current_schema() AND prosrc ILIKE '%set_config%'"
            )
        ).all()
    names = sorted({name for source in sources for name in LOCAL_SETTING.findall(source)})
    return "SELECT " + ", ".join(f"set_config('{name}', '', true)" for name in names) if names else None


LOCAL_SETTING = re.compile(r"set_config\(\s*'([\w.]+)'\s*,[^;]*?,\s*true\s*\)", re.IGNORECASE)


def _quiet_savepoints(dialect, check_thread: Callable[[], None], after_release: str | None) -> None:
    """Savepoints go to the driver directly, not through SQLAlchemy's events: tests that count the statements
    a page sends count the application's, not the savepoints that isolate the test."""

    def run(*statements: str | None) -> Callable[[Connection, str], None]:
        def do(connection: Connection, name: str) -> None:
            check_thread()
            for sql in filter(None, statements):
                _execute(connection, sql.format(name=name))

        return do

    dialect.do_savepoint = run("SAVEPOINT {name}")
    dialect.do_release_savepoint = run("RELEASE SAVEPOINT {name}", after_release)
    dialect.do_rollback_to_savepoint = run("ROLLBACK TO SAVEPOINT {name}")


def shared_rows(build: Callable[[], object]):
    """Make `build`'s rows once per module for the tests that ask for this fixture (named after `build`),
    each test starting from them and its own changes rolled back. `build` makes and commits the rows; the
    fixture's value is None: a function-scoped fixture beside it reads the rows back for the test."""
    name = build.__name__
    SHARED.add(name)

    @pytest.fixture(scope="module", name=name)
    def declared(_isolation: Isolation) -> Iterator[None]:
        _isolation.declared[name] = build
        yield
        # The rows stay until a test wants others (the next module may share them too).
        _isolation.declared.pop(name, None)

    declared.__doc__ = build.__doc__
    return declared
