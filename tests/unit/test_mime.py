"""The message the outbox worker sends is the one Flask-Mail and the standard library would build, byte for
byte (but for what differs in every message: its boundaries, date and Message-ID); and the mail merge of a
template fills in each recipient's values as rendering it would have written them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_mail import Message
from jinja2 import ChoiceLoader, DictLoader

from app import create_app
from app.services.email import mime
from app.services.email.stencil import Stencil, markers

BODIES = [
    "",
    "One line",
    "Dear Siân,\n\nYour return is due.\n",
    "From the start of a line\nFrom again\n>From quoted\n",
    "Windows\r\nline\rendings\n\n",
    "x" * 1200 + "\n",  # longer than SMTP's 998: written as it is, as the library writes it
    '<p>Procurement &amp; <a href="https://example.org/a?b=1&amp;c=2">link</a></p>',
]
SUBJECTS = [
    "Reminder: Collaboration return 2026 is due by 11:59pm on Friday 18 December 2026",
    "Short",
    "Ünïcode in a subject long enough to be folded onto a second line by the header encoder",
    "two  spaces and a\ttab",
    "",
]
RECIPIENTS = [
    "lead@example.org",
    "a.b+c_d-e@fire.example.gov.uk",
    "Siân Jones <sian@example.org>",
    "x@éxample.org",
]


@pytest.fixture(scope="module")
def app():
    app = create_app("testing")
    with app.app_context():
        yield app


def _comparable(raw: bytes) -> bytes:
    for n, boundary in enumerate(re.findall(rb'boundary="([^"]+)"', raw)):
        raw = raw.replace(boundary, b"BOUNDARY-%d" % n)
    return re.sub(rb"(Date|Message-ID): [^\r]*\r\n", b"", raw)


def test_the_message_is_flask_mails_byte_for_byte(app):
    sender = app.config["MAIL_DEFAULT_SENDER"]
    compared = 0
    for n, (text, html) in enumerate((t, h) for t in BODIES for h in BODIES):
        subject = SUBJECTS[n % len(SUBJECTS)]
        recipient = RECIPIENTS[n % len(RECIPIENTS)]
        headers = {"X-Outbox-Key": f"reminder:1:7:{n}"}
        if n % 3:
            headers["List-Unsubscribe"] = f"<http://127.0.0.1:5000/reminders/opt-out/{'Mt' * (n % 40)}.sig>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        expected = Message(
            subject=subject,
            recipients=[recipient],
            body=text,
            html=html,
            sender=sender,
            extra_headers=headers,
        )._message()
        built = mime.build(
            sender=sender,
            recipient=recipient,
            subject=subject,
            text=text,
            html=html,
            headers=headers,
            msgid="<1.2@example.org>",
        )
        assert _comparable(built) == _comparable(expected.as_bytes(policy=mime.SMTP_POLICY)), (text, html)
        compared += 1
    assert compared == len(BODIES) ** 2


def test_a_message_id_stays_the_same_for_every_attempt_and_differs_between_emails():
    first = mime.message_id(7, "reminder:1:7:2", 1_796_000_000.25)
    assert first == mime.message_id(7, "reminder:1:7:2", 1_796_000_000.25)
    assert first != mime.message_id(8, "reminder:1:7:3", 1_796_000_000.25)
    assert re.fullmatch(r"<\d+\.7\.[0-9a-f]{16}@[^>]+>", first)


def _context(name: str, organisation: str, link: str) -> dict:
    return {
        "user": SimpleNamespace(name=name, organisation=SimpleNamespace(name=organisation)),
        "round": SimpleNamespace(title="Collaboration & return 2026"),
        "deadline": datetime(2026, 12, 18, 23, 59, tzinfo=UTC),
        "now": datetime(2026, 12, 11, 9, tzinfo=UTC),
        "passed": False,
        "projects": [{"name": name, "status": "In progress", "link": link}],
        "nothing_yet": True,
        "projects_link": link,
        "opt_out_link": link,
        "service_name": "Collaboration returns",
        "base_url": "http://127.0.0.1:5000",
    }


def test_a_stencil_fills_in_values_as_the_template_would_write_them(app):
    awkward = ["O'Brien & <Sons>", 'Siân "the lead"', "http://127.0.0.1:5000/a?b=1&c=2"]
    for template in ("emails/reminder.txt", "emails/reminder.html"):
        stencil = Stencil(template, **_context(*markers(3)))
        assert stencil.fill(awkward) == render_template(template, **_context(*awkward))
        assert stencil.matches(awkward, **_context(*awkward))
    assert "O&#39;Brien &amp; &lt;Sons&gt;" in Stencil("emails/reminder.html", **_context(*markers(3))).fill(
        awkward
    )


def test_a_template_that_does_more_than_write_a_value_fails_the_check(app):
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"shouting.txt": "Dear {{ name | upper }}"}), loader])
    try:
        stencil = Stencil("shouting.txt", name=markers(1)[0])
        assert not stencil.matches(["Alex"], name="Alex")
    finally:
        app.jinja_env.loader = loader
