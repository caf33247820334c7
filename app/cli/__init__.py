"""Flask CLI commands: `flask users`, `flask orgs`, `flask outbox`, `flask worker`, `flask demo`."""

from flask import Flask


def register(app: Flask) -> None:
    from app.cli.demo import demo
    from app.cli.orgs import orgs
    from app.cli.users import users
    from app.cli.worker import outbox, worker

    for command in (demo, orgs, users, outbox, worker):
        app.cli.add_command(command)
