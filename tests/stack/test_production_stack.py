"""The service as deployed: nginx (the shipped site) in front of gunicorn with four workers, the worker,
Redis and PostgreSQL. Run by scripts/test-production-stack.sh (CI runs it after the suite); skipped
otherwise, and when nginx, Redis or PostgreSQL is missing.

Clients at different addresses: every address in 127.0.0.0/8 is this machine's, so connecting from
127.0.0.2 and from 127.0.0.3 gives nginx two clients, as two people on the internet would be."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from app.services import backups
from tests.conftest import _postgres_database
from tests.stack.stack import ROOT, Browser, Stack, wait_for

SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "a-long-admin-password-2026"
WRONG = "Enter a correct email address and password"
LIMIT = 8  # SIGN_IN_LIMIT_PER_ADDRESS in the stack's environment


def _missing() -> str | None:
    if not os.environ.get("RUN_PRODUCTION_STACK"):
        return "the production-like stack runs from scripts/test-production-stack.sh (RUN_PRODUCTION_STACK=1)"
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        return "nginx is not installed (apt-get install nginx-light)"
    for name, port in (("Redis", 6379), ("PostgreSQL", 5432)):
        try:
            socket.create_connection(("127.0.0.1", port), 2).close()
        except OSError:
            return f"{name} is not running on 127.0.0.1:{port}"
    return None


pytestmark = [pytest.mark.stack, pytest.mark.skipif(_missing() is not None, reason=_missing() or "")]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with contextmanager(_postgres_database)(SERVER) as url:
        running = Stack(database_url=url, tmp=tmp_path_factory.mktemp("stack"))
        try:
            running.start()
            running.flask(
                "users", "create-admin", "--email", "admin@example.org", "--name", "Ada Admin",
                "--password", PASSWORD,
            )  # fmt: skip
            yield running
        finally:
            running.stop()
            for name in running.processes:
                print(f"--- {name} log (last lines) ---\n" + "\n".join(running.log(name).splitlines()[-15:]))


@pytest.fixture(scope="module")
def database(stack):
    engine = create_engine(stack.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield engine
    engine.dispose()


def _audit(database, action: str) -> list[tuple]:
    with database.connect() as connection:
        return connection.execute(
            text("SELECT ip_address, details FROM audit_events WHERE action = :action ORDER BY id"),
            {"action": action},
        ).all()


def _served_by(stack, method: str, path: str) -> list[int]:
    """The gunicorn worker (process id) of each request, from the app's request log."""
    pattern = re.compile(rf"\[(\d+)\] app\.requests: \S+ {method} {re.escape(path)} ")
    return [int(pid) for pid in pattern.findall(stack.log("gunicorn"))]


def test_sign_in_limits_count_per_client_address_across_the_workers(stack, database):
    # The limit's worth of wrong passwords at once, each from a new connection: nginx spreads them over
    # gunicorn's workers. Each worker counting for itself would let more through afterwards.
    def wrong_password(number: int):
        return Browser(stack, "127.0.0.2").sign_in(f"nobody{number}@example.org", "wrong password")

    with ThreadPoolExecutor(LIMIT) as pool:
        first = list(pool.map(wrong_password, range(LIMIT)))
    assert [status for status, _, _ in first] == [200] * LIMIT
    assert all(WRONG in page for _, _, page in first)
    wait_for(lambda: len(_served_by(stack, "POST", "/sign-in")) >= LIMIT, "the request lines", timeout=10)
    workers = set(_served_by(stack, "POST", "/sign-in"))
    assert len(workers) >= 2, f"all {LIMIT} attempts went to one worker {workers}: not a test across workers"

    for number in range(LIMIT, LIMIT + 4):
        status, _, page = wrong_password(number)
        assert status == 429, f"attempt {number + 1} from 127.0.0.2 was not refused"
        assert "Too many attempts" in page

    # Another client is counted on its own, even if it claims to be the first one (X-Forwarded-For is
    # appended to by nginx; the app trusts only the last hop).
    status, _, page = Browser(stack, "127.0.0.3").sign_in(
        "someone@example.org", "wrong password", headers={"X-Forwarded-For": "127.0.0.2"}
    )
    assert status == 200 and WRONG in page
    status, _, _ = Browser(stack, "127.0.0.4").sign_in("admin@example.org", PASSWORD)
    assert status == 302


def test_the_audit_log_records_each_clients_address_not_the_proxys(stack, database):
    Browser(stack, "127.0.0.5").sign_in(
        "nobody@example.org", "wrong password", headers={"X-Forwarded-For": "198.51.100.7"}
    )
    status, _, _ = Browser(stack, "127.0.0.6").sign_in("admin@example.org", PASSWORD)
    assert status == 302
    failed = {ip for ip, details in _audit(database, "sign_in.failed")}
    assert "127.0.0.5" in failed
    assert failed <= {"127.0.0.2", "127.0.0.3", "127.0.0.5"}  # never nginx's 127.0.0.1, never a forged one
    signed_in = [ip for ip, _ in _audit(database, "sign_in")]
    assert signed_in[-1] == "127.0.0.6"
    assert "127.0.0.1" not in signed_in


def test_each_request_has_one_id_in_nginx_the_app_and_the_response(stack):
    status, headers, _ = stack.get("/sign-in", address="127.0.0.7")
    assert status == 200
    request_id = headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, passed through
    # Both logs are written as or after the response goes out, so a fast client can read them a moment early.
    app_line = rf"app\.requests: {request_id} GET /sign-in 200 user=- [\d.]+ms"
    wait_for(lambda: re.search(app_line, stack.log("gunicorn")), "the app's request line")
    access_log = stack.tmp / "collaboration.access.log"
    wait_for(lambda: f"request_id={request_id}" in access_log.read_text(), "nginx's access line", timeout=10)
    assert '"GET /sign-in HTTP/1.1" 200' not in stack.log("gunicorn")  # gunicorn's access log is off


def test_static_files_come_from_nginx_with_long_cache_lifetimes(stack):
    _, _, page = stack.get("/sign-in", address="127.0.0.7")
    stylesheet = re.search(r'href="(/static/govuk/govuk-frontend\.min\.css\?v=[0-9a-f]{12})"', page).group(1)
    status, headers, _ = stack.get(stylesheet, address="127.0.0.7")
    assert status == 200 and headers["Content-Type"] == "text/css"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "X-Request-Id" not in headers  # nginx answered, not gunicorn
    status, headers, _ = stack.get("/static/govuk/assets/images/favicon.svg", address="127.0.0.7")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=86400"


def test_plain_http_is_sent_to_https(stack):
    connection = stack.connection("127.0.0.7", https=False)
    connection.request("GET", "/sign-in?next=/review")
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://127.0.0.1/sign-in?next=/review"


def test_an_upload_larger_than_the_limit_is_refused_by_nginx_before_it_is_read(stack):
    connection = stack.connection("127.0.0.7")
    connection.putrequest("POST", "/admin/imports")
    connection.putheader("Content-Type", "application/octet-stream")
    connection.putheader("Content-Length", str(60 * 1024 * 1024 + 1))
    connection.endheaders()
    assert connection.getresponse().status == 413


def test_health_reports_the_running_worker(stack):
    wait_for(lambda: stack.get("/health/ready", address="127.0.0.7")[0] == 200, "the worker's first pass")
    status, _, body = stack.get("/health/ready", address="127.0.0.7")
    assert status == 200, body
    assert '"worker":"ok"' in body.replace(" ", "")


def _unit_command(unit: str, key: str) -> list[str]:
    """A command line of a systemd unit, as systemd would pass it on (%% is %, $$ is $)."""
    [line] = [line for line in unit.splitlines() if line.startswith(f"{key}=")]
    value = line.split("=", 1)[1].replace("/srv/collaboration", str(ROOT))
    return shlex.split(value.replace("%%", "%").replace("$$", "$"))


def test_the_nightly_backup_unit_writes_a_backup_and_removes_old_ones(stack, database):
    unit = (ROOT / "deploy" / "systemd" / "collaboration-backup.service").read_text()
    folder = stack.tmp / "backups"
    folder.mkdir()
    old = folder / "collaboration-20261101T023000Z.backup"
    old.write_bytes(b"an old backup")
    three_weeks_ago = time.time() - 21 * 86400
    os.utime(old, (three_weeks_ago, three_weeks_ago))
    env = {**stack.env, "BACKUP_DIR": str(folder), "BACKUP_KEEP_DAYS": "14"}
    for key in ("ExecStart", "ExecStartPost"):
        done = subprocess.run(_unit_command(unit, key), cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    [made] = folder.iterdir()
    assert re.fullmatch(r"collaboration-\d{8}T\d{6}Z\.backup", made.name)
    with database.connect() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert backups.inspect_file(stack.database_url, made).revision == head


def test_the_cron_alternative_runs_a_worker_pass_from_crons_environment(stack, database, tmp_path):
    """The README's /etc/cron.d line: deploy/collaboration-flask with cron's bare PATH and nothing else set,
    reading the environment file as systemd would (a value with a space, a $ and a backtick, quoted)."""
    env_file = tmp_path / "collaboration.env"
    settings = {
        key: stack.env[key]
        for key in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "BASE_URL", "RATELIMIT_STORAGE_URI")
    }
    settings["SERVICE_NAME"] = "Collaboration `returns` $HOME"
    env_file.write_text("".join(f"{key}='{value}'\n" for key, value in settings.items()))
    with database.connect() as connection:
        before = connection.execute(text("SELECT max(finished_at) FROM worker_passes")).scalar()
    done = subprocess.run(
        [str(ROOT / "deploy" / "collaboration-flask"), "worker", "--once"],
        env={
            "PATH": "/usr/bin:/bin",
            "COLLABORATION_HOME": str(ROOT),
            "COLLABORATION_ENV": str(env_file),
            "COLLABORATION_USER": "root",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "not found" not in done.stderr  # sh ran nothing it was not asked to
    with database.connect() as connection:
        after = connection.execute(text("SELECT max(finished_at) FROM worker_passes")).scalar()
    assert before is None or after > before
