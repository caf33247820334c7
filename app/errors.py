"""GOV.UK-style error pages."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger(__name__)

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    500: "errors/500.html",
    503: "errors/500.html",
}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _form_expired(error: CSRFError):
        g.rollback = True
        return render_template("errors/form_expired.html", back=request.path), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        g.rollback = True
        code = error.code or 500
        template = PAGES.get(code, "errors/400.html" if code < 500 else "errors/500.html")
        return render_template(template, error=error), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Unexpected error on %s %s", request.method, request.path)
        db.session.rollback()
        g.rollback = True
        return render_template("errors/500.html"), 500
