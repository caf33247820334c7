from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import emails, imports, reminders, rounds, users  # noqa: E402, F401
