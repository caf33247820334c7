"""The home page, the health check and the service's standing pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter
from app.main import bp
from app.permissions import is_lead, public


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return render_template("main/start.html")
    if is_lead(current_user):
        return redirect(url_for("submit.projects"))
    return render_template("main/home.html")


@bp.route("/health")
@limiter.exempt
@public
def health():
    """For load balancers and monitoring: 200 when the service and its database answer, 503 when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok", "service": current_app.config["SERVICE_NAME"]}


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")


@bp.route("/cookies")
@public
def cookies():
    return render_template("main/cookies.html")
