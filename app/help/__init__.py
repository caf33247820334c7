from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/help")

from app.help import views  # noqa: E402, F401
