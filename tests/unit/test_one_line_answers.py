"""A one-line answer stays on one line, whatever line breaks were pasted or posted into it."""

from __future__ import annotations

import pytest

from tests.unit.test_page_forms import app, post, question  # noqa: F401  (the app fixture)

NAME = question("project_name", "text", "Project name")
SUMMARY = question("summary", "long_text", "Summary")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Line one\r\nLine two", "Line one Line two"),
        ("Line one\rLine two\nthree", "Line one Line two three"),
        ("  Padded\u2028line  ", "Padded line"),
        ("One line", "One line"),
    ],
)
def test_line_breaks_in_a_one_line_answer_become_spaces(app, typed, kept):  # noqa: F811
    form = post(app, [NAME], {"project_name": typed})
    assert form.collect()["project_name"] == kept


def test_a_long_answer_keeps_its_lines(app):  # noqa: F811
    form = post(app, [SUMMARY], {"summary": "First\r\nSecond"})
    assert form.collect()["summary"] == "First\nSecond"
