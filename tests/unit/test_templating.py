"""The service's Jinja environment reads a dict's keys directly; what a template gets must not change."""

from __future__ import annotations

import flask
import jinja2
import pytest

from app.templating import Environment, Service


@pytest.mark.parametrize(
    "source",
    [
        "{{ params.text }}",
        "{{ params.classes or 'none' }}",
        "{{ params.missing is defined }}",
        "{{ params['text'] }}",
        "{% for key, value in params.items() %}{{ key }}={{ value }};{% endfor %}",
        "{{ params.keys is defined }}",
        "{{ params.nested.deeper }}",
        "{{ params.text.upper() }}",
        "{{ obj.text }}|{{ obj.absent is defined }}",
        "[{{ params.missing }}][{{ 'checked' if params.missing }}][{{ params.missing | e }}]",
        "{{ params.missing is defined }}|{{ params.missing or 'else' }}|{{ params.missing | default('d') }}",
    ],
)
def test_templates_read_dicts_as_jinja_does(source):
    class Thing:
        text = "attribute"

    context = {"params": {"text": "Skip", "items": [1, 2], "nested": {"deeper": "yes"}}, "obj": Thing()}
    ours = Service(__name__).jinja_env.from_string(source).render(context)
    jinjas = flask.Flask(__name__).jinja_env.from_string(source).render(context)  # autoescaped, as ours
    assert ours == jinjas


def test_a_dict_key_named_like_a_method_still_gives_the_method():
    # Jinja prefers the attribute: params.items is the dict's method, whatever the "items" key holds.
    rendered = Environment(flask.Flask(__name__)).from_string("{{ params.items is callable }}")
    assert rendered.render(params={"items": [1, 2]}) == "True"


def test_an_undefined_value_used_as_an_object_still_fails():
    # Writing an undefined value gives nothing; reading an attribute of one is a mistake Jinja reports.
    with pytest.raises(jinja2.UndefinedError):
        Service(__name__).jinja_env.from_string("{{ missing.attribute }}").render()
