"""Reviewers' comments and the published records of the collaboration database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow
from app.models.organisation import Organisation
from app.models.submission import Revision, Submission
from app.models.user import User


class ReviewComment(Model):
    """A reviewer's comment when asking for changes: on one question, or overall (question_id is null)."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class Record(Model):
    """An approved project as published in the database; it changes only when an update is approved."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # facet name -> list of values, e.g. {"themes": ["co_responding"], "region": ["south_east"]}
    facets: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    search_text: Mapped[str] = mapped_column(Text)
    sharing: Mapped[str] = mapped_column(
        String(20), default="sector", index=True
    )  # public, sector, figures_only
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship()
    revision: Mapped[Revision] = relationship()
    organisation: Mapped[Organisation] = relationship()


class FacetValue(Model):
    """One value of one facet ("themes" / "co_responding"), numbered once, so that counting records by facet
    value groups small integers rather than text."""

    __tablename__ = "facet_values"
    __table_args__ = (UniqueConstraint("facet", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facet: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(100))


class RecordFacet(Model):
    """A record has this facet value: the filter facets of Record.facets, one row per value, kept in step by
    app/services/find/record_index.py, for filtering and counting in SQL."""

    __tablename__ = "record_facets"
    __table_args__ = (
        Index("ix_record_facets_value_record", "facet_value_id", "record_id"),
        {"sqlite_with_rowid": False},  # the primary key is the table: one B-tree, not two
    )

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    facet_value_id: Mapped[int] = mapped_column(ForeignKey("facet_values.id"), primary_key=True)


class FindIndexState(Model):
    """One row: a new random number whenever records or their facet rows change, set by database triggers
    (migration 0012), so that each process's copy of Find's index (app/services/find/index.py) knows when to
    read them again. No row (tables emptied) means unknown: nothing read is reused."""

    __tablename__ = "find_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
