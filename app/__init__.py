"""The application factory."""

from __future__ import annotations

import os

from flask import Flask
from flask_talisman import Talisman
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from app.boundary import register as register_boundary
from app.extensions import csrf, db, limiter, login_manager, mail, migrate
from app.ids import IdConverter
from app.proxies import register as register_proxies
from app.request_log import configure_logging
from app.templating import Service, Template
from config import CONFIGS, INSTANCE_DIR

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = config_name or os.environ.get("APP_ENV", "development")
    settings = CONFIGS[config_name]()  # production refuses to start here without its secrets

    app = Service(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(settings)
    app.config.update(overrides)
    INSTANCE_DIR.mkdir(exist_ok=True)
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    register_boundary(app)
    register_proxies(app)
    _configure_templates(app)
    _init_extensions(app)

    from app import models  # noqa: F401  (every table registered before Alembic looks)
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.cli import register as register_cli
    from app.errors import register as register_errors
    from app.find import bp as find_bp
    from app.help import bp as help_bp
    from app.main import bp as main_bp
    from app.reminders import bp as reminders_bp
    from app.request_log import register as register_request_log
    from app.review import bp as review_bp
    from app.sessions import register as register_sessions
    from app.static_versions import register as register_static_versions
    from app.submit import bp as submit_bp

    # Before any route is added: every <int:...> refuses numbers too large for an id (404, not 500).
    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(submit_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(find_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(help_bp)
    register_errors(app)
    register_request_log(app)
    register_static_versions(app)
    register_sessions(app)
    register_cli(app)
    return app


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.template_class = Template
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    from app import permissions
    from app.formatting import register as register_filters
    from app.forms.common import error_summary
    from app.services.people import two_factor

    register_filters(app)
    from app.charts import register as register_charts

    register_charts(app)
    app.add_template_global(error_summary)
    from app.forms.questionnaire import page_heading

    app.add_template_global(page_heading)

    @app.context_processor
    def _globals():
        return {
            "service_name": app.config["SERVICE_NAME"],
            "can": permissions.TEMPLATE_PREDICATES,
            "session_idle_minutes": app.config["SESSION_IDLE_MINUTES"],
            "session_warning_minutes": app.config["SESSION_WARNING_MINUTES"],
            "must_set_up_two_factor": two_factor.must_set_up,
        }


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    Talisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
