"""Splitting a long list into pages of the same size, for the administration lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from app.extensions import db
from app.ids import parse_id

PAGE_SIZE = 50
LAST_PAGE = 100_000


@dataclass
class Page:
    items: list[Any]
    page: int
    pages: int
    total: int
    # True when there are more matches than were counted: `total` is then the count limit.
    more: bool = False


def page_number(raw: str | None) -> int:
    """The page asked for in a query string; anything that is not a sensible page number means page 1."""
    raw = (raw or "").strip()
    number = parse_id(raw)
    return number if number is not None and number <= LAST_PAGE else 1


def paginate(
    query: Select[Any],
    page: int,
    *,
    per_page: int = PAGE_SIZE,
    count_limit: int | None = None,
    scalars: bool = True,
) -> Page:
    """One page of `query`'s rows. A page past the end shows the last page.

    With `count_limit`, matches are counted only that far, so that a page of a very long list (the audit
    log) never counts millions of rows.
    """
    counted = query.order_by(None)
    if count_limit is not None:
        counted = counted.limit(count_limit + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    more = count_limit is not None and total > count_limit
    if more and count_limit is not None:
        total = count_limit
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    limited = query.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.scalars(limited).all() if scalars else db.session.execute(limited).all()
    return Page(items=list(rows), page=page, pages=pages, total=total, more=more)
