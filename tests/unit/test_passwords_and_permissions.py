from types import SimpleNamespace

import pytest

from app import permissions
from app.models import Role
from app.services.people.accounts import TOO_COMMON, normalise_email, password_problem


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be 10 characters or more"),
        ("x" * 129, "Password must be 128 characters or fewer"),
        ("aaaaaaaaaaaa", "Password must not be the same few characters repeated"),
        ("me@example.org", "Password must not be your email address"),
        ("three random words", None),
        # Among the commonest leaked passwords, whatever their case.
        ("password123456", TOO_COMMON),
        ("PASSWORD123456", TOO_COMMON),
        ("qwertyuiop1", TOO_COMMON),
        ("liverpool1892", TOO_COMMON),
    ],
)
def test_password_rules(password, message):
    assert password_problem(password, email="ME@example.org") == message


def test_emails_are_compared_without_case_or_spaces():
    assert normalise_email("  Lee.Lead@Example.ORG ") == "lee.lead@example.org"


def person(role, organisation_id=None):
    return SimpleNamespace(is_authenticated=True, role=role, organisation_id=organisation_id)


def test_predicates_follow_the_roles():
    anonymous = SimpleNamespace(is_authenticated=False)
    lead = person(Role.LEAD, organisation_id=4)
    reviewer = person(Role.REVIEWER)
    admin = person(Role.ADMINISTRATOR)
    assert [permissions.is_administrator(p) for p in (anonymous, lead, reviewer, admin)] == [0, 0, 0, 1]
    assert [permissions.is_reviewer(p) for p in (anonymous, lead, reviewer, admin)] == [0, 0, 1, 1]
    assert [permissions.is_lead(p) for p in (anonymous, lead, reviewer, admin)] == [0, 1, 0, 0]
    assert not permissions.is_lead(person(Role.LEAD))  # a lead without an organisation cannot report
    assert permissions.can_read_emails(admin) and not permissions.can_read_emails(reviewer)
