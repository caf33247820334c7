"""Whether the worker is alive: each worker notes when it finished a pass; /health reads the newest."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import WorkerPass
from app.models.base import utcnow


def record_pass(failed_jobs: int = 0, *, host: str | None = None, now: datetime | None = None) -> None:
    """Note that this machine's worker finished a pass (one row per machine, however often it restarts)."""
    values = {
        "host": (host or socket.gethostname())[:255],
        "pid": os.getpid(),
        "finished_at": now or utcnow(),
        "failed_jobs": failed_jobs,
    }
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(WorkerPass).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[WorkerPass.host],
        set_={key: statement.excluded[key] for key in ("pid", "finished_at", "failed_jobs")},
    )
    db.session.execute(statement)


@dataclass(frozen=True)
class WorkerStatus:
    last_pass: datetime | None
    stale_after: timedelta
    now: datetime

    @property
    def alive(self) -> bool:
        return self.last_pass is not None and self.now - self.last_pass <= self.stale_after

    @property
    def description(self) -> str:
        if self.last_pass is None:
            return "no worker has run"
        if not self.alive:
            return "no pass for more than " + _minutes(self.stale_after)
        return "ok"


def _minutes(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else f"{int(span.total_seconds())} s"


def status(stale_after: timedelta, now: datetime | None = None) -> WorkerStatus:
    """The newest pass of any worker on any machine: one live worker is enough to send emails."""
    last = db.session.scalar(select(WorkerPass.finished_at).order_by(WorkerPass.finished_at.desc()).limit(1))
    return WorkerStatus(last_pass=last, stale_after=stale_after, now=now or utcnow())
