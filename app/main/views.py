"""The home page and the service's standing pages (the health checks are in health.py)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

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
