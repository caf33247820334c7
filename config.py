"""Configuration by environment.

`APP_ENV` picks the class: development (the default, for `make run`), testing, or production.
Every setting can be overridden by an environment variable of the same name; the README lists them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL") or default
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    """Read from the environment when the app is created, not when this module is imported."""

    ENV_NAME = "development"

    def __init__(self) -> None:
        env = os.environ
        self.SERVICE_NAME = env.get("SERVICE_NAME", "Emergency services collaboration returns")
        self.BASE_URL = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SECRET_KEY = env.get("SECRET_KEY", "development-only-secret-key-change-me")

        self.SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'collaboration.sqlite'}")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

        # Sessions live in signed cookies so that any web process can serve any request.
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
        self.SESSION_WARNING_MINUTES = _int("SESSION_WARNING_MINUTES", 2)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
        # A cookie is sent again only when the session changes (app/sessions.py keeps the idle clock).
        self.SESSION_REFRESH_EACH_REQUEST = False

        self.WTF_CSRF_TIME_LIMIT = None  # the CSRF token lives as long as the session
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)
        # The largest file of earlier responses an administrator may upload (below MAX_CONTENT_LENGTH).
        self.IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)

        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = _int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS")
        self.MAIL_USE_SSL = _bool("MAIL_USE_SSL")
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", "collaboration-returns@example.org")
        self.MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
        # Where feedback from the help pages is emailed (it is kept in the database either way).
        self.SUPPORT_EMAIL = env.get("SUPPORT_EMAIL", "support@example.org")
        self.OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 6)
        self.OUTBOX_BACKOFF_SECONDS = _int("OUTBOX_BACKOFF_SECONDS", 60)
        self.WORKER_INTERVAL_SECONDS = _int("WORKER_INTERVAL_SECONDS", 5)
        # Data retention: drafts never submitted, untouched this long after their round closed, are deleted;
        # the bodies of emails sent this long ago are cleared (the row stays for the record).
        self.RETENTION_DRAFT_DAYS = _int("RETENTION_DRAFT_DAYS", 365)
        self.RETENTION_OUTBOX_DAYS = _int("RETENTION_OUTBOX_DAYS", 90)

        # Downloads of more records than this (by format) are made by the worker, with a progress page, rather
        # than in the request: about 10 s of writing at half the rates bench/downloads.py measured (records a
        # second: CSV about 20,000-28,000, JSON 18,000, XLSX 5,000-5,700), allowing for a busy machine.
        self.FIND_DOWNLOAD_WORKER_ABOVE = {
            "csv": _int("FIND_DOWNLOAD_WORKER_ABOVE_CSV", 100_000),
            "json": _int("FIND_DOWNLOAD_WORKER_ABOVE_JSON", 75_000),
            "xlsx": _int("FIND_DOWNLOAD_WORKER_ABOVE_XLSX", 25_000),
        }
        # Where the worker keeps those files (one folder shared by the web processes and the worker of one
        # machine; empty: the instance folder's "downloads"), and for how long.
        self.DOWNLOAD_FOLDER = env.get("DOWNLOAD_FOLDER", "")
        self.DOWNLOAD_KEEP_HOURS = _int("DOWNLOAD_KEEP_HOURS", 24)
        # How many such files one address may ask for (someone not signed in on a public instance included).
        self.DOWNLOAD_JOBS_LIMIT = env.get("DOWNLOAD_JOBS_LIMIT", "20 per hour")

        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        # memory:// counts in each process apart: with several web processes each allows the full limit.
        self.RATELIMIT_SINGLE_PROCESS = _bool("RATELIMIT_SINGLE_PROCESS", False)
        # How many proxies in front of the service set X-Forwarded-For (and -Proto, -Host, -Port): the
        # client's address is taken from them, for rate limits and the audit log. 0 trusts no such header.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.RATELIMIT_HEADERS_ENABLED = False
        self.SIGN_IN_LIMIT_PER_ACCOUNT = env.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
        self.SIGN_IN_LIMIT_PER_ADDRESS = env.get("SIGN_IN_LIMIT_PER_ADDRESS", "30 per 15 minutes")
        self.TWO_FACTOR_LIMIT_PER_ACCOUNT = env.get("TWO_FACTOR_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
        # Reviewers and administrators must sign in with a code from an authenticator app as well as their
        # password. Off by default for a laptop and the tests; on by default in production.
        self.REQUIRE_2FA = _bool("REQUIRE_2FA", False)

        self.PASSWORD_RESET_HOURS = 1
        self.INVITATION_DAYS = 7

        self.FORCE_HTTPS = _bool("FORCE_HTTPS", False)
        # Open the records whose owners chose public sharing to anyone, without signing in.
        self.PUBLIC_DATABASE = _bool("PUBLIC_DATABASE", False)
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        self.LOG_FORMAT = env.get("LOG_FORMAT", "text")  # or "json": one JSON object a line
        # /health/ready answers 503 when no worker has finished a pass for this long.
        self.WORKER_STALE_SECONDS = _int("WORKER_STALE_SECONDS", 300)


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "testing-secret-key"  # noqa: S105
        self.SQLALCHEMY_DATABASE_URI = "sqlite://"
        self.MAIL_SERVER = ""
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.OUTBOX_BACKOFF_SECONDS = 1
        self.BASE_URL = "http://127.0.0.1:5000"
        self.SERVICE_NAME = "Emergency services collaboration returns"
        self.REQUIRE_2FA = False  # tests that need it turn it on themselves


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without " + " and ".join(missing) + " set."
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise RuntimeError("SECRET_KEY must be at least 32 characters in production.")
        super().__init__()
        if self.RATELIMIT_STORAGE_URI.startswith("memory://") and not self.RATELIMIT_SINGLE_PROCESS:
            raise RuntimeError(
                "Production configuration refuses to start with rate limits counted in each process "
                "(RATELIMIT_STORAGE_URI=memory://): several web processes would each allow the whole limit. "
                "Set RATELIMIT_STORAGE_URI to Redis (redis://127.0.0.1:6379/0), or "
                "RATELIMIT_SINGLE_PROCESS=1 if the service really runs as one process."
            )
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        self.FORCE_HTTPS = _bool("FORCE_HTTPS", True)
        self.REQUIRE_2FA = _bool("REQUIRE_2FA", True)
        self.SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "")  # never the example address


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
