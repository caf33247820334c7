from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Record, Role, Round, User
from tests.conftest import sign_in


def test_create_admin_makes_an_administrator_who_can_sign_in(runner, client):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "Boss@Example.org", "--name", "Bo Boss"],
        input="a long enough passphrase\na long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator boss@example.org" in result.output
    person = db.session.scalar(select(User).filter_by(email="boss@example.org"))
    assert person.role == Role.ADMINISTRATOR
    assert person.password_hash.startswith("scrypt:")
    assert db.session.scalar(select(AuditEvent.action)) == "user.created"
    sign_in(client, "boss@example.org", "a long enough passphrase")


def test_create_admin_refuses_a_weak_password_or_a_taken_email(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "boss@example.org", "--name", "Bo", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "Password must be 10 characters or more" in result.output
    args = [
        "users",
        "create-admin",
        "--email",
        "boss@example.org",
        "--name",
        "Bo",
        "--password",
        "long enough one",
    ]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "There is already an account for boss@example.org" in result.output
    assert len(db.session.scalars(select(User)).all()) == 1


def test_demo_setup_loads_organisations_and_people_once(runner):
    first = runner.invoke(args=["demo", "setup"])
    assert first.exit_code == 0, first.output
    assert "Loaded 147 organisations" in first.output
    assert "Published 220 example records" in first.output
    assert "admin@example.org" in first.output
    # The README's example exports, each in its closed round: the overview has earlier rounds to compare.
    assert "Imported 20 projects from overview-2016.xlsx into Collaboration return 2016" in first.output
    assert "Imported 56 projects from surveymonkey-collaboration-2017.csv into Collaboration return 2017" in (
        first.output
    )
    second = runner.invoke(args=["demo", "setup"])
    assert "Loaded" not in second.output
    assert "Imported" not in second.output
    assert len(db.session.scalars(select(User)).all()) == 4
    counted = select(Round.title, func.count(Record.id)).join(Record, Record.round_id == Round.id)
    per_round = dict(db.session.execute(counted.group_by(Round.title)).all())
    assert per_round.pop("Collaboration return 2016") == 20
    assert per_round.pop("Collaboration return 2017") == 56
    assert list(per_round.values()) == [220]  # the open round's
