"""Password resets and invitations: single-use, expiring links sent through the outbox."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboundEmail, Role, User
from app.models.base import utcnow
from tests import factories
from tests.conftest import sign_in, submit_form

LINK = re.compile(r"http://127\.0\.0\.1:5000(/(?:reset-password|invitation)/[\w-]+)")


def emails_to(address: str) -> list[OutboundEmail]:
    return list(
        db.session.scalars(select(OutboundEmail).filter_by(recipient=address).order_by(OutboundEmail.id))
    )


def link_in(email: OutboundEmail) -> str:
    match = LINK.search(email.body_text)
    assert match, email.body_text
    assert match.group(0) in email.body_html
    return match.group(1)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_reset_link_sets_a_new_password_once(client):
    factories.reviewer(email="rhys@example.org")
    response = submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    assert response.headers["Location"] == "/forgotten-password/check-your-email"
    assert "we have sent it a link" in client.get("/forgotten-password/check-your-email").text
    [email] = emails_to("rhys@example.org")
    assert email.subject.startswith("Reset your password")
    link = link_in(email)

    page = client.get(link).text
    assert "Choose a new password" in page
    response = submit_form(
        client, link, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert response.headers["Location"] == "/sign-in"
    sign_in(client, "rhys@example.org", "a brand new passphrase")
    submit_form(client, "/sign-out", {}, form_url="/")

    response = client.get(link)
    assert response.status_code == 410
    assert "This link has already been used" in response.text
    assert [e.subject for e in emails_to("rhys@example.org")][-1] == "Your password has been changed"
    assert "password.changed" in audit_actions()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = submit_form(client, "/forgotten-password", {"email": "stranger@example.org"})
    assert response.headers["Location"] == "/forgotten-password/check-your-email"
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


def test_a_reset_link_expires_after_an_hour(client):
    factories.reviewer(email="rhys@example.org")
    submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    link = link_in(emails_to("rhys@example.org")[0])
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        response = client.get(link)
        assert response.status_code == 410
        assert "This link has expired" in response.text


def test_a_newer_reset_link_replaces_the_older_one(client):
    factories.reviewer(email="rhys@example.org")
    submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    first, second = (link_in(e) for e in emails_to("rhys@example.org"))
    assert "This link has been replaced by a newer one" in client.get(first).text
    assert client.get(second).status_code == 200


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(client):
    person = factories.reviewer(email="rhys@example.org")
    old_hash = person.password_hash
    submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    link = link_in(emails_to("rhys@example.org")[0])
    page = submit_form(client, link, {"password": "short", "confirm": "short"}).text
    assert "Password must be 10 characters or more" in page
    page = submit_form(client, link, {"password": "long enough one", "confirm": "long enough two"}).get_data(
        as_text=True
    )
    assert "The passwords do not match" in page
    page = submit_form(
        client, link, {"password": "rhys@example.org", "confirm": "rhys@example.org"}
    ).get_data(as_text=True)
    assert "Password must not be your email address" in page
    db.session.refresh(person)
    assert person.password_hash == old_hash
    assert client.get(link).status_code == 200


def test_a_bogus_link_is_not_valid(client):
    response = client.get("/reset-password/not-a-real-token")
    assert response.status_code == 410
    assert "This link is not valid" in response.text
    response = client.get("/invitation/" + "x" * 5000)
    assert response.status_code == 410


def test_resetting_a_password_ends_other_sessions(client, app):
    factories.reviewer(email="rhys@example.org")
    elsewhere = app.test_client()
    sign_in(elsewhere, "rhys@example.org", factories.PASSWORD)
    assert elsewhere.get("/account").status_code == 200
    submit_form(client, "/forgotten-password", {"email": "rhys@example.org"})
    link = link_in(emails_to("rhys@example.org")[0])
    submit_form(client, link, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert elsewhere.get("/account").status_code == 302


def test_an_administrator_invites_a_lead_who_sets_a_password_and_signs_in(client):
    factories.administrator(email="ada@example.org")
    kent = factories.organisation("Kent Police")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    response = submit_form(
        client,
        "/admin/users/invite",
        {"name": "Lee Lead", "email": "Lee@Example.org", "role": "lead", "organisation": str(kent.id)},
    )
    assert response.headers["Location"] == "/admin/users"
    users_page = client.get("/admin/users").text
    assert "Invitation sent to lee@example.org" in users_page
    assert "Invited" in users_page
    [email] = emails_to("lee@example.org")
    assert "Ada Administrator has invited you" in email.body_text
    assert "collaboration lead for Kent Police" in email.body_text
    link = link_in(email)
    submit_form(client, "/sign-out", {}, form_url="/")

    assert "Create your password" in client.get(link).text
    submit_form(client, link, {"password": "lee's new passphrase", "confirm": "lee's new passphrase"})
    sign_in(client, "lee@example.org", "lee's new passphrase")
    assert "Kent Police" in client.get("/", follow_redirects=True).text
    assert client.get(link).status_code == 410
    assert audit_actions() == ["sign_in", "invitation.sent", "sign_out", "invitation.accepted", "sign_in"]


def test_an_invitation_expires_after_seven_days_and_can_be_sent_again(client):
    admin = factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    submit_form(
        client, "/admin/users/invite", {"name": "Rae", "email": "rae@example.org", "role": "reviewer"}
    )
    old_link = link_in(emails_to("rae@example.org")[0])
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1)):
        assert "This link has expired" in client.get(old_link).text
        sign_in(client, "ada@example.org", factories.PASSWORD)  # the earlier session has long timed out
        invitee = db.session.scalar(select(User).filter_by(email="rae@example.org"))
        submit_form(client, f"/admin/users/{invitee.id}/resend-invitation", {}, form_url="/admin/users")
        new_link = link_in(emails_to("rae@example.org")[-1])
        assert client.get(new_link).status_code == 200
    assert admin.role == Role.ADMINISTRATOR


def test_invitation_mistakes_get_clear_messages_and_change_nothing(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    page = submit_form(client, "/admin/users/invite", {"name": "", "email": "", "role": ""}).text
    for message in ("Enter the person's full name", "Enter the person's email address", "Select a role"):
        assert message in page
    page = submit_form(
        client, "/admin/users/invite", {"name": "Lee", "email": "lee@example.org", "role": "lead"}
    ).text
    assert "Select the lead's organisation" in page
    page = submit_form(
        client,
        "/admin/users/invite",
        {"name": "L", "email": "l@example.org", "role": "lead", "organisation": "999"},
    ).text
    assert "Select an organisation from the list" in page
    page = submit_form(
        client, "/admin/users/invite", {"name": "Ada", "email": "ADA@example.org", "role": "reviewer"}
    ).text
    assert "There is already an account for ada@example.org" in page
    page = submit_form(
        client, "/admin/users/invite", {"name": "X", "email": "x@example.org", "role": "superuser"}
    ).text
    assert "Not a valid choice" in page or "Select a role" in page
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


def test_only_administrators_can_invite(client):
    factories.reviewer(email="rhys@example.org")
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    assert client.get("/admin/users/invite").status_code == 403
    assert client.get("/admin/emails").status_code == 403


def test_changing_a_password_needs_the_current_one(client):
    factories.reviewer(email="rhys@example.org")
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    page = submit_form(
        client,
        "/account/password",
        {"current": "wrong", "password": "new pass phrase", "confirm": "new pass phrase"},
    ).text
    assert "Your current password is incorrect" in page
    response = submit_form(
        client,
        "/account/password",
        {"current": factories.PASSWORD, "password": "new pass phrase", "confirm": "new pass phrase"},
    )
    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200  # still signed in on this device
    submit_form(client, "/sign-out", {}, form_url="/")
    sign_in(client, "rhys@example.org", "new pass phrase")
