from flask import Blueprint

bp = Blueprint("submit", __name__, url_prefix="/projects")

from app.submit import pages, views  # noqa: E402, F401
