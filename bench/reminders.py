"""Reminders at scale: 10,000 leads in 3,000 organisations (or --count leads), and the worker's email rate.

    .venv/bin/python -m bench.reminders --db both [--count 10000]

1. Plan: the time `reminders.plan` takes to plan the reminders that have come due.
2. Decide and queue: the time `reminders.send_planned` takes to decide every planned reminder and queue its
   email (target under 5 s for 10,000), beside two baselines measured in the same run: rendering the
   reminder's two templates once per email (what writing each email cost before it was a mail merge), and the
   bare INSERT of the same outbox rows in one executemany (rolled back), the least queueing can cost.
3. Deliver: emails per second the outbox worker (`outbox.send_due`) delivers to an SMTP server on loopback,
   building each message as it sends it, beside raw smtplib sending the same messages, built beforehand, over
   one connection to the same server, in the same run (target: at least 0.8 of raw smtplib).
"""

from __future__ import annotations

import argparse
import os
import smtplib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.server import POSTGRESQL_SERVER, fresh_database

LEADS = 10_000
DELIVERED = 2_000
TARGET_SECONDS = 5.0


def organisations_for(leads: int) -> int:
    return max(1, leads * 3 // 10)


def _populate(app, leads: int = LEADS) -> None:
    from app.extensions import db
    from app.models import Organisation, User
    from app.services.rounds import deadlines as rounds

    db.session.execute(
        insert(Organisation),
        [
            {"name": f"Organisation {n:04d}", "sector": "police", "region": "south_east", "active": True}
            for n in range(organisations_for(leads))
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
            for n in range(leads)
        ],
    )
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=datetime(2026, 10, 1, 8, tzinfo=UTC),
        deadline=datetime(2026, 12, 18, 23, 59, tzinfo=UTC),
        version=rounds.default_version(),
    )
    db.session.commit()


def _render_baseline(app, count: int, now: datetime) -> float:
    """Seconds to render the reminder's two templates `count` times, a lead at a time, as before."""
    from app.extensions import db
    from app.models import Round, User
    from app.services.email import outbox, reminder_content

    round_ = db.session.scalars(select(Round)).one()
    users = db.session.scalars(select(User).order_by(User.id).limit(count)).all()
    work = reminder_content.Outstanding(nothing_yet=True)
    subject = reminder_content.subject_for(round_, round_.deadline, now)
    started = time.perf_counter()
    for n in range(count):
        user = users[n % len(users)]
        context = reminder_content.email_context(round_, user, work, round_.deadline, now)
        outbox.render("reminder", outbox.context_for(subject, **context))
    return time.perf_counter() - started


def _insert_baseline() -> float:
    """Seconds for the bare INSERT of rows like every queued reminder's, in one executemany, rolled back."""
    from app.extensions import db
    from app.models import OutboundEmail

    table = OutboundEmail.__table__
    columns = [c for c in table.c if c.name != "id"]
    rows = [
        {**row._asdict(), "idempotency_key": "copy:" + row.idempotency_key}
        for row in db.session.execute(select(*columns))
    ]
    db.session.commit()
    started = time.perf_counter()
    db.session.execute(insert(table), rows)
    seconds = time.perf_counter() - started
    db.session.rollback()
    return seconds


def run(kind: str, workdir: Path, leads: int = LEADS) -> dict:
    from app import create_app
    from app.extensions import db
    from app.services.email import outbox, reminders
    from tests.smtp import SmtpServer

    with fresh_database(kind, workdir, POSTGRESQL_SERVER) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            _populate(app, leads)
            due = datetime(2026, 12, 11, 9, 0, 30, tzinfo=UTC)  # the 7-day reminder has come due
            started = time.perf_counter()
            planned = reminders.plan(due)
            db.session.commit()
            plan_seconds = time.perf_counter() - started
            started = time.perf_counter()
            queued = reminders.send_planned(due)
            decide_seconds = time.perf_counter() - started
            render_seconds = _render_baseline(app, queued.sent, due)
            insert_seconds = _insert_baseline()

            smtp = SmtpServer()
            smtp.start()
            app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=10)
            try:
                # The same messages, built as the worker builds them, sent raw over one connection first.
                from app.models import OutboundEmail

                sample = db.session.scalars(
                    select(OutboundEmail).order_by(OutboundEmail.id).limit(DELIVERED)
                ).all()
                messages = [(e.recipient, outbox.message(e)) for e in sample]
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
        "render_seconds": render_seconds,
        "insert_seconds": insert_seconds,
        "raw_rate": len(messages) / raw_seconds,
        "worker_rate": result.sent / worker_seconds,
        "worker_sent": result.sent,
    }


def _load() -> str:
    try:
        return "load average " + ", ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--count", type=int, default=LEADS, help="leads, each due one reminder (10,000)")
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(
        f"Reminders for {args.count:,} leads in {organisations_for(args.count):,} organisations; "
        f"{min(DELIVERED, args.count):,} emails delivered; {os.cpu_count()} CPUs, {_load()}"
    )
    print(
        f"{'db':<11} {'plan s':>7} {'decide s':>9} {'render s':>9} {'ratio':>6} {'INSERT s':>9} {'ratio':>6}"
        f" {'worker/s':>9} {'smtplib/s':>10} {'ratio':>6}  verdict"
    )
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            figures = run(kind, Path(workdir), args.count)
            ratio = figures["worker_rate"] / figures["raw_rate"]
            decide = figures["decide_seconds"]
            limit = TARGET_SECONDS * args.count / LEADS
            verdict = "decide {} {:.1f} s, delivery {} 0.8".format(
                "under" if decide < limit else "OVER", limit, "at least" if ratio >= 0.8 else "BELOW"
            )
            render, bare = figures["render_seconds"], figures["insert_seconds"]
            print(
                f"{kind:<11} {figures['plan_seconds']:>7.2f} {decide:>9.2f} {render:>9.2f} "
                f"{decide / render:>6.2f} {bare:>9.2f} "
                f"{decide / bare:>6.2f} {figures['worker_rate']:>9.0f} "
                f"{figures['raw_rate']:>10.0f} {ratio:>6.2f}  {verdict}"
            )
            print(
                f"{'':<11} planned {figures['planned']:,}, queued {figures['queued']:,}, "
                f"worker sent {figures['worker_sent']:,}; {_load()}"
            )
    print(
        "decide s: deciding and queueing every reminder; render s: rendering its two templates once per "
        "email, as before; INSERT s: the bare INSERT of the same rows; ratio: decide s over each"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
