"""Small helpers for SQL statements that services run."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (the session types every result as a plain Result)."""
    return cast(CursorResult[Any], result).rowcount
