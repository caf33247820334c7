"""A live werkzeug server and a small cookie-keeping browser on the standard library, for tests that need
real requests at the same moment (each request in its own thread, its own database connection)."""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    text: str
    location: str | None


class Browser:
    """Keeps its cookies; never follows redirects, so a test sees each answer as it came."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> Page:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return Page(response.status, html.unescape(response.read().decode()), None)
        except urllib.error.HTTPError as answer:
            return Page(answer.code, html.unescape(answer.read().decode()), answer.headers.get("Location"))

    def get(self, path: str) -> Page:
        return self.request(path)

    def post(self, path: str, data: dict) -> Page:
        return self.request(path, data)

    def form_fields(self, path: str, *names: str) -> dict[str, str]:
        """The CSRF token and the named hidden fields of the form on a page."""
        text = self.get(path).text
        fields = {"csrf_token": CSRF.search(text).group(1)}
        for name in names:
            fields[name] = re.search(rf'name="{name}" value="([^"]*)"', text).group(1)
        return fields

    def sign_in(self, email: str, password: str) -> None:
        answer = self.post("/sign-in", {**self.form_fields("/sign-in"), "email": email, "password": password})
        assert answer.status == 302, f"Sign in failed: {answer.status}"
