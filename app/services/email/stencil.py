"""Many emails from one template, as a mail merge: the template is rendered once with a marker where each
recipient's own values go, then each recipient's email is that text with their values put in.

Rendering a template costs hundreds of microseconds; filling in a stencil a few. A value is put in as the
template would have written it: HTML-escaped in a template Flask autoescapes (.html), as it is otherwise. A
caller checks the stencil once against a real rendering (`matches`) and renders for real if it differs, so a
template that does more with a value than write it (a filter, a test) is never filled in wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import current_app, render_template
from markupsafe import escape

_MARKER = re.compile("\ue000(\\d+)\ue001")  # characters of Unicode's private use area: in no template


def markers(count: int) -> list[str]:
    """Values to render the template with, one for each of a recipient's own values, in order."""
    return [f"\ue000{n}\ue001" for n in range(count)]


def autoescaped(template: str) -> bool:
    select = current_app.jinja_env.autoescape
    return bool(select(template) if callable(select) else select)


class Stencil:
    def __init__(self, template: str, **context: Any) -> None:
        """`template` rendered with `context`, whose recipient's own values are `markers(n)`."""
        self.template = template
        parts = _MARKER.split(render_template(template, **context))
        self._texts = parts[0::2]
        self._slots = [int(n) for n in parts[1::2]]
        self._escape = autoescaped(template)

    def fill(self, values: Sequence[str]) -> str:
        if self._escape:
            values = [str(escape(value)) for value in values]
        out = [self._texts[0]]
        for slot, text in zip(self._slots, self._texts[1:], strict=True):
            out.append(values[slot])
            out.append(text)
        return "".join(out)

    def matches(self, values: Sequence[str], **context: Any) -> bool:
        """Whether filling in `values` gives what rendering the template with the real `context` gives."""
        return self.fill(values) == render_template(self.template, **context)
