"""A download of many records made by the worker (app/services/find/download_jobs.py) and its file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow

QUEUED, RUNNING, READY, FAILED = "queued", "running", "ready", "failed"


class DownloadJob(Model):
    """Who asked (a user, or someone not signed in holding `token` in their session), as which kind of viewer,
    for which records (the search's text, filters and order, as URL parameters) and in which format; then the
    worker's progress and the file it wrote, kept for a day."""

    __tablename__ = "download_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str] = mapped_column(String(10))
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    # "signed_in" or "anonymous": the viewer (app/services/find/visibility.py) the file is made for.
    viewer_kind: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # A secret of its own: in the file's name, and in the session of whoever asked without signing in.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    message: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
