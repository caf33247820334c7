"""gunicorn settings for the service: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Every setting here can be changed by an environment variable (in the systemd unit's environment file) without
editing this file: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import os

# nginx in front, on the same machine. A Unix socket works too: GUNICORN_BIND=unix:/run/collaboration/web.sock
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threaded workers: a page mostly waits for the database, and a download streams for up to a minute or two
# (90,000 records as XLSX: 45-85 s, see bench/README.md), so each process serves several requests at once.
# Each process keeps its own copy of Find's index (up to ~25 MB at 100,000 records): a few processes with
# several threads each use less memory than many single-threaded ones. Rate limits and sessions are shared
# (Redis, signed cookies), so any process can serve any request.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# With gthread workers, `timeout` is how long a worker process may stop answering its master (stuck, not
# busy): a long download runs in a thread and does not count against it. It is not a limit on a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On reload or stop (systemd's SIGHUP / SIGTERM), requests in flight get this long to finish: long enough
# for a large download to complete. Keep systemd's TimeoutStopSec above it.
graceful_timeout = 120
# nginx keeps connections to us open between requests.
keepalive = 75

# The app writes one line per request (request id, user, status, time) to standard error, which systemd's
# journal collects; gunicorn's own access log would only repeat it without the user or request id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
capture_output = True
if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own lines (workers starting and stopping, errors) as JSON too, with the app's formatter.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.request_log.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["stderr"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True}},
    }

# The client's address and scheme are worked out by the app (TRUSTED_PROXIES, werkzeug's ProxyFix) from
# X-Forwarded-For and X-Forwarded-Proto, in one place: gunicorn itself trusts no forwarded header.
forwarded_allow_ips = ""

# Worker heartbeats in memory rather than on disk (the unit's file system is read-only).
worker_tmp_dir = "/dev/shm"  # noqa: S108  (gunicorn's own advice; one file per worker, its own)
# No control socket: nothing but systemd manages these processes.
control_socket_disable = True
# The app is loaded in each worker, not in the master: `systemctl reload` (SIGHUP) then starts workers on
# the new code, and no database connection is shared across a fork.
preload_app = False
# Workers are not recycled after N requests: each new process reads Find's index again (about 1 s at
# 100,000 records), and the service's memory does not grow with requests (bench/README.md).
max_requests = 0

# Refuse oversized headers early (the app has MAX_CONTENT_LENGTH for bodies; nginx has client_max_body_size).
limit_request_line = 8190
limit_request_fields = 100
