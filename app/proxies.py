"""The client's address behind trusted proxies (TRUSTED_PROXIES), with werkzeug's ProxyFix.

With the setting at 0 (the default) no X-Forwarded-* header is believed: anyone can send one. With N, the
last N proxies' headers are: the address in `request.remote_addr` is then the client's, so the per-address
sign-in and password-reset limits count per person and the audit log records who it was, not the proxy;
X-Forwarded-Proto tells the service when the client used HTTPS.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxies:
    """Applies ProxyFix with the number of proxies configured (read on each request, so a test can set it)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app
        self._fixes: dict[int, ProxyFix] = {}

    def __call__(self, environ, start_response):
        trusted = int(self.app.config.get("TRUSTED_PROXIES") or 0)
        if trusted <= 0:
            return self.wsgi_app(environ, start_response)
        fix = self._fixes.get(trusted)
        if fix is None:
            fix = self._fixes[trusted] = ProxyFix(
                self.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted, x_port=trusted
            )
        return fix(environ, start_response)


def register(app: Flask) -> None:
    app.wsgi_app = TrustedProxies(app)  # type: ignore[method-assign]
