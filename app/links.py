"""Links for emails: the service's public address (BASE_URL) and a route's path, with or without a request."""

from __future__ import annotations

from typing import Any

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """Works in a request, in the worker and on the command line alike (url_for needs a request there)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
