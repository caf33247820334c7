"""Downloads of many records, made by the worker: a download that would take longer than a web request should
(FIND_DOWNLOAD_WORKER_ABOVE records of its format) is asked for on a page, written by `flask worker` to a
file with its progress saved, then fetched from a link by the person who asked for it, and no one else.

The file is made for the viewer who asked (app/services/find/visibility.py: the records they may read, and
contact details only if they may see them) and for the search as it was when they asked; its rows are exactly
those of the streamed download of the same search for the same viewer (download_files.py writes both).

Files live in DOWNLOAD_FOLDER (by default the instance folder's `downloads`), which every web process and the
worker of one machine share; the job's row (in the database) says whose each is. Data retention
(app/services/retention.py) removes jobs and files after DOWNLOAD_KEEP_HOURS.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import DownloadJob, User
from app.models.base import utcnow
from app.models.download_job import FAILED, QUEUED, READY, RUNNING
from app.services import audit
from app.services.find import download_files
from app.services.find import search as find
from app.services.find.visibility import Viewer, viewer_kind, viewer_of_kind
from app.services.jobs import checkpoint, roll_back
from app.services.statements import rows_changed

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2_000  # records written between two saves of the progress
KEPT_TOKENS = 20  # the jobs someone not signed in can come back to (their tokens, in their session)
# A job still running with no progress for this long has lost its worker: it is queued again.
ABANDONED_AFTER = timedelta(minutes=30)


def worker_threshold(fmt: str) -> int | None:
    """Above how many records a download of this format is made by the worker (None: never)."""
    value = (current_app.config.get("FIND_DOWNLOAD_WORKER_ABOVE") or {}).get(fmt)
    return int(value) if value is not None else None


def made_by_worker(fmt: str, total: int) -> bool:
    threshold = worker_threshold(fmt)
    return threshold is not None and total > threshold


def request(
    fmt: str,
    query: find.FindQuery,
    viewer: Viewer,
    *,
    by: User | None,
    total: int,
    tokens: Iterable[str] = (),
    ip_address: str | None = None,
) -> DownloadJob:
    """Queue a download of the records matching `query` that `viewer` may read (`by` is who asked, None if
    they are not signed in: they then hold the job's token in their session, with those of the jobs they
    asked for before, `tokens`). The same request again, while its file is waiting, being made or ready,
    gives the same job."""
    if fmt not in download_files.FILES:
        raise ValueError(f"Unknown download format {fmt!r}")
    same = _same_request(fmt, query.args(), viewer_kind(viewer), by=by, tokens=tokens)
    if same is not None:
        return same  # asked twice (a double click, say): one file
    job = DownloadJob(
        format=fmt,
        query=query.args(),
        viewer_kind=viewer_kind(viewer),
        requested_by_id=by.id if by is not None else None,
        token=secrets.token_urlsafe(32),
        status=QUEUED,
        rows_total=total,
        rows_done=0,
        ip_address=ip_address,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "find.download_requested",
        actor=by,
        subject=job,
        ip_address=ip_address,
        format=fmt,
        search=job.query,
        viewer=job.viewer_kind,
        records=total,
    )
    return job


def _same_request(
    fmt: str, args: dict[str, Any], kind: str, *, by: User | None, tokens: Iterable[str]
) -> DownloadJob | None:
    owner = (
        DownloadJob.requested_by_id == by.id
        if by is not None
        else DownloadJob.token.in_(list(tokens)[-KEPT_TOKENS:]) & DownloadJob.requested_by_id.is_(None)
    )
    candidates = db.session.scalars(
        select(DownloadJob)
        .where(owner, DownloadJob.format == fmt, DownloadJob.status.in_((QUEUED, RUNNING, READY)))
        .order_by(DownloadJob.id.desc())
    )
    for job in candidates:
        if job.query == args and job.viewer_kind == kind and (job.status != READY or ready_file(job)):
            return job
    return None


def owned_job(job_id: int, *, user: User | None, tokens: Iterable[str]) -> DownloadJob | None:
    """The job, if this person asked for it: the same user, or (not signed in) one whose session holds its
    token. Anyone else gets None, as if it did not exist."""
    job = db.session.get(DownloadJob, job_id)
    if job is None:
        return None
    if job.requested_by_id is not None:
        return job if user is not None and user.id == job.requested_by_id else None
    return job if user is None and job.token in set(tokens) else None


def file_path(job: DownloadJob) -> Path:
    return _folder() / f"{job.id}-{job.token}.{job.format}"


def ready_file(job: DownloadJob) -> Path | None:
    path = file_path(job)
    return path if job.status == READY and path.is_file() else None


def _folder() -> Path:
    configured = current_app.config.get("DOWNLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "downloads"


def run_pending() -> str | None:
    """The worker's job: make the oldest download waiting, if any. Commits as it goes."""
    _reclaim_abandoned()
    waiting = db.session.scalar(
        select(DownloadJob.id).where(DownloadJob.status == QUEUED).order_by(DownloadJob.id).limit(1)
    )
    if waiting is None:
        return None
    claimed = db.session.execute(
        update(DownloadJob)
        .where(DownloadJob.id == waiting, DownloadJob.status == QUEUED)
        .values(status=RUNNING, rows_done=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    checkpoint()
    if rows_changed(claimed) != 1:
        return None  # another worker took it
    job = db.session.get(DownloadJob, waiting)
    assert job is not None
    db.session.refresh(job)
    path = file_path(job)
    part = path.with_name(path.name + ".part")
    try:
        viewer = viewer_of_kind(job.viewer_kind)
        records = find.export_records(find.FindQuery.from_args(job.query or {}), sharing=viewer.readable)
        path.parent.mkdir(parents=True, exist_ok=True)
        counted = _Counted(records, job.id)
        with part.open("wb") as target:
            download_files.write(job.format, counted, target, viewer)
        checkpoint()  # ends the read before the job's row is written (SQLite: one snapshot, one writer)
        part.replace(path)
    except Exception:
        roll_back()
        _remove(part)
        log.exception("Download %s failed", waiting)
        job = db.session.get(DownloadJob, waiting)
        assert job is not None
        job.status = FAILED
        job.message = "The file could not be made because of an unexpected error."
        job.finished_at = job.updated_at = utcnow()
        checkpoint()
        return f"download {waiting} failed"
    job = db.session.get(DownloadJob, waiting)
    assert job is not None
    job.status = READY
    job.rows_done = job.rows_total = counted.done
    job.size_bytes = path.stat().st_size
    job.finished_at = job.updated_at = utcnow()
    audit.record(
        "find.download_made",
        subject=job,
        format=job.format,
        records=job.rows_done,
        bytes=job.size_bytes,
    )
    checkpoint()
    return f"download {waiting}: {job.rows_done} records, {job.size_bytes} bytes"


class _Counted:
    """The records, counted, with the count so far saved every PROGRESS_EVERY on a connection of its own, so
    that the progress page sees it while the file is being written (SQLite: WAL lets it write beside the
    reading)."""

    def __init__(self, records: Iterable[Any], job_id: int) -> None:
        self.records, self.job_id, self.done = records, job_id, 0

    def __iter__(self) -> Iterator[Any]:
        for record in self.records:
            yield record
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                with db.engine.begin() as connection:
                    connection.execute(
                        update(DownloadJob)
                        .where(DownloadJob.id == self.job_id)
                        .values(rows_done=self.done, updated_at=utcnow())
                    )


def _reclaim_abandoned() -> None:
    """A job whose worker stopped part-way is made again from the start."""
    db.session.execute(
        update(DownloadJob)
        .where(DownloadJob.status == RUNNING, DownloadJob.updated_at < utcnow() - ABANDONED_AFTER)
        .values(status=QUEUED, rows_done=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    checkpoint()


def remove_expired(now: datetime | None = None) -> list[int]:
    """Data retention: jobs asked for more than DOWNLOAD_KEEP_HOURS ago, and their files, removed (with any
    file left over by a worker that stopped part-way). Returns the ids of the jobs removed."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=current_app.config.get("DOWNLOAD_KEEP_HOURS", 24))
    old = list(db.session.scalars(select(DownloadJob).where(DownloadJob.created_at < cutoff)))
    for job in old:
        _remove(file_path(job))
        _remove(file_path(job).with_name(file_path(job).name + ".part"))
    removed = db.session.scalars(
        delete(DownloadJob)
        .where(DownloadJob.id.in_([job.id for job in old]), DownloadJob.created_at < cutoff)
        .returning(DownloadJob.id)
        .execution_options(synchronize_session=False)
    ).all()
    folder = _folder()
    if folder.is_dir():
        for stray in folder.iterdir():
            if stray.is_file() and datetime.fromtimestamp(stray.stat().st_mtime, tz=now.tzinfo) < cutoff:
                _remove(stray)
    return sorted(removed)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # its folder is gone or not a folder: nothing to remove
        log.warning("Could not remove %s", path)
