"""`flask worker` (long-running, or `--once` for cron) and `flask outbox send` (one pass of the emails)."""

from __future__ import annotations

import logging
import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.services import jobs, retention, worker_status
from app.services.email import outbox as outbox_service
from app.services.email import reminders
from app.services.find import download_jobs
from app.services.imports import batches as import_batches
from app.services.jobs import Job
from app.services.review import digest

log = logging.getLogger(__name__)

outbox = AppGroup("outbox", help="The email outbox.")


@outbox.command("send")
def send() -> None:
    """Send every email that is due, once, and exit."""
    result = outbox_service.send_due(limit=10_000)
    db.session.commit()
    click.echo(f"Emails: {result}")


# How often a running worker notes its pass for /health (each pass itself takes about a second).
RECORD_PASS_SECONDS = 30


def default_jobs(interval: float) -> list[Job]:
    """The worker's jobs and how often each runs (seconds)."""
    return [
        Job("send deadline reminders", lambda: reminders.run(), 60),
        Job("send reviewers' daily digest", lambda: digest.run(), 300),
        Job("send emails", lambda: outbox_service.send_due(), interval),
        Job("check and import uploaded responses", lambda: import_batches.run_pending(), interval),
        Job("make large downloads", lambda: download_jobs.run_pending(), interval),
        Job("apply data retention", lambda: retention.run(), 3600),
    ]


@click.command("worker")
@click.option(
    "--once",
    is_flag=True,
    help="Run every job once (reminders, digest, emails, imports, downloads, retention) and exit: for cron.",
)
def worker(once: bool) -> None:
    """Run the background jobs until stopped (SIGTERM finishes the current pass), or once with --once."""
    interval = current_app.config["WORKER_INTERVAL_SECONDS"]
    schedule = default_jobs(interval)
    if once:
        failed = jobs.run_due(schedule)
        _record_pass(len(failed))
        if failed:
            raise click.ClickException("Failed: " + "; ".join(failed) + " (see the log above)")
        click.echo("Ran every job once: " + ", ".join(job.name for job in schedule))
        return

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Worker started: {', '.join(job.name for job in schedule)} every {interval}s")
    failures, last_recorded = 0, None
    while not stopping:
        failures += len(jobs.run_due(schedule))
        if last_recorded is None or time.monotonic() - last_recorded >= RECORD_PASS_SECONDS:
            _record_pass(failures)
            failures, last_recorded = 0, time.monotonic()
        db.session.remove()
        deadline = time.monotonic() + 1
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
    click.echo("Worker stopped")


def _record_pass(failed_jobs: int) -> None:
    """For /health: a database that refuses this write is reported by the jobs' own errors and by /health."""
    try:
        worker_status.record_pass(failed_jobs)
        jobs.checkpoint()
    except SQLAlchemyError:
        jobs.roll_back()
        log.exception("Could not record the worker's pass")
