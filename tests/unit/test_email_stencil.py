"""An outbox email keeps its Message-ID from one attempt to the next; the mail merge of a template fills in
each recipient's values as rendering it would have written them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import render_template
from jinja2 import ChoiceLoader, DictLoader

from app import create_app
from app.services.email import outbox
from app.services.email.stencil import Stencil, markers


@pytest.fixture(scope="module")
def app():
    app = create_app("testing")
    with app.app_context():
        yield app


def test_a_message_id_stays_the_same_for_every_attempt_and_differs_between_emails():
    first = outbox.message_id(7, "reminder:1:7:2", 1_796_000_000.25)
    assert first == outbox.message_id(7, "reminder:1:7:2", 1_796_000_000.25)
    assert first != outbox.message_id(8, "reminder:1:7:3", 1_796_000_000.25)
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
