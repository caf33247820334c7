"""Who may do what: the view guards, over the pure predicates of app/services/people/access.py (which the
services and the templates use too).

Every view function carries exactly one guard from this module (`public`, `signed_in` or `requires(...)`);
tests/integration/test_route_guards.py lists every endpoint with the guard it must have.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user

from app.services.people.access import (
    Predicate,
    can_import_responses,
    can_manage_organisations,
    can_manage_rounds,
    can_manage_users,
    can_read_audit_log,
    can_read_emails,
    can_use_database,
    is_administrator,
    is_lead,
    is_reviewer,
    is_signed_in,
)


def database_reader(view: Callable) -> Callable:
    """The collaboration database's pages: signed-in people, or anyone on a public instance."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any):
        if not can_use_database(current_user):
            return _to_sign_in()
        return view(*args, **kwargs)

    guarded.guard = "can_use_database"  # type: ignore[attr-defined]
    return guarded


# Exposed to templates as `can.<name>(current_user)`.
TEMPLATE_PREDICATES = {
    "administrator": is_administrator,
    "reviewer": is_reviewer,
    "lead": is_lead,
    "manage_users": can_manage_users,
    "manage_organisations": can_manage_organisations,
    "manage_rounds": can_manage_rounds,
    "read_emails": can_read_emails,
    "import_responses": can_import_responses,
    "read_audit_log": can_read_audit_log,
    "use_database": can_use_database,
}


def public(view: Callable) -> Callable:
    """Anyone may see this page, signed in or not."""
    view.guard = "public"  # type: ignore[attr-defined]
    return view


def _to_sign_in():
    if request.accept_mimetypes.best == "application/json":
        return {"signed_in": False}, 401  # the timeout warning's fetch: it sends the person to sign in itself
    return redirect(url_for("auth.sign_in", next=request.full_path if request.query_string else request.path))


def signed_in(view: Callable) -> Callable:
    """Any signed-in person may see this page."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any):
        if not is_signed_in(current_user):
            return _to_sign_in()
        return view(*args, **kwargs)

    guarded.guard = "signed_in"  # type: ignore[attr-defined]
    return guarded


def requires(predicate: Predicate, *, hide: bool = True) -> Callable[[Callable], Callable]:
    """Only people for whom `predicate` holds; others get 404 (hide=True: not confirmed) or 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            if not is_signed_in(current_user):
                return _to_sign_in()
            if not predicate(current_user):
                abort(404 if hide else 403)
            return view(*args, **kwargs)

        guarded.guard = predicate.__name__  # type: ignore[attr-defined]
        return guarded

    return decorator
