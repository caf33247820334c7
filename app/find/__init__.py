from flask import Blueprint

bp = Blueprint("find", __name__, url_prefix="/find")

from app.find import downloads, organisations, overview, views  # noqa: E402, F401
