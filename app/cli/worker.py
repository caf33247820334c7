"""`flask worker` (long-running) and `flask outbox send` (one pass, for cron)."""

from __future__ import annotations

import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services import jobs, retention
from app.services.email import outbox as outbox_service
from app.services.email import reminders
from app.services.imports import batches as import_batches
from app.services.jobs import Job
from app.services.review import digest

outbox = AppGroup("outbox", help="The email outbox.")


@outbox.command("send")
def send() -> None:
    """Send every email that is due, once, and exit."""
    result = outbox_service.send_due(limit=10_000)
    db.session.commit()
    click.echo(f"Emails: {result}")


def default_jobs(interval: float) -> list[Job]:
    """The worker's jobs and how often each runs (seconds)."""
    return [
        Job("send deadline reminders", lambda: reminders.run(), 60),
        Job("send reviewers' daily digest", lambda: digest.run(), 300),
        Job("send emails", lambda: outbox_service.send_due(), interval),
        Job("check and import uploaded responses", lambda: import_batches.run_pending(), interval),
        Job("apply data retention", lambda: retention.run(), 3600),
    ]


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit.")
def worker(once: bool) -> None:
    """Run the background jobs (sending emails and, later, reminders) until stopped."""
    interval = current_app.config["WORKER_INTERVAL_SECONDS"]
    schedule = default_jobs(interval)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Worker started: {', '.join(job.name for job in schedule)} every {interval}s")
    while not stopping:
        jobs.run_due(schedule)
        db.session.remove()
        if once:
            break
        deadline = time.monotonic() + 1
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
    click.echo("Worker stopped")
