"""Ids in URLs and forms: whole numbers that fit the database's integers, or nothing.

A number past the database's integers (ids are INTEGER columns: 2^31 - 1 at most on PostgreSQL) overflows
the database or its driver, and `str.isdigit()` also accepts characters such as
"²" that `int()` refuses: both used to end in a 500. Routes use the `int` converter registered here; query
strings and form fields use `parse_id`.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest id any id column here can hold (a signed 32-bit INTEGER on PostgreSQL).
MAX_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """The id a piece of text names, or None when it is not plain ASCII digits within range."""
    text = str(value).strip() if value is not None else ""
    if not text or len(text) > 10 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:...>` on every route: an out-of-range number matches no route, so the answer is 404."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
