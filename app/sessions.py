"""Who is signed in, when an idle session ends, and the one commit point of every request."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from app.extensions import db, login_manager
from app.models import User
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
            db.session.commit()
            logout_user()
            session.pop("last_seen", None)
            flash("You were signed out because you did not do anything for a while", "timeout")
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        session["last_seen"] = now
        session.permanent = True
        return None

    @app.after_request
    def _commit(response):
        """Changes made answering a successful POST are committed once, here; anything else rolls back."""
        if request.method not in SAFE_METHODS and response.status_code < 400 and not g.get("rollback"):
            db.session.commit()
        else:
            db.session.rollback()
        return response
