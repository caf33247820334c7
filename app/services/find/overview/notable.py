"""Notable practice: a reviewer marks an approved project as notable practice for some of its themes, with a
sentence why; administrators change or clear the choice later. Each choice is an audit event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import NotablePractice, Submission, User
from app.models.base import utcnow
from app.questionnaires.schema import Questionnaire
from app.services import audit
from app.services.errors import DomainError, NotAllowed
from app.services.people.access import is_administrator, is_reviewer
from app.services.submissions.lifecycle import questionnaire_of

REASON_LIMIT = 500


def of(submission: Submission) -> NotablePractice | None:
    return db.session.scalar(select(NotablePractice).filter_by(submission_id=submission.id))


def theme_choices(submission: Submission) -> list[str]:
    """The themes a project may be notable practice for: its own."""
    themes = questionnaire_of(submission).answer(submission.answers or {}, "themes") or []
    return [str(theme) for theme in (themes if isinstance(themes, list) else [themes])]


def theme_items(
    submission: Submission, questionnaire: Questionnaire, *, chosen: list[str] | None = None
) -> list[dict[str, Any]]:
    """The project's themes as GOV.UK checkbox items, with those chosen (or chosen before) ticked."""
    if chosen is None:
        current = of(submission)
        chosen = current.themes if current else []
    question = questionnaire.with_role("themes")
    return [
        {
            "value": theme,
            "text": question.choice_label(theme) if question else theme,
            "checked": theme in chosen,
        }
        for theme in theme_choices(submission)
    ]


def check(submission: Submission, themes: list[str], reason: str) -> tuple[list[str], str]:
    """The choice cleaned up, or DomainError saying what is wrong with it (nothing is changed)."""
    reason = " ".join((reason or "").split())
    allowed = theme_choices(submission)
    themes = [theme for theme in dict.fromkeys(themes) if theme]
    if any(theme not in allowed for theme in themes):
        raise DomainError("Choose themes from this project's own themes")
    if themes and not reason:
        raise DomainError("Enter a sentence saying why this project is notable practice")
    if reason and not themes:
        raise DomainError("Select the themes this project is notable practice for, or clear the sentence")
    if len(reason) > REASON_LIMIT:
        raise DomainError(f"The sentence must be {REASON_LIMIT} characters or fewer")
    return themes, reason


def choose(submission: Submission, themes: list[str], reason: str, *, by: User) -> NotablePractice | None:
    """Mark (themes and a reason), change, or clear (no themes) the choice. Reviewers make it when they
    approve; administrators may change it at any time after."""
    if not (is_administrator(by) or is_reviewer(by)):
        raise NotAllowed("Only reviewers and administrators choose notable practice")
    themes, reason = check(submission, themes, reason)
    current = of(submission)
    before = {"themes": current.themes, "reason": current.reason} if current else None
    if not themes:
        if current is None:
            return None
        db.session.delete(current)
        chosen = None
    else:
        chosen = current or NotablePractice(submission_id=submission.id)
        chosen.themes, chosen.reason, chosen.chosen_by, chosen.chosen_at = themes, reason, by, utcnow()
        db.session.add(chosen)
    after = {"themes": themes, "reason": reason} if themes else None
    if before != after:
        audit.record(
            "notable_practice.chosen" if after else "notable_practice.cleared",
            actor=by,
            subject=submission,
            organisation_id=submission.organisation_id,
            before=before,
            after=after,
        )
    db.session.flush()
    return chosen
