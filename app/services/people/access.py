"""Who may do what: pure predicates on a person, without a request. The services ask them; app/permissions.py
gives them to the view guards and the templates too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from app.models import Role, User

Predicate = Callable[[User], bool]


def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_administrator(user: Any) -> bool:
    return is_signed_in(user) and user.role == Role.ADMINISTRATOR


def is_reviewer(user: Any) -> bool:
    return is_signed_in(user) and user.role in (Role.REVIEWER, Role.ADMINISTRATOR)


def is_lead(user: Any) -> bool:
    return is_signed_in(user) and user.role == Role.LEAD and user.organisation_id is not None


def can_manage_users(user: Any) -> bool:
    return is_administrator(user)


def can_manage_organisations(user: Any) -> bool:
    return is_administrator(user)


def can_manage_rounds(user: Any) -> bool:
    return is_administrator(user)


def can_read_emails(user: Any) -> bool:
    return is_administrator(user)


def can_import_responses(user: Any) -> bool:
    return is_administrator(user)


def can_read_audit_log(user: Any) -> bool:
    return is_administrator(user)


def can_use_database(user: Any) -> bool:
    """Signed-in people; anyone else only when the instance opens its public records (PUBLIC_DATABASE)."""
    return is_signed_in(user) or bool(current_app.config.get("PUBLIC_DATABASE"))
