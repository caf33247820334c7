"""The email outbox: enqueue in the caller's transaction, send later from the worker.

A row is claimed with a conditional UPDATE (and SKIP LOCKED on PostgreSQL) so that two workers never send
the same row; a claim lapses after a lease so that a crashed worker's rows are picked up again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import smtplib
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from typing import Any, cast

from flask import current_app, render_template
from flask_mail import Message, sanitize_address
from sqlalchemy import ColumnElement, Table, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import EmailStatus, OutboundEmail, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import InvalidTransition
from app.services.jobs import checkpoint

# The message as SMTP wants it: lines ending in CRLF, headers folded as the compat32 policy folds them.
SMTP_POLICY = policy.compat32.clone(linesep="\r\n")

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)


def context_for(subject: str, **context: Any) -> dict[str, Any]:
    """What every email template is rendered with, as well as its own values."""
    return {
        "service_name": current_app.config["SERVICE_NAME"],
        "base_url": current_app.config["BASE_URL"],
        "subject": subject,
        **context,
    }


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """The text and HTML bodies of an email, from emails/<template>.txt and .html."""
    return (
        render_template(f"emails/{template}.txt", **context),
        render_template(f"emails/{template}.html", **context),
    )


def enqueue(
    recipient: str,
    subject: str,
    template: str,
    idempotency_key: str,
    *,
    list_unsubscribe: str | None = None,
    **context: Any,
) -> OutboundEmail:
    """Queue an email rendered from emails/<template>.txt and .html. A repeated key queues nothing new."""
    existing = db.session.scalar(select(OutboundEmail).filter_by(idempotency_key=idempotency_key))
    if existing is not None:
        return existing
    text, html = render(template, context_for(subject, **context))
    email = OutboundEmail(
        idempotency_key=idempotency_key,
        recipient=recipient,
        subject=subject,
        template=template,
        list_unsubscribe=list_unsubscribe,
        body_text=text,
        body_html=html,
        status=EmailStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(email)
    db.session.flush()
    return email


@dataclass(frozen=True)
class Queued:
    """An email already rendered, to queue with others (`enqueue_many`)."""

    idempotency_key: str
    recipient: str
    subject: str
    template: str
    body_text: str
    body_html: str
    list_unsubscribe: str | None = None


def enqueue_many(emails: Sequence[Queued]) -> None:
    """Queue many emails in one executemany (in the caller's transaction).

    A key already queued, by an earlier run or by another process meanwhile, keeps its email: nothing new is
    queued for it (ON CONFLICT DO NOTHING on the unique key). Callers find the rows by their keys."""
    if not emails:
        return
    now = utcnow()
    fixed = {"status": EmailStatus.PENDING.value, "attempts": 0, "next_attempt_at": now, "created_at": now}
    rows = [{**e.__dict__, **fixed} for e in emails]
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(cast(Table, OutboundEmail.__table__)).on_conflict_do_nothing(
        index_elements=["idempotency_key"]
    )
    db.session.execute(statement, rows)


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_delivered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.not_delivered

    def __bool__(self) -> bool:  # the worker logs a pass only when it did something
        return self.handled > 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed, "
            f"{self.not_delivered} kept without a mail server"
        )


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboundEmail.status == EmailStatus.PENDING, OutboundEmail.next_attempt_at <= now),
        and_(OutboundEmail.status == EmailStatus.SENDING, OutboundEmail.claimed_until < now),
    )


def claim_due(limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due emails for this worker and commit the claim."""
    now = now or utcnow()
    query = select(OutboundEmail.id).where(_due(now)).order_by(OutboundEmail.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = db.session.scalars(query).all()
    if not candidates:
        checkpoint()
        return []
    # One conditional UPDATE: only rows still due are claimed, so another worker's claims are never taken.
    claimed = db.session.scalars(
        update(OutboundEmail)
        .where(OutboundEmail.id.in_(candidates), _due(now))
        .values(status=EmailStatus.SENDING, claimed_until=now + CLAIM_LEASE)
        .returning(OutboundEmail.id)
        .execution_options(synchronize_session=False)
    ).all()
    checkpoint()
    return sorted(claimed)


def _open_smtp() -> smtplib.SMTP:
    """A connection to the mail server, with a timeout so that a stalled server cannot hang the worker."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    host = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"]:
        host.starttls()
    if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
        host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return host


def message(email: OutboundEmail) -> bytes:
    """The bytes to send, built by Flask-Mail now from the row's parts (rows queued before the parts were all
    that was kept have their message built when they were queued)."""
    if email.message:
        return email.message
    headers = {"X-Outbox-Key": email.idempotency_key[:200]}
    if email.list_unsubscribe:
        headers["List-Unsubscribe"] = f"<{email.list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    built = Message(
        subject=email.subject,
        recipients=[email.recipient],
        body=email.body_text,
        html=email.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers,
    )
    built.msgId = message_id(email.id, email.idempotency_key, email.created_at.timestamp())
    return built._message().as_bytes(policy=SMTP_POLICY)


def message_id(email_id: int, idempotency_key: str, created: float) -> str:
    """The same for every attempt to send one outbox row, unique across rows and installations."""
    digest = hashlib.sha256(f"{idempotency_key}:{created!r}".encode()).hexdigest()[:16]
    return f"<{int(created * 100)}.{email_id}.{digest}@{_domain()}>"


@functools.cache
def _domain() -> str:
    """The host's name for Message-IDs, as email.utils.make_msgid uses, looked up once per process."""
    return socket.getfqdn()


def _backoff(attempts: int) -> timedelta:
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    return timedelta(seconds=base * 2 ** (attempts - 1))


COMMIT_EVERY = 100


def send_due(limit: int = 100, now: datetime | None = None) -> SendResult:
    """One pass: send every due email over one connection, committing outcomes COMMIT_EVERY emails at a time.

    A worker that dies between sending and committing leaves at most that many emails claimed; they are sent
    again when the claim lapses (at least once, never lost)."""
    result = SendResult()
    ids = claim_due(limit, now)
    if not ids:
        return result
    deliver = bool(current_app.config["MAIL_SERVER"])
    connection: smtplib.SMTP | None = None
    try:
        for start in range(0, len(ids), COMMIT_EVERY):
            chunk = ids[start : start + COMMIT_EVERY]
            emails = db.session.scalars(
                select(OutboundEmail).where(OutboundEmail.id.in_(chunk)).order_by(OutboundEmail.id)
            ).all()
            for email in emails:
                if email.status != EmailStatus.SENDING:
                    continue
                if deliver:
                    connection = _deliver(email, connection, result)
                else:
                    email.status = EmailStatus.NOT_DELIVERED
                    email.claimed_until = None
                    result.not_delivered += 1
            checkpoint()
    finally:
        _drop(connection)
    return result


def _deliver(
    email: OutboundEmail, connection: smtplib.SMTP | None, result: SendResult
) -> smtplib.SMTP | None:
    """Send one email, opening the connection if need be; returns the connection to reuse (None if broken)."""
    try:
        if connection is None:
            connection = _open_smtp()
        raw = message(email)
        sender = sanitize_address(current_app.config["MAIL_DEFAULT_SENDER"])
        connection.sendmail(sender, [email.recipient], raw)
    except (smtplib.SMTPException, OSError) as error:
        _record_failure(email, error, result)
        _drop(connection)
        return None
    email.attempts += 1
    email.status = EmailStatus.SENT
    email.sent_at = utcnow()
    email.claimed_until = None
    email.last_error = None
    result.sent += 1
    return connection


def _drop(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
    return None


def _record_failure(email: OutboundEmail, error: Exception, result: SendResult) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.claimed_until = None
    result.errors.append(email.last_error)
    if email.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        email.status = EmailStatus.FAILED
        result.failed += 1
        log.error("Email %s failed after %s attempts: %s", email.id, email.attempts, email.last_error)
    else:
        email.status = EmailStatus.PENDING
        email.next_attempt_at = utcnow() + _backoff(email.attempts)
        result.retrying += 1
        log.warning("Email %s will be retried: %s", email.id, email.last_error)


def retry(email: OutboundEmail, *, by: User, ip_address: str | None = None) -> None:
    """An administrator sends a failed email again."""
    if email.status != EmailStatus.FAILED:
        raise InvalidTransition("Only a failed email can be sent again")
    email.status = EmailStatus.PENDING
    email.attempts = 0
    email.next_attempt_at = utcnow()
    audit.record("email.retried", actor=by, subject=email, ip_address=ip_address, recipient=email.recipient)
    db.session.flush()
