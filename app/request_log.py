"""Logs an operator can use: one line per request, with a request id that is also sent back to the client.

Each line names the request id, the signed-in user's id, the method, the path, the status and the time taken.
The id comes from the proxy's `X-Request-Id` header when it sends one (nginx's `$request_id`, so that its log
and ours meet), or is made here, and is sent back as `X-Request-Id` so that someone reporting a problem can
quote it. The query string is left out (searches may hold personal words) and so are the tokens of links
sent by email. `LOG_FORMAT=json` writes every log record, these lines included, as one JSON object a line.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from sqlalchemy import inspect

log = logging.getLogger("app.requests")

# What we accept as a request id from the proxy: nginx's 32 hex digits, a UUID, or the like. Anything else
# (too long, or with characters that could forge a log line) is replaced by one of our own.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
# The attributes every log record has; anything else was passed in `extra` and goes into the JSON.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, process, message, and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        line.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: str, log_format: str) -> None:
    """Set up the root logger once per process: text (the default) or JSON lines, to standard error, which
    systemd's journal collects."""
    root = logging.getLogger()
    root.setLevel(level)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(_TEXT_FORMAT)
    ours = [handler for handler in root.handlers if getattr(handler, "_request_log", False)]
    if ours:
        ours[0].setFormatter(formatter)
        return
    if root.handlers:  # someone (pytest, gunicorn's config) set up logging already: keep theirs
        return
    handler = logging.StreamHandler()
    handler._request_log = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter)
    root.addHandler(handler)


def _request_id() -> str:
    given = request.headers.get("X-Request-Id", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _logged_path() -> str:
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name == "token" and isinstance(value, str) and value:
            path = path.replace(value, "[token]")
    return path


def _user_id() -> int | None:
    # Flask-Login keeps the user it loaded for this request in g; asking current_user here would load one
    # for requests that never needed it (static files, the health check).
    # Its id from the session's identity map: after the request's commit, reading user.id would load the
    # whole user again.
    user = g.get("_login_user")
    if user is None:
        return None
    state = inspect(user, raiseerr=False)
    if state is not None and state.identity:
        return int(state.identity[0])
    return getattr(user, "id", None)


def register(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.request_id = _request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        request_id = g.get("request_id") or _request_id()
        response.headers["X-Request-Id"] = request_id
        started = g.get("request_started") or time.perf_counter()
        fields = {
            "request_id": request_id,
            "user_id": _user_id(),
            "method": request.method,
            "path": _logged_path(),
            "status": response.status_code,
        }

        def emit() -> None:
            fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            user = fields["user_id"] if fields["user_id"] is not None else "-"
            log.info(
                "%s %s %s %s user=%s %sms",
                *(fields[key] for key in ("request_id", "method", "path", "status")),
                user,
                fields["duration_ms"],
                extra=fields,
            )

        # A streamed download is timed to its last byte: logged when the server closes it.
        if response.is_streamed:
            response.call_on_close(emit)
        else:
            emit()
        return response
