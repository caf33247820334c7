"""`flask users reset-two-factor`: for when the only administrator has lost their phone and recovery codes."""

from __future__ import annotations

import click

from app.cli.users import users
from app.extensions import db
from app.services.errors import DomainError
from app.services.people import accounts, two_factor


@users.command("reset-two-factor")
@click.option("--email", prompt="Email address", help="The email address of the person who lost their phone.")
def reset_two_factor(email: str) -> None:
    """Turn off someone's two-factor authentication and sign them out everywhere."""
    person = accounts.find_by_email(email)
    if person is None:
        raise click.ClickException(f"There is no account for {accounts.normalise_email(email)}")
    try:
        two_factor.reset(person, by=None)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    then = (
        "They must set it up again when they next sign in."
        if two_factor.required_for(person)
        else "They sign in with their password alone until they set it up again."
    )
    click.echo(f"Two-factor authentication reset for {person.email}. {then}")
