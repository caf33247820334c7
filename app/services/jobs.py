"""The worker's periodic jobs. Later features add theirs to JOBS."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.extensions import db
from app.services import retention
from app.services.email import outbox, reminders
from app.services.imports import batches as import_batches
from app.services.review import digest

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    run: Callable[[], object]
    every_seconds: float
    next_run: float = field(default=0.0)


def default_jobs(interval: float) -> list[Job]:
    return [
        Job("send deadline reminders", lambda: reminders.run(), 60),
        Job("send reviewers' daily digest", lambda: digest.run(), 300),
        Job("send emails", lambda: outbox.send_due(), interval),
        Job("check and import uploaded responses", lambda: import_batches.run_pending(), interval),
        Job("apply data retention", lambda: retention.run(), 3600),
    ]


def run_due(jobs: list[Job], now: float | None = None) -> None:
    """Run every job whose time has come; one failing job does not stop the others."""
    now = time.monotonic() if now is None else now
    for job in jobs:
        if job.next_run > now:
            continue
        try:
            result = job.run()
            db.session.commit()
            if result:
                log.info("%s: %s", job.name, result)
        except Exception:
            db.session.rollback()
            log.exception("Job %r failed; it will run again", job.name)
        job.next_run = now + job.every_seconds
