"""Fresh databases and gunicorn servers for the benchmark: started, awaited, stopped, and their logs read."""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
POSTGRESQL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# What in a server's log shows that something went wrong while it served.
LOG_PROBLEMS = {
    "tracebacks": re.compile(r"^Traceback", re.M),
    "database is locked": re.compile(r"database is locked", re.I),
    "worker timeouts": re.compile(r"WORKER TIMEOUT"),
    "errors logged": re.compile(r"\[ERROR\]| ERROR "),
}


@dataclass(frozen=True)
class Workers:
    processes: int = 4
    threads: int = 4

    def describe(self) -> str:
        return f"gunicorn -w {self.processes} -k gthread --threads {self.threads}"


@contextmanager
def fresh_database(kind: str, workdir: Path, server_url: str = POSTGRESQL_SERVER) -> Iterator[str]:
    """A new, empty database of this kind; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        path = workdir / "bench.sqlite"
        yield f"sqlite:///{path}"
        return
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    log: Path
    process: subprocess.Popen = field(repr=False)

    def problems(self) -> dict[str, int]:
        content = self.log.read_text(encoding="utf-8", errors="replace")
        return {label: len(pattern.findall(content)) for label, pattern in LOG_PROBLEMS.items()}

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and its workers (Linux /proc; NaN elsewhere)."""
        return process_tree_cpu(self.process.pid)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its children, living ones only, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    try:
        while pending:
            current = pending.pop()
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pending += [int(child) for child in children]
    except (OSError, ValueError, IndexError):
        return math.nan
    return total


def _answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(
    name: str,
    target: str,
    *,
    database_url: str,
    ready_path: str,
    workers: Workers,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Serve `target` with gunicorn on a free loopback port until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "FLASK_APP": "wsgi",
        **(extra_env or {}),
    }
    command = [
        str(GUNICORN),
        "-w", str(workers.processes),
        "-k", "gthread",
        "--threads", str(workers.threads),
        "-b", f"127.0.0.1:{port}",
        target,
    ]  # fmt: skip
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603  (our own command line, no shell)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(name=name, port=port, log=log, process=process)
    try:
        _wait_until_ready(server, ready_path)
        yield server
    finally:
        _stop(process)


def _wait_until_ready(server: Server, path: str, timeout: float = 60) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name}: gunicorn exited at start\n{server.log_tail()}")
        if _answers(server.port, path):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name}: no answer on {path} after {timeout} s\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the gunicorn master we started (a graceful stop), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
