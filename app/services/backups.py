"""Backing up the whole database to a file, and restoring it from one.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction` (all or nothing), with the
password passed in the environment, never on a command line other users can read. SQLite: the online backup
API, which copies a consistent snapshot while the service runs, and copies a backup back page by page.
A backup file is written beside its final name and renamed when complete, so a failed backup never leaves a
file that looks whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for an operator."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    sha256: str
    revision: str | None  # the migration the backed-up database was at


def describe(url: str) -> str:
    """The database, as shown to an operator (no password)."""
    return make_url(url).render_as_string(hide_password=True)


def create(url: str, path: Path) -> BackupFile:
    """Write a backup of the database at `url` to `path`."""
    database = make_url(url)
    path = path.resolve()
    partial = path.with_name(path.name + ".partial")
    try:
        if database.get_backend_name() == "postgresql":
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], database
            )
        elif database.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_path(database), partial)
        else:
            raise BackupError(f"Backups of {database.get_backend_name()} databases are not supported.")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return inspect_file(url, path)


def inspect_file(url: str, path: Path) -> BackupFile:
    """Check that `path` is a backup this kind of database can restore, and say what it holds."""
    database = make_url(url)
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    if database.get_backend_name() == "postgresql":
        try:
            listing = _run(["pg_restore", "--list", str(path)], database, capture=True)
        except BackupError as error:
            raise BackupError(f"{path} is not a backup made by `flask backup create` ({error}).") from error
        if "TABLE DATA public alembic_version" not in listing:
            raise BackupError(f"{path} is a PostgreSQL backup, but not of this service's database.")
        revision = _revision_from_dump(database, path)
    else:
        revision = _sqlite_revision(path)
    return BackupFile(path=path, size=path.stat().st_size, sha256=_sha256(path), revision=revision)


def restore(url: str, path: Path) -> BackupFile:
    """Replace the contents of the database at `url` with the backup at `path`: all of it, or nothing.
    Stop the web service and the worker first; the caller releases its own connections."""
    backup = inspect_file(url, path)
    database = make_url(url)
    if database.get_backend_name() == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                _libpq_url(database),
                str(path),
            ],
            database,
            with_dbname=False,
        )
    else:
        target = _sqlite_path(database)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(path, target)
    return backup


def _sqlite_path(database: URL) -> Path:
    if not database.database or database.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database.database).resolve()


def _sqlite_copy(source: Path, destination: Path) -> None:
    """The online backup API: a consistent copy even while other processes write (they wait a moment)."""
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    reader = sqlite3.connect(source, timeout=30)
    try:
        problem = reader.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"{source} is damaged: {problem}")
        writer = sqlite3.connect(destination, timeout=30)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Could not copy {source} to {destination}: {error}") from error
    finally:
        reader.close()


def _sqlite_revision(path: Path) -> str | None:
    backup = sqlite3.connect(path)
    try:
        if backup.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is a damaged SQLite database.")
        row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{path} is not a backup made by `flask backup create` of a SQLite database ({error})."
        ) from error
    finally:
        backup.close()
    return row[0] if row else None


def _revision_from_dump(database: URL, path: Path) -> str | None:
    """The alembic_version row, read from the dump without restoring it."""
    text = _run(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)],
        database,
        capture=True,
    )
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY public.alembic_version") and index + 1 < len(lines):
            value = lines[index + 1].strip()
            return None if value == "\\." else value
    return None


def _libpq_url(database: URL) -> str:
    """The URL for pg_dump and pg_restore: libpq's scheme, and no password (that goes in PGPASSWORD)."""
    return database.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(arguments: list[str], database: URL, *, capture: bool = False, with_dbname: bool = True) -> str:
    program = arguments[0]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client of your server's major version "
            "or newer (Debian: apt-get install postgresql-client)."
        )
    if with_dbname and program == "pg_dump":
        arguments = [*arguments, f"--dbname={_libpq_url(database)}"]
    env = dict(os.environ)
    if database.password:
        env["PGPASSWORD"] = str(database.password)
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
