"""The worker's last pass, one row per machine, so that /health can tell a dead worker from a live one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime


class WorkerPass(Model):
    """Written by `flask worker` (and `flask worker --once`) after each pass over its jobs."""

    __tablename__ = "worker_passes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255), unique=True)
    pid: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # How many job runs failed since the worker last wrote this row (their errors are in its log).
    failed_jobs: Mapped[int] = mapped_column(Integer, default=0)
