"""Imports of earlier responses: each uploaded file (a batch) and the projects made from its rows."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.round import Round
from app.models.submission import Submission
from app.models.user import User


class ImportStatus(enum.StrEnum):
    TO_CHECK = "to_check"  # uploaded, waiting for the worker to check every row
    CHECKING = "checking"
    CHECKED = "checked"  # the report is ready; imported only when an administrator confirms
    TO_IMPORT = "to_import"  # confirmed, waiting for the worker
    IMPORTING = "importing"
    IMPORTED = "imported"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return IMPORT_STATUS_LABELS[self]


IMPORT_STATUS_LABELS = {
    ImportStatus.TO_CHECK: "Waiting to be checked",
    ImportStatus.CHECKING: "Being checked",
    ImportStatus.CHECKED: "Checked",
    ImportStatus.TO_IMPORT: "Waiting to import",
    ImportStatus.IMPORTING: "Importing",
    ImportStatus.IMPORTED: "Imported",
    ImportStatus.FAILED: "Failed",
    ImportStatus.CANCELLED: "Cancelled",
}
RUNNING_STATUSES = (
    ImportStatus.TO_CHECK,
    ImportStatus.CHECKING,
    ImportStatus.TO_IMPORT,
    ImportStatus.IMPORTING,
)


class ImportMode(enum.StrEnum):
    RECORDS = "records"  # approved, published records
    REVIEW = "review"  # submitted, waiting in the review queue marked imported
    DRAFTS = "drafts"  # in-progress submissions for their lead organisation to complete (open rounds only)

    @property
    def label(self) -> str:
        return {
            "records": "Approved records",
            "review": "Waiting in the review queue",
            "drafts": "Drafts for organisations to complete",
        }[self]


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ImportBatch(Model):
    """One uploaded file with its mapping: checked first (the dry run), imported once confirmed."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Names where the rows come from (the mapping's `source`); with each row's id it keys an imported project.
    source: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file, hex
    file_size: Mapped[int] = mapped_column(Integer)
    # The uploaded file, kept only until it is imported or cancelled.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    mapping_name: Mapped[str] = mapped_column(String(255))
    mapping_text: Mapped[str] = mapped_column(Text)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    mode: Mapped[ImportMode] = mapped_column(_enum(ImportMode, "import_mode"))
    status: Mapped[ImportStatus] = mapped_column(
        _enum(ImportStatus, "import_status"), default=ImportStatus.TO_CHECK, index=True
    )
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The administrator's decisions on the checked file: rows skipped, organisations, duplicate pairs.
    decisions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    imported_count: Mapped[int | None] = mapped_column(Integer)
    skipped_count: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)  # why it failed
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class ImportedProject(Model):
    """A project made from one row of a source: the same row is never imported twice."""

    __tablename__ = "imported_projects"
    __table_args__ = (UniqueConstraint("source", "row_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    row_key: Mapped[str] = mapped_column(String(200))
    batch_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    # Which response of the file it was (the first row after the header rows is 1), and its cells as given,
    # by column: nothing the file held is lost, whatever the mapping read.
    row_number: Mapped[int | None] = mapped_column(Integer)
    cells: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    batch: Mapped[ImportBatch] = relationship()
    submission: Mapped[Submission] = relationship()


class SavedMapping(Model):
    """A mapping saved under a name on the mapping page, to use again for the next export of the same survey
    (chosen on the upload page, downloaded as YAML, or named to `flask import responses --mapping`)."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    mapping_text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
