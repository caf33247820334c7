"""Rounds: which one is current, each organisation's deadline, and whether leads may change answers."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import (
    DeadlineExtension,
    Organisation,
    QuestionnaireVersion,
    Round,
    RoundState,
    Submission,
    User,
)
from app.models.base import utcnow
from app.questionnaires.loader import load_definition
from app.questionnaires.schema import Questionnaire
from app.services import audit
from app.services.errors import DomainError, InvalidTransition

DEFAULT_DEFINITION = (
    Path(__file__).resolve().parents[2] / "questionnaires/definitions/collaboration-2026.1.yaml"
)


@lru_cache(maxsize=32)
def _parse(version_id: int, definition: str) -> Questionnaire:
    return load_definition(definition, source=f"questionnaire version {version_id}")


def questionnaire_for(version: QuestionnaireVersion) -> Questionnaire:
    """The loaded definition of a stored version (parsed once per process: versions never change)."""
    return _parse(version.id, version.definition)


_BY_ID: dict[int, Questionnaire] = {}


def questionnaire_by_id(version_id: int) -> Questionnaire:
    """As questionnaire_for, without loading the version's YAML from the database on every request.

    A version in use never changes; register_version, the one way to store or change a version, empties
    this cache, so a version changed before any round used it is read again."""
    if version_id not in _BY_ID:
        _BY_ID[version_id] = questionnaire_for(db.session.get_one(QuestionnaireVersion, version_id))
    return _BY_ID[version_id]


def register_version(definition_text: str) -> QuestionnaireVersion:
    """Store a definition as a version, or return the stored one with the same key and text."""
    questionnaire = load_definition(definition_text)
    _BY_ID.clear()
    existing = db.session.scalar(select(QuestionnaireVersion).filter_by(key=questionnaire.key))
    if existing is not None:
        if existing.definition != definition_text and is_used(existing):
            raise DomainError(f"Version {questionnaire.key} is used by a round and cannot be changed")
        existing.definition = definition_text
        existing.title = questionnaire.title
        return existing
    version = QuestionnaireVersion(
        key=questionnaire.key, title=questionnaire.title, definition=definition_text
    )
    db.session.add(version)
    db.session.flush()
    return version


def default_version() -> QuestionnaireVersion:
    """The shipped questionnaire's version. Once a round uses it, its stored text is what that round was
    answered on: a later release that changed the shipped file (new rules, say) leaves it as it was, and the
    change reaches rounds through a new version (the Questionnaire versions page)."""
    text = DEFAULT_DEFINITION.read_text(encoding="utf-8")
    key = load_definition(text).key
    existing = db.session.scalar(select(QuestionnaireVersion).filter_by(key=key))
    if existing is not None and existing.definition != text and is_used(existing):
        return existing
    return register_version(text)


def is_used(version: QuestionnaireVersion) -> bool:
    return (
        db.session.scalar(select(Round.id).filter_by(questionnaire_version_id=version.id).limit(1))
        is not None
    )


def has_returns(round_: Round) -> bool:
    """Whether any lead has started a project in the round: its questionnaire is then fixed."""
    return db.session.scalar(select(Submission.id).filter_by(round_id=round_.id).limit(1)) is not None


def current_round(now: datetime | None = None) -> Round | None:
    """The open round with the nearest deadline; else the next to open; else the most recently closed."""
    now = now or utcnow()
    rounds = db.session.scalars(select(Round).order_by(Round.deadline)).all()
    open_rounds = [r for r in rounds if r.state(now) == RoundState.OPEN]
    if open_rounds:
        return open_rounds[0]
    upcoming = [r for r in rounds if r.state(now) == RoundState.UPCOMING]
    if upcoming:
        return min(upcoming, key=lambda r: r.opens_at)
    return rounds[-1] if rounds else None


def deadline_for(round_: Round, organisation_id: int) -> datetime:
    extension = next((e for e in round_.extensions if e.organisation_id == organisation_id), None)
    return max(round_.deadline, extension.deadline) if extension else round_.deadline


def accepting_changes(round_: Round, organisation_id: int, now: datetime | None = None) -> bool:
    """Leads may change and submit between the opening time and their deadline."""
    now = now or utcnow()
    return round_.opens_at <= now <= deadline_for(round_, organisation_id)


def why_not_accepting(round_: Round, organisation_id: int, now: datetime | None = None) -> str | None:
    now = now or utcnow()
    if now < round_.opens_at:
        return "This round has not opened yet"
    if now > deadline_for(round_, organisation_id):
        return "The deadline for this round has passed"
    return None


def validate_offsets(offsets: list[int]) -> list[int]:
    cleaned = sorted({int(o) for o in offsets}, reverse=True)
    if any(o < 0 or o > 365 for o in cleaned):
        raise DomainError("Reminder days must be between 0 and 365 days before the deadline")
    return cleaned


def create_round(
    *,
    title: str,
    opens_at: datetime,
    deadline: datetime,
    version: QuestionnaireVersion,
    reminder_offsets: list[int] | None = None,
    deadline_passed_notice: bool = False,
    by: User | None = None,
) -> Round:
    if deadline <= opens_at:
        raise DomainError("The deadline must be after the opening time")
    round_ = Round(
        title=title.strip(),
        opens_at=opens_at,
        deadline=deadline,
        questionnaire_version=version,
        reminder_offsets=validate_offsets(
            reminder_offsets if reminder_offsets is not None else [14, 7, 2, 1]
        ),
        deadline_passed_notice=deadline_passed_notice,
    )
    db.session.add(round_)
    db.session.flush()
    audit.record("round.created", actor=by, subject=round_, title=round_.title)
    return round_


def update_round(
    round_: Round,
    *,
    title: str,
    opens_at: datetime,
    deadline: datetime,
    reminder_offsets: list[int],
    deadline_passed_notice: bool = False,
    version: QuestionnaireVersion | None = None,
    by: User,
) -> None:
    if deadline <= opens_at:
        raise DomainError("The deadline must be after the opening time")
    changes: dict[str, Any] = {}
    if version is not None and version.id != round_.questionnaire_version_id:
        if has_returns(round_):
            raise DomainError("Leads have started returns in this round, so its questionnaire cannot change")
        changes["questionnaire"] = version.key
        round_.questionnaire_version = version
    fields = (
        ("title", title.strip()),
        ("opens_at", opens_at),
        ("deadline", deadline),
        ("deadline_passed_notice", deadline_passed_notice),
    )
    for name, value in fields:
        if getattr(round_, name) != value:
            changes[name] = str(value)
            setattr(round_, name, value)
    offsets = validate_offsets(reminder_offsets)
    if offsets != round_.reminder_offsets:
        changes["reminder_offsets"] = offsets
        round_.reminder_offsets = offsets
    if changes:
        audit.record("round.changed", actor=by, subject=round_, **changes)


def open_now(round_: Round, *, by: User, now: datetime | None = None) -> None:
    """Open an upcoming round straight away: its opening time becomes now; the deadline stays."""
    now = now or utcnow()
    if round_.state(now) != RoundState.UPCOMING:
        raise InvalidTransition(f"{round_.title} has already opened")
    before = round_.opens_at
    round_.opens_at = now
    audit.record("round.opened_now", actor=by, subject=round_, opens_at_before=str(before), opens_at=str(now))


def close_now(round_: Round, *, by: User, now: datetime | None = None) -> None:
    """Close an open round straight away: its deadline becomes now. Organisations with a later deadline of
    their own (an extension) may carry on until it; nobody else can change or submit."""
    now = now or utcnow()
    if round_.state(now) != RoundState.OPEN:
        raise InvalidTransition(f"{round_.title} is not open")
    before = round_.deadline
    round_.deadline = now
    audit.record(
        "round.closed_now",
        actor=by,
        subject=round_,
        deadline_before=str(before),
        deadline=str(now),
        extensions_still_open=[e.organisation_id for e in round_.extensions if e.deadline > now],
    )


def extend_deadline(
    round_: Round, organisation_id: int, deadline: datetime, *, by: User, reason: str = ""
) -> DeadlineExtension:
    if deadline <= round_.deadline:
        raise DomainError("An extended deadline must be after the round's deadline")
    extension = next((e for e in round_.extensions if e.organisation_id == organisation_id), None)
    before = extension.deadline if extension is not None else None
    if extension is None:
        extension = DeadlineExtension(
            organisation_id=organisation_id, deadline=deadline, reason=reason or None
        )
        round_.extensions.append(extension)
    else:
        extension.deadline = deadline
        extension.reason = reason or extension.reason
    audit.record(
        "round.deadline_extended",
        actor=by,
        subject=round_,
        organisation_id=organisation_id,
        deadline=str(deadline),
        **({"deadline_before": str(before)} if before is not None else {}),
        **({"reason": reason} if reason else {}),
    )
    return extension


def extend_deadlines(
    round_: Round,
    organisation_ids: list[int],
    deadline: datetime,
    *,
    by: User,
    reason: str,
    now: datetime | None = None,
) -> list[DeadlineExtension]:
    """Give several organisations the same later deadline (or move theirs to it); one audit event each."""
    now = now or utcnow()
    if not organisation_ids:
        raise DomainError("Select at least one organisation")
    if deadline <= round_.deadline:
        raise DomainError("The new deadline must be after the round's deadline")
    if deadline <= now:
        raise DomainError("The new deadline must be in the future")
    known = set(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(organisation_ids), Organisation.active.is_(True)
            )
        )
    )
    if known != set(organisation_ids):
        raise DomainError("Select organisations from the list")
    return [
        extend_deadline(round_, organisation_id, deadline, by=by, reason=reason)
        for organisation_id in sorted(known)
    ]


def remove_extension(round_: Round, extension: DeadlineExtension, *, by: User) -> None:
    """The organisation goes back to the round's deadline."""
    round_.extensions.remove(extension)
    audit.record(
        "round.extension_removed",
        actor=by,
        subject=round_,
        organisation_id=extension.organisation_id,
        deadline=str(extension.deadline),
    )


def all_rounds() -> list[Round]:
    return list(db.session.scalars(select(Round).order_by(Round.opens_at.desc())))
