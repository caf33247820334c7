"""Who is signed in, when an idle session ends, and the one commit point of every request."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.boundary import storable
from app.extensions import db, login_manager
from app.models import KeptForm, User
from app.models.base import utcnow
from app.services.people import accounts, two_factor

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Requests that must not count as activity: the page asking how long is left would otherwise keep it alive.
PASSIVE_ENDPOINTS = {"static", "main.health", "main.health_ready"}
# All that someone who must set up two-factor authentication (REQUIRE_2FA) may use until they have.
SET_UP_FIRST_ENDPOINTS = PASSIVE_ENDPOINTS | {
    "auth.two_factor_set_up",
    "auth.sign_out",
    "auth.signed_out",
    "auth.keep_alive",
    "main.accessibility",
    "main.privacy",
    "main.cookies",
}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    # A changed password (new token) or a deactivated account ends every session at once.
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def register(app: Flask) -> None:
    @app.before_request
    def _end_idle_session():
        if request.endpoint in PASSIVE_ENDPOINTS or not current_user.is_authenticated:
            return None
        now = time.time()
        last_seen = session.get("last_seen", now)
        idle_seconds = current_app.config["SESSION_IDLE_MINUTES"] * 60
        # The time seen last is written only when it is a sixtieth of the idle time old (30 s of 30 minutes):
        # a request that leaves the session as it was sends no new cookie, which saves signing one on every
        # page. So a session ends between the idle time and a sixtieth more after the last request, never
        # before.
        step = idle_seconds / 60
        if now - last_seen > idle_seconds + step:
            user = current_user._get_current_object()
            accounts.record_sign_out(user, ip_address=request.remote_addr, reason="idle timeout")
            wants_json = request.accept_mimetypes.best == "application/json"
            if request.method == "POST" and not wants_json:
                _keep_form(user)
            db.session.commit()
            logout_user()
            session.pop("last_seen", None)
            flash("You were signed out because you did not do anything for a while", "timeout")
            if wants_json:
                return {"signed_in": False}, 401
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if "last_seen" not in session or now - last_seen >= step:
            session["last_seen"] = now
        if not session.permanent:
            session.permanent = True
        return None

    @app.before_request
    def _set_up_two_factor_first():
        """Runs after the idle check, so that an idle session ends before anything else is said."""
        if request.endpoint in SET_UP_FIRST_ENDPOINTS or not two_factor.must_set_up(current_user):
            return None
        if request.accept_mimetypes.best == "application/json":
            return {"signed_in": True, "two_factor_set_up_needed": True}, 403
        target = request.full_path.rstrip("?") if request.method in SAFE_METHODS else None
        return redirect(url_for("auth.two_factor_set_up", next=target))

    @app.after_request
    def _not_stored(response):
        """Pages and downloads depend on who asks (signed in or not, their role and organisation): no
        browser or proxy may keep a copy to show someone else, or after signing out. Static files only."""
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def _commit(response):
        """Changes made answering a successful POST are committed once, here; anything else rolls back."""
        if request.method in SAFE_METHODS:
            # Nothing to commit. A download may still be streaming from loaded rows, so they are not expired
            # here: the session is rolled back and closed when the request ends.
            return response
        if response.status_code < 400 and not g.get("rollback"):
            db.session.commit()
        else:
            db.session.rollback()
        return response


def start_session(user: User) -> None:
    """Sign the person in on a new session, as after every change of privilege, so that a session identifier
    planted before cannot ride along; only the form kept from an ended session carries over."""
    fresh_session()
    login_user(user)


# Between a correct password and a correct second factor: who, until when, and where they were going.
SECOND_STEP = "second_step"
SECOND_STEP_MINUTES = 5


def begin_second_step(user: User, next_url: str) -> None:
    """The password was right but the person is not signed in yet: remember them for a few minutes while
    they find their code. The session is new from here on."""
    fresh_session()
    session[SECOND_STEP] = {
        "user": user.id,
        "token": user.session_token,
        "until": time.time() + SECOND_STEP_MINUTES * 60,
        "next": next_url,
    }


def second_step() -> tuple[User | None, str | None, str | None]:
    """(the person half-way through signing in, where they were going, why there is nobody): the reason is
    "expired" when they took too long, None otherwise."""
    pending = session.get(SECOND_STEP)
    if not isinstance(pending, dict):
        return None, None, None
    next_url = pending.get("next")
    if time.time() > pending.get("until", 0):
        session.pop(SECOND_STEP, None)
        return None, next_url, "expired"
    user_id = pending.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    # A password changed or an account deactivated meanwhile ends the attempt too.
    if (
        user is None
        or user.session_token != pending.get("token")
        or not user.active
        or not user.has_two_factor
    ):
        session.pop(SECOND_STEP, None)
        return None, next_url, None
    return user, next_url, None


def second_step_user_id() -> int | None:
    pending = session.get(SECOND_STEP)
    return pending.get("user") if isinstance(pending, dict) else None


def fresh_session() -> None:
    """An empty session but for the form kept from an ended one, which its owner gets back once signed in."""
    kept_form = session.get("kept_form")
    session.clear()
    if kept_form:
        session["kept_form"] = kept_form


KEPT_FORM_HOURS = 24


def _keep_form(user: User) -> None:
    """Keep what was posted after the session ended, to put back in the form once they have signed in."""
    data = {key: values for key, values in request.form.lists() if key != "csrf_token"}
    token = secrets.token_urlsafe(24)
    db.session.add(KeptForm(token=token, user_id=user.id, path=storable(request.path), data=data))
    session["kept_form"] = token


def take_kept_form(path: str) -> dict[str, list[str]] | None:
    """The form data kept for this page and this person, once; None when there is none."""
    token = session.get("kept_form")
    if not token or not current_user.is_authenticated:
        return None
    kept = db.session.scalar(select(KeptForm).filter_by(token=token))
    if kept is None or kept.path != path or kept.user_id != current_user.id:
        return None
    if utcnow() - kept.created_at > timedelta(hours=KEPT_FORM_HOURS):
        return None
    session.pop("kept_form", None)
    return kept.data
