"""Opting out of deadline reminders from an email's link, without signing in."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

from app.reminders import views  # noqa: E402, F401
