"""Reading the outbox for the Emails page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import EmailStatus, OutboundEmail

PAGE_SIZE = 50


@dataclass
class EmailListing:
    emails: list[OutboundEmail]
    page: int
    pages: int
    total: int


def list_emails(*, status: EmailStatus | None = None, page: int = 1) -> EmailListing:
    query = select(OutboundEmail)
    count_query = select(func.count(OutboundEmail.id))
    if status is not None:
        query = query.where(OutboundEmail.status == status)
        count_query = count_query.where(OutboundEmail.status == status)
    total = db.session.scalar(count_query) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    emails = db.session.scalars(
        query.order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return EmailListing(emails=list(emails), page=page, pages=pages, total=total)


def counts() -> dict[EmailStatus, int]:
    rows = db.session.execute(
        select(OutboundEmail.status, func.count(OutboundEmail.id)).group_by(OutboundEmail.status)
    ).all()
    found: dict[EmailStatus, int] = {row[0]: row[1] for row in rows}
    return {status: found.get(status, 0) for status in EmailStatus}
