"""Administrators find people, change and deactivate their accounts, and cancel invitations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, EmailToken, OutboundEmail, Role, User
from app.services.errors import NotAllowed
from app.services.people import account_admin as people
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form


@pytest.fixture
def admin(client):
    person = factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return person


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_list_searches_filters_and_pages(client, admin):
    kent = factories.organisation("Kent Police")
    essex = factories.organisation("Essex Police")
    factories.user(organisation_=kent, name="Kim Kentish", email="kim@kent.police.uk")
    factories.user(organisation_=essex, name="Esme Essex", email="esme@essex.police.uk")
    factories.reviewer(name="Rhys Reviewer", email="rhys@example.org")
    invited = factories.user(organisation_=kent, name="Ivy Invited", password=None)
    gone = factories.user(organisation_=essex, name="Gus Gone")
    gone.active = False
    db.session.commit()

    by_email = client.get("/admin/users?q=KENT.POLICE").text
    assert "Kim Kentish" in by_email and "Esme Essex" not in by_email
    by_name = client.get("/admin/users?q=esme").text
    assert "Esme Essex" in by_name and "Kim Kentish" not in by_name
    reviewers = client.get("/admin/users?role=reviewer").text
    assert "Rhys Reviewer" in reviewers and "Kim Kentish" not in reviewers
    of_kent = client.get(f"/admin/users?organisation={kent.id}").text
    assert "Kim Kentish" in of_kent and "Ivy Invited" in of_kent and "Esme Essex" not in of_kent
    invitations = client.get("/admin/users?status=invited").text
    assert "Ivy Invited" in invitations and "Kim Kentish" not in invitations
    assert f"/admin/users/{invited.id}/resend-invitation" in invitations
    deactivated = client.get("/admin/users?status=deactivated").text
    assert "Gus Gone" in deactivated and "Ivy Invited" not in deactivated
    assert "Ada Administrator" in client.get("/admin/users?status=active&role=administrator").text

    for index in range(50):
        factories.user(organisation_=kent, name=f"Zed Person {index:02d}", password=None, commit=False)
    db.session.commit()
    first = client.get("/admin/users?q=zed").text
    assert "50 people" in first and "Zed Person 49" in first
    factories.user(organisation_=kent, name="Zed Person 50")
    assert "51 people, page 1 of 2" in client.get("/admin/users?q=zed").text
    second = client.get("/admin/users?q=zed&page=2").text
    assert "Zed Person 50" in second and "Zed Person 00" not in second
    odd = ("page=abc", "page=0", "role=king", "organisation=abc", "organisation=99999999999", "status=x")
    for query in odd:
        assert client.get(f"/admin/users?{query}").status_code == 200


def test_the_user_page_shows_the_account_and_its_last_sign_in(client, admin):
    kent = factories.organisation("Kent Police")
    lead = factories.user(organisation_=kent, name="Kim Kentish")
    page = client.get(f"/admin/users/{lead.id}").text
    assert "Kim Kentish" in page and lead.email in page and "Kent Police" in page
    assert "Last signed in" in page and "Never" in page
    assert "Deactivate account" in page
    own = client.get(f"/admin/users/{admin.id}").text
    assert "You cannot deactivate your own account" in own
    assert "Deactivate account" not in own


def test_an_administrator_changes_someones_name_role_and_organisation(client, admin):
    kent = factories.organisation("Kent Police")
    essex = factories.organisation("Essex Police")
    lead = factories.user(organisation_=kent, name="Kim Kentish")
    url = f"/admin/users/{lead.id}/edit"
    response = submit_form(
        client, url, {"name": "Kim Kent-Essex", "role": "reviewer", "organisation": str(essex.id)}
    )
    assert response.headers["Location"] == f"/admin/users/{lead.id}"
    db.session.refresh(lead)
    assert (lead.name, lead.role, lead.organisation_id) == ("Kim Kent-Essex", Role.REVIEWER, essex.id)
    event = db.session.scalars(select(AuditEvent).filter_by(action="user.changed")).one()
    assert event.details == {
        "name": ["Kim Kentish", "Kim Kent-Essex"],
        "role": ["lead", "reviewer"],
        "organisation": ["Kent Police", "Essex Police"],
    }
    # An administrator has no organisation.
    form = {"name": "Kim Kent-Essex", "role": "administrator", "organisation": str(kent.id)}
    submit_form(client, url, form)
    db.session.refresh(lead)
    assert lead.role == Role.ADMINISTRATOR and lead.organisation_id is None


def test_account_changes_that_break_a_rule_get_govuk_messages(client, admin):
    kent = factories.organisation("Kent Police")
    closed = factories.organisation("Old Fire Authority")
    closed.active = False
    db.session.commit()
    lead = factories.user(organisation_=kent, name="Kim Kentish")
    url = f"/admin/users/{lead.id}/edit"

    page = submit_form(client, url, {"name": "", "role": "lead", "organisation": ""}).text
    assert "There is a problem" in page
    assert "Enter the person's full name" in page and "Select the lead's organisation" in page
    page = submit_form(client, url, {"name": "Kim", "role": "emperor", "organisation": str(kent.id)}).text
    assert "Select a role" in page
    page = submit_form(client, url, {"name": "Kim", "role": "lead", "organisation": str(closed.id)}).text
    assert "Select an organisation from the list" in page
    page = submit_form(
        client, f"/admin/users/{admin.id}/edit", {"name": "Ada", "role": "reviewer", "organisation": ""}
    ).text
    assert "You cannot change your own role: ask another administrator" in page
    db.session.refresh(lead)
    db.session.refresh(admin)
    assert lead.name == "Kim Kentish" and admin.role == Role.ADMINISTRATOR
    assert "user.changed" not in actions()


def test_deactivating_someone_ends_their_session_and_reactivating_lets_them_back(app, client, admin):
    lead = factories.user(name="Lee Lead")
    theirs = app.test_client()
    sign_in(theirs, lead.email, factories.PASSWORD)
    assert theirs.get("/account").status_code == 200

    url = f"/admin/users/{lead.id}/deactivate"
    assert "will be signed out at once" in client.get(url).text
    response = submit_form(client, url, {})
    assert response.headers["Location"] == f"/admin/users/{lead.id}"
    assert "Lee Lead's account has been deactivated" in client.get(response.headers["Location"]).text
    db.session.refresh(lead)
    assert not lead.active
    assert theirs.get("/account").status_code == 302  # signed out

    submit_form(client, f"/admin/users/{lead.id}/reactivate", {})
    db.session.refresh(lead)
    assert lead.active
    sign_in(app.test_client(), lead.email, factories.PASSWORD)
    assert actions()[-3:] == ["user.deactivated", "user.reactivated", "sign_in"]


def test_nobody_deactivates_themselves_or_the_last_administrator(app, client, admin):
    token = csrf_token(client, f"/admin/users/{admin.id}")
    response = client.post(f"/admin/users/{admin.id}/deactivate", data={"csrf_token": token})
    assert "You cannot deactivate your own account" in client.get(response.headers["Location"]).text
    db.session.refresh(admin)
    assert admin.active

    # Another administrator can be deactivated...
    other = factories.administrator(email="otto@example.org", name="Otto Admin")
    submit_form(client, f"/admin/users/{other.id}/deactivate", {})
    db.session.refresh(other)
    assert not other.active
    # ... and the one left cannot make themselves something else.
    page = submit_form(
        client, f"/admin/users/{admin.id}/edit", {"name": "Ada", "role": "reviewer", "organisation": ""}
    ).text
    assert "You cannot change your own role" in page
    assert [a for a in actions() if a.startswith("user.")] == ["user.deactivated"]


def test_the_rules_keep_one_active_administrator_whoever_asks(client, admin):
    # Through the pages the actor is always an active administrator, so the self rule answers first;
    # the service still refuses to leave the service without one, whoever asks.
    other = factories.administrator(email="otto@example.org", name="Otto Admin")
    other.active = False
    db.session.commit()
    assert people.deactivation_problem(admin, by=other) == (
        "Ada Administrator is the only active administrator, so their account cannot be deactivated"
    )
    with pytest.raises(NotAllowed):
        people.deactivate_user(admin, by=other)  # and a deactivated administrator cannot act at all
    assert admin.active


def invitation_link(recipient: str) -> str:
    email = db.session.scalars(
        select(OutboundEmail).filter_by(recipient=recipient).order_by(OutboundEmail.id.desc())
    ).first()
    match = re.search(r"/invitation/[\w-]+", email.body_text)
    assert match, email.body_text
    return match.group(0)


def test_cancelling_an_invitation_makes_its_link_unusable(app, client, admin):
    kent = factories.organisation("Kent Police")
    submit_form(
        client,
        "/admin/users/invite",
        {"name": "Ivy Invited", "email": "ivy@example.org", "role": "lead", "organisation": str(kent.id)},
    )
    ivy = db.session.scalars(select(User).filter_by(email="ivy@example.org")).one()
    link = invitation_link("ivy@example.org")
    stranger = app.test_client()
    # It works until it is cancelled: the person opened it and is about to choose a password.
    their_token = csrf_token(stranger, link)

    url = f"/admin/users/{ivy.id}/cancel-invitation"
    assert "will stop working" in client.get(url).text
    response = submit_form(client, url, {})
    assert "Ivy Invited's invitation has been cancelled" in client.get(response.headers["Location"]).text

    page = stranger.get(link)
    assert page.status_code == 410 and "This link has been cancelled" in page.text
    password = "staple-lantern-orbit-42"
    posted = stranger.post(
        link, data={"csrf_token": their_token, "password": password, "confirm_password": password}
    )
    assert posted.status_code == 410 and "This link has been cancelled" in posted.text
    db.session.refresh(ivy)
    assert ivy.password_hash is None and not ivy.active
    assert db.session.scalars(select(EmailToken).filter_by(user_id=ivy.id)).one().revoked_at is not None
    assert "invitation.revoked" in actions()
    assert "Invitation cancelled" in client.get("/admin/users?status=deactivated").text

    # A new invitation opens the account again with a new link; the old one stays dead.
    resend = f"/admin/users/{ivy.id}/resend-invitation"
    submit_form(client, resend, {"back": "user"}, form_url=f"/admin/users/{ivy.id}")
    db.session.refresh(ivy)
    assert ivy.active
    new_link = invitation_link("ivy@example.org")
    assert new_link != link
    assert stranger.get(link).status_code == 410
    assert stranger.get(new_link).status_code == 200


def test_only_a_waiting_invitation_can_be_cancelled(client, admin):
    lead = factories.user(name="Lee Lead")
    response = client.get(f"/admin/users/{lead.id}/cancel-invitation")
    page = client.get(response.headers["Location"]).text
    assert "Lee Lead has no invitation waiting to be accepted" in page
    db.session.refresh(lead)
    assert lead.active
