"""The worker's periodic jobs, and its one commit point.

Services flush; whoever runs them commits: a request when it ends, a command when it is done, and the worker
here, after each job. A job that must make its work visible part-way (claiming rows so that another worker
leaves them alone, saving progress, committing a batch of emails sent) calls `checkpoint()`, and `roll_back()`
to drop a failed attempt; no service calls `db.session.commit()` itself (tests/unit/test_commit_points.py).
The list of jobs is the worker's own (app/cli/worker.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.extensions import db

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    run: Callable[[], object]
    every_seconds: float
    next_run: float = field(default=0.0)


def checkpoint() -> None:
    """Commit the work so far: a job's part-way commit, and the worker's after each job."""
    db.session.commit()


def roll_back() -> None:
    """Drop the work since the last checkpoint."""
    db.session.rollback()


def run_due(jobs: list[Job], now: float | None = None) -> list[str]:
    """Run every job whose time has come; one failing job does not stop the others. Returns the names of the
    jobs that failed."""
    now = time.monotonic() if now is None else now
    failed = []
    for job in jobs:
        if job.next_run > now:
            continue
        try:
            result = job.run()
            checkpoint()
            if result:
                log.info("%s: %s", job.name, result)
        except Exception:
            roll_back()
            log.exception("Job %r failed; it will run again", job.name)
            failed.append(job.name)
        job.next_run = now + job.every_seconds
    return failed
