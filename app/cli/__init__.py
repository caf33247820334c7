"""Flask CLI commands: users, orgs, rounds, outbox, worker, retention, backup, demo and import."""

from flask import Flask


def register(app: Flask) -> None:
    from app.cli.backup import backup
    from app.cli.demo import demo
    from app.cli.imports import import_group
    from app.cli.orgs import orgs
    from app.cli.reminders import reminders
    from app.cli.retention import retention
    from app.cli.rounds import rounds
    from app.cli.two_factor import reset_two_factor  # noqa: F401  (a command of the users group)
    from app.cli.users import users
    from app.cli.worker import outbox, worker

    for command in (backup, demo, import_group, orgs, reminders, retention, rounds, users, outbox, worker):
        app.cli.add_command(command)
