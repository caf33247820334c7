"""A read-only JSON API of the published records, with the same filters and visibility as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import views  # noqa: E402, F401
