"""What arrives in a request is made storable before anything reads it.

PostgreSQL refuses the NUL character in text (SQLite stores it, so tests on SQLite alone never saw it), and a
lone surrogate cannot be encoded as UTF-8 at all. No one types either on purpose: every query parameter,
form field, uploaded file's name and URL part has NUL removed and lone surrogates replaced by U+FFFD, the
same way everywhere, and the person is told once that characters were removed. Nothing else changes.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, flash, g, has_request_context, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

_REFUSED = re.compile("[\x00\ud800-\udfff]")
REMOVED_MESSAGE = (
    "Some characters you entered cannot be stored, such as the null character, so we removed them. "
    "Check what you entered."
)


def storable(text: str) -> str:
    """`text` without NUL, and with any lone surrogate replaced by the replacement character."""
    if not _REFUSED.search(text):
        return text
    _tell_once()
    return _REFUSED.sub(lambda match: "" if match.group() == "\x00" else "\ufffd", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = storable(value.filename)
    return value


class StorableParameters(ImmutableMultiDict):
    """Query strings and form bodies, cleaned as they are parsed."""

    def __init__(self, mapping=None) -> None:
        if mapping is not None and not isinstance(mapping, dict):
            mapping = [(_clean(key), _clean(value)) for key, value in mapping]
        super().__init__(mapping)


class StorableRequest(Request):
    parameter_storage_class = StorableParameters


def _tell_once() -> None:
    if not has_request_context() or g.get("characters_removed"):
        return
    g.characters_removed = True
    if request.blueprint != "api":
        flash(REMOVED_MESSAGE, "important")


def register(app: Flask) -> None:
    app.request_class = StorableRequest

    @app.url_value_preprocessor
    def _storable_url_parts(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values:
            for name, value in values.items():
                values[name] = _clean(value)
