"""Static file URLs that change when the file does, so that browsers may keep them for a year.

`url_for("static", filename=...)` gets `?v=` and the first 12 hex digits of the file's SHA-256. nginx serves
`/static/` itself and sends `Cache-Control: public, max-age=31536000, immutable` for URLs with `v`, and a day
for the rest (the images that the GOV.UK stylesheet names, the module that application.js imports): a new
release changes the URLs of the files it changes, and no one is left with a stale stylesheet.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask


@cache
def _digest(path: Path, modified_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _version(folder: str, filename: str) -> str | None:
    path = Path(folder, filename)
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():  # a folder (the assets path given to GOV.UK Frontend) has no version
        return None
    # Keyed by modification time and size as well, so that a file edited while `make run` serves changes URL.
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@cache
def _release_version(folder: str, filename: str) -> str | None:
    """A released instance's files change only with a new release (and a restart): each is read once."""
    return _version(folder, filename)


def register(app: Flask) -> None:
    folder = app.static_folder
    # Under `make run` (debug) a file edited while serving changes its URL at once.
    version_of = _version if app.debug else _release_version

    @app.url_defaults
    def _add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or folder is None or "v" in values:
            return
        filename = values.get("filename")
        if not filename or ".." in filename:
            return
        version = version_of(folder, filename)
        if version:
            values["v"] = version
