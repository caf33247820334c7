"""The Jinja template class the service renders with."""

from __future__ import annotations

from typing import Any

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
