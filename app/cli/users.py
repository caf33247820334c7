"""`flask users create-admin`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Role
from app.services import audit
from app.services.errors import DomainError
from app.services.people import accounts

users = AppGroup("users", help="Manage people who sign in.")


@users.command("create-admin")
@click.option("--email", prompt="Email address", help="The administrator's email address.")
@click.option("--name", prompt="Full name", help="The administrator's full name.")
@click.password_option("--password", help="Prompted for (hidden) when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator who can sign in straight away."""
    problem = accounts.password_problem(password, email=email)
    if problem:
        raise click.ClickException(problem)
    try:
        user = accounts.create_user(email=email, name=name, role=Role.ADMINISTRATOR, password=password)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    audit.record("user.created", subject=user, via="command line", role=user.role.value)
    db.session.commit()
    click.echo(f"Created administrator {user.email}")
