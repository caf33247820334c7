"""Reminders at scale: planning for 10,000 leads in 3,000 organisations, and the worker's email rate.

    .venv/bin/python -m bench.reminders --db both

1. Plan: the time `reminders.plan` takes to plan the reminders that have come due (target under 5 s), and the
   time to decide and queue them (`send_planned`).
2. Deliver: emails per second the outbox worker (`outbox.send_due`) delivers to an SMTP server on loopback,
   beside raw smtplib sending the same messages over one connection to the same server, in the same run
   (target: at least 0.8 of raw smtplib).
"""

from __future__ import annotations

import argparse
import smtplib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.server import POSTGRESQL_SERVER, fresh_database

ORGANISATIONS = 3_000
LEADS = 10_000
DELIVERED = 2_000


def _populate(app) -> None:
    from app.extensions import db
    from app.models import Organisation, User
    from app.services.rounds import deadlines as rounds

    db.session.execute(
        insert(Organisation),
        [
            {"name": f"Organisation {n:04d}", "sector": "police", "region": "south_east", "active": True}
            for n in range(ORGANISATIONS)
        ],
    )
    ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    db.session.execute(
        insert(User),
        [
            {
                "email": f"lead{n:05d}@example.org",
                "name": f"Lead {n}",
                "role": "lead",
                "organisation_id": ids[n % len(ids)],
                "active": True,
                "session_token": f"t{n}",
            }
            for n in range(LEADS)
        ],
    )
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=datetime(2026, 10, 1, 8, tzinfo=UTC),
        deadline=datetime(2026, 12, 18, 23, 59, tzinfo=UTC),
        version=rounds.default_version(),
    )
    db.session.commit()


def run(kind: str, workdir: Path) -> dict:
    from app import create_app
    from app.extensions import db
    from app.services.email import outbox, reminders
    from tests.smtp import SmtpServer

    with fresh_database(kind, workdir, POSTGRESQL_SERVER) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            _populate(app)
            due = datetime(2026, 12, 11, 9, 0, 30, tzinfo=UTC)  # the 7-day reminder has come due
            started = time.perf_counter()
            planned = reminders.plan(due)
            db.session.commit()
            plan_seconds = time.perf_counter() - started
            started = time.perf_counter()
            queued = reminders.send_planned(due)
            decide_seconds = time.perf_counter() - started

            smtp = SmtpServer()
            smtp.start()
            app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=10)
            try:
                # The same messages, built as the worker builds them, sent raw over one connection first.
                from app.models import OutboundEmail

                sample = db.session.scalars(
                    select(OutboundEmail).order_by(OutboundEmail.id).limit(DELIVERED)
                ).all()
                messages = [(e.recipient, e.message) for e in sample]
                sender = app.config["MAIL_DEFAULT_SENDER"]
                started = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as connection:
                    for recipient, body in messages:
                        connection.sendmail(sender, [recipient], body)
                raw_seconds = time.perf_counter() - started

                ids = [e.id for e in sample]
                db.session.execute(
                    OutboundEmail.__table__.update()
                    .where(OutboundEmail.id.notin_(ids))
                    .values(next_attempt_at=due + timedelta(days=365))
                )
                db.session.commit()
                started = time.perf_counter()
                result = outbox.send_due(limit=DELIVERED, now=due + timedelta(seconds=1))
                worker_seconds = time.perf_counter() - started
            finally:
                smtp.stop()
            db.session.remove()
            db.engine.dispose()
    return {
        "database": kind,
        "planned": planned,
        "plan_seconds": plan_seconds,
        "queued": queued.sent,
        "decide_seconds": decide_seconds,
        "raw_rate": DELIVERED / raw_seconds,
        "worker_rate": result.sent / worker_seconds,
        "worker_sent": result.sent,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"Reminders for {LEADS:,} leads in {ORGANISATIONS:,} organisations; {DELIVERED:,} emails delivered")
    print(f"{'db':<11} {'plan s':>7} {'decide s':>9} {'worker/s':>9} {'smtplib/s':>10} {'ratio':>6}  verdict")
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            figures = run(kind, Path(workdir))
            ratio = figures["worker_rate"] / figures["raw_rate"]
            verdict = "plan {} 5 s, delivery {} 0.8".format(
                "under" if figures["plan_seconds"] < 5 else "OVER", "at least" if ratio >= 0.8 else "BELOW"
            )
            print(
                f"{kind:<11} {figures['plan_seconds']:>7.2f} {figures['decide_seconds']:>9.2f} "
                f"{figures['worker_rate']:>9.0f} {figures['raw_rate']:>10.0f} {ratio:>6.2f}  {verdict}"
            )
            print(
                f"{'':<11} planned {figures['planned']:,}, queued {figures['queued']:,}, "
                f"worker sent {figures['worker_sent']:,}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
