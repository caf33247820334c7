"""Getting help: the help page, feedback kept and emailed to SUPPORT_EMAIL, and the links to them."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Feedback, OutboundEmail, Sector
from tests import factories
from tests.conftest import sign_in, submit_form


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


def test_anyone_can_read_the_help_page_and_every_page_links_to_it(client):
    page = text(client.get("/help"))
    assert '<h1 class="govuk-heading-l">Get help</h1>' in page
    assert "Send us a message" in page
    home = client.get("/sign-in").text
    assert 'href="/help"' in home  # footer and header
    assert 'href="/help/feedback?from=/sign-in"' in home or 'href="/help/feedback?from=%2Fsign-in"' in home
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert 'href="/help">contact the secretariat</a>' in missing.text
    assert 'href="/help/feedback">send a message' in client.get("/accessibility").text


def test_feedback_is_kept_emailed_to_support_and_audited(client, app):
    lead = factories.user(
        email="priya@example.org",
        name="Priya Lead",
        organisation_=factories.organisation("Kent Police", sector=Sector.POLICE),
    )
    app.config["SUPPORT_EMAIL"] = "secretariat@example.org"
    sign_in(client, lead.email, factories.PASSWORD)
    form = client.get("/help/feedback?from=/projects").text
    assert 'value="priya@example.org"' in form  # the reply address starts as theirs
    response = submit_form(
        client,
        "/help/feedback?from=/projects",
        {
            "message": "  The partner list would not open.  ",
            "reply_to": "priya@example.org",
            "page": "/projects",
        },
    )
    assert response.headers["Location"] == "/help/feedback/sent"
    assert "Message sent" in client.get("/help/feedback/sent").text
    [kept] = db.session.scalars(select(Feedback)).all()
    assert (kept.message, kept.reply_to, kept.page, kept.user_id) == (
        "The partner list would not open.",
        "priya@example.org",
        "/projects",
        lead.id,
    )
    [email] = db.session.scalars(select(OutboundEmail).filter_by(recipient="secretariat@example.org")).all()
    assert "The partner list would not open." in email.body_text
    assert "Reply to: priya@example.org" in email.body_text
    assert "Priya Lead (priya@example.org), Kent Police" in email.body_text
    assert "http://127.0.0.1:5000/projects" in email.body_text
    assert db.session.scalars(select(AuditEvent.action).filter_by(action="feedback.sent")).all() == [
        "feedback.sent"
    ]


def test_feedback_needs_a_message_and_a_real_address_and_keeps_what_was_typed(client):
    response = submit_form(client, "/help/feedback", {"message": "", "reply_to": "not an address"})
    assert response.status_code == 200
    page = text(response)
    assert "Enter what you would like to tell us" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert 'value="not an address"' in page
    response = submit_form(client, "/help/feedback", {"message": "x" * 2001})
    assert "Your message must be 2000 characters or fewer" in text(response)
    assert db.session.scalars(select(Feedback)).all() == []
    # Without a sign-in, and with a page that is not on this service: kept, the page dropped.
    response = submit_form(
        client, "/help/feedback", {"message": "Hello", "page": "https://elsewhere.example/x"}
    )
    assert response.status_code == 302
    [kept] = db.session.scalars(select(Feedback)).all()
    assert (kept.user_id, kept.page, kept.reply_to) == (None, None, None)


def test_emails_link_to_help(app):
    from app.services.email import outbox

    with app.test_request_context():
        user = factories.user(email="sam@example.org", name="Sam")
        email = outbox.enqueue(
            "sam@example.org", "Password changed", "password_changed", "t:1", user=user, reset_link="x"
        )
    assert "Get help or tell us about a problem: http://127.0.0.1:5000/help" in email.body_text
    assert 'href="http://127.0.0.1:5000/help"' in email.body_html
