"""What an operator reads in the logs: one line per request, with a request id the client sees too."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from tests import factories
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def _request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "app.requests"]


def test_each_request_is_one_line_with_its_id_user_method_path_status_and_time(client, caplog):
    lead = factories.user(email="lead@example.org")
    sign_in(client, "lead@example.org", factories.PASSWORD)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.requests"):
        response = client.get("/projects")
    [line] = _request_lines(caplog)
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert line.request_id == request_id
    assert line.user_id == lead.id
    assert (line.method, line.path, line.status) == ("GET", "/projects", response.status_code)
    assert line.duration_ms >= 0
    assert line.getMessage().startswith(f"{request_id} GET /projects {response.status_code} user={lead.id} ")


def test_anonymous_requests_and_errors_are_logged_too(client, caplog):
    with caplog.at_level(logging.INFO, logger="app.requests"):
        client.get("/no-such-page")
    [line] = _request_lines(caplog)
    assert (line.path, line.status, line.user_id) == ("/no-such-page", 404, None)
    assert " user=- " in line.getMessage()


def test_the_proxy_request_id_is_kept_and_a_forged_one_replaced(client, caplog):
    given = "3f2a9c0d4b5e6f708192a3b4c5d6e7f8"
    assert client.get("/cookies", headers={"X-Request-Id": given}).headers["X-Request-Id"] == given
    with caplog.at_level(logging.INFO, logger="app.requests"):
        for forged in ("abc 200 user=1 fake line", "x" * 65):
            replaced = client.get("/cookies", headers={"X-Request-Id": forged}).headers["X-Request-Id"]
            assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert "fake line" not in caplog.text and "x" * 65 not in caplog.text


def test_tokens_in_links_from_emails_and_query_strings_stay_out_of_the_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="app.requests"):
        client.get("/reset-password/secret-token-value-123")
        client.get("/find?q=someone%27s+name")
    assert "secret-token-value-123" not in caplog.text
    assert "someone" not in caplog.text
    paths = [line.path for line in _request_lines(caplog)]
    assert paths[0] == "/reset-password/[token]"
    assert paths[1] == "/find"


def test_log_format_json_writes_one_json_object_a_line(tmp_path):
    script = (
        "from app import create_app\n"
        "app = create_app('testing')\n"
        "app.test_client().get('/cookies', headers={'X-Request-Id': 'operator-test-0001'})\n"
        "import logging; logging.getLogger('app.other').warning('something else')\n"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    [request] = [line for line in lines if line["logger"] == "app.requests"]
    assert request["request_id"] == "operator-test-0001"
    assert (request["method"], request["path"], request["status"]) == ("GET", "/cookies", 200)
    assert request["user_id"] is None and request["duration_ms"] >= 0
    assert request["level"] == "INFO" and request["time"].endswith("+00:00")
    assert any(line["message"] == "something else" for line in lines)


def test_static_files_are_named_by_their_content_so_they_can_be_cached_for_a_year(client):
    page = client.get("/cookies").text
    css = ROOT / "app" / "static" / "css" / "application.css"
    version = hashlib.sha256(css.read_bytes()).hexdigest()[:12]
    assert f"/static/css/application.css?v={version}" in page
    assert client.get(f"/static/css/application.css?v={version}").status_code == 200


def test_a_streamed_download_is_logged_once_when_its_last_byte_is_sent(client, caplog):
    reader = factories.reviewer(email="reader@example.org")
    sign_in(client, "reader@example.org", factories.PASSWORD)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.requests"):
        response = client.get("/find/download.csv", buffered=False)
        assert _request_lines(caplog) == []  # still streaming
        body = response.get_data()
        response.close()
    [line] = _request_lines(caplog)
    assert body.startswith(b"\xef\xbb\xbf")  # the CSV itself, from its byte order mark
    assert (line.path, line.status, line.user_id) == ("/find/download.csv", 200, reader.id)
