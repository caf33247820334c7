"""Health checks for load balancers and monitoring.

`/health` answers 200 while the web process and its database answer (a load balancer keeps sending it
requests), and says whether a worker has finished a pass lately. `/health/ready` answers 503 as well when no
worker has (`WORKER_STALE_SECONDS`), so that monitoring pointed at it notices a dead worker: emails,
reminders and imports wait for it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter
from app.main import bp
from app.permissions import public
from app.services import worker_status


def _report() -> tuple[dict, bool, bool]:
    """The health report, whether the database answered, and whether a worker is alive."""
    try:
        db.session.execute(text("SELECT 1"))
        worker = worker_status.status(timedelta(seconds=current_app.config["WORKER_STALE_SECONDS"]))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unavailable", "worker": "unknown"}, False, False
    report = {
        "status": "ok" if worker.alive else "degraded",
        "database": "ok",
        "worker": worker.description,
        "worker_last_pass": worker.last_pass.isoformat(timespec="seconds") if worker.last_pass else None,
        "service": current_app.config["SERVICE_NAME"],
    }
    return report, True, worker.alive


@bp.route("/health")
@limiter.exempt
@public
def health():
    """200 when the service and its database answer, 503 when not; the worker's state in the body."""
    report, database_up, _ = _report()
    return report, 200 if database_up else 503


@bp.route("/health/ready")
@limiter.exempt
@public
def health_ready():
    """200 only when the database answers and a worker finished a pass lately."""
    report, database_up, worker_alive = _report()
    return report, 200 if database_up and worker_alive else 503
