"""The Jinja template class the service renders with."""

from __future__ import annotations

from typing import Any

import flask
import flask.templating
import jinja2


class Template(jinja2.Template):
    """A Jinja template whose imported macros come from its cached module.

    On every `{% from ... import %}` Jinja checks whether the importing page has globals the imported
    template lacks, and if so builds the imported template's module again. Every template of this service
    comes from one environment with one set of globals (context processors add variables, not globals), so
    the check always finds none; but it compares all the globals on each import, and the GOV.UK Frontend
    macros import one another on every call: some 30 imports a page, nearly a tenth of a page's time.
    """

    def _get_default_module(self, ctx: Any = None) -> jinja2.environment.TemplateModule:
        return super()._get_default_module(None)


class Undefined(jinja2.Undefined):
    """Jinja's silent Undefined, written out as nothing without raising on the way.

    Autoescaping asks each value it writes for `__html__`; Jinja's Undefined answers every attribute it
    lacks by raising an AttributeError, which is caught and the value then written as "". `{{ "checked" if
    checked }}` and the GOV.UK macros' optional parameters write an Undefined dozens of times a page (2.4% of
    a Find page's time, profiled). The outcome is the same: nothing.
    """

    __slots__ = ()

    def __html__(self) -> str:
        return ""


# What getattr finds on a plain dict: its methods. Anything else is one of its keys or nothing.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(flask.templating.Environment):
    """Flask's Jinja environment, quicker at `params.name` on a plain dict.

    Jinja tries `getattr(params, "name")` first and only then `params["name"]`, so each look-up of a key of
    a dict raises and catches an AttributeError; the GOV.UK Frontend macros look up some 500 keys a page,
    most of them missing. On a plain dict getattr finds only the dict's own methods, so the outcome is the
    same when the key is looked up directly.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        return jinja2.Environment.getattr(self, obj, attribute)


class Service(flask.Flask):
    """The service's Flask application class: its templates use the environment above."""

    jinja_environment = Environment
    jinja_options = {**flask.Flask.jinja_options, "undefined": Undefined}
