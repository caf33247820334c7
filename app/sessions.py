"""Who is signed in, when an idle session ends, and the one commit point of every request."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from app.extensions import db, login_manager
from app.models import KeptForm, User
from app.models.base import utcnow
from app.services import accounts

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Requests that must not count as activity: the page asking how long is left would otherwise keep it alive.
PASSIVE_ENDPOINTS = {"static", "main.health"}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
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
        if now - last_seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
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
        session["last_seen"] = now
        session.permanent = True
        return None

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


KEPT_FORM_HOURS = 24


def _keep_form(user: User) -> None:
    """Keep what was posted after the session ended, to put back in the form once they have signed in."""
    data = {key: values for key, values in request.form.lists() if key != "csrf_token"}
    token = secrets.token_urlsafe(24)
    db.session.add(KeptForm(token=token, user_id=user.id, path=request.path, data=data))
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
