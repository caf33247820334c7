"""Bar charts as inline SVG, and the figure macro that puts a table of the same numbers beneath each one."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import render_template_string

from app import create_app
from app.charts import bar_chart, format_value, register
from app.services.find.figures import Headline, Savings

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [("Shared estates", 12), ("Joint training", 5), ("Procurement & <governance>", 0)]


@pytest.fixture(scope="module")
def app():
    app = create_app("testing")
    if "bar_chart" not in app.jinja_env.globals:
        register(app)
    return app


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314  (our own output)


def bars(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "app-chart__bar"]


def texts(svg: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in svg.findall(f"{SVG}text")]


def test_the_chart_is_an_image_named_by_its_title_and_described_by_its_numbers():
    svg = parse(bar_chart("Projects by theme", ROWS))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == "Projects by theme"
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert desc.text == (
        "Bar chart of 3 items. Shared estates: 12; Joint training: 5; Procurement & <governance>: 0."
    )


def test_one_bar_a_row_with_its_label_and_value_as_text_and_the_largest_the_longest():
    svg = parse(bar_chart("Projects by theme", ROWS))
    widths = [float(bar.get("width")) for bar in bars(svg)]
    assert len(widths) == 3
    assert widths[0] > widths[1] > widths[2] == 0
    assert widths[1] == pytest.approx(widths[0] * 5 / 12, abs=0.1)
    assert float(svg.get("viewBox").split()[2]) >= widths[0]  # fits its viewBox
    shown = texts(svg)
    for label, value in ROWS:
        assert label in shown
        assert str(value) in shown
    assert all(bar.get("fill") == "#1d70b8" for bar in bars(svg))


def test_responsive_and_allowed_by_the_content_security_policy():
    markup = str(bar_chart("Projects by theme", ROWS))
    svg = parse(markup)
    assert svg.get("viewBox")
    assert svg.get("width") is None and svg.get("height") is None
    assert "style" not in markup.lower()
    assert "<script" not in markup.lower()


def test_money_values_and_long_labels():
    label = "Good working relationships between partners, and a very long label that goes on and on"
    svg = parse(bar_chart("Cashable savings", [(label, Decimal("1250.50")), ("Other", 400)], unit="£"))
    shown = texts(svg)
    assert "£1,250.50" in shown and "£400" in shown
    tspans = [t.text for t in svg.iter(f"{SVG}tspan")]
    assert " ".join(t for t in tspans if t and t not in ("Cashable savings", "Other")) == label


def test_nothing_to_show():
    svg = parse(bar_chart("Projects by theme", []))
    assert bars(svg) == []
    assert "There is nothing to show." in texts(svg)


def test_format_value():
    assert format_value(1250) == "1,250"
    assert format_value(Decimal("1250.5"), "£") == "£1,250.50"
    assert format_value(3, "projects") == "3 projects"


def table_cells(output: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", output, re.S)
    return [
        [html.unescape(cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_figure_macro_puts_a_table_of_the_same_numbers_beneath_the_chart(app):
    with app.test_request_context():
        output = render_template_string(
            '{% from "find/_figures.html" import figure %}'
            '{{ figure("Projects by theme", rows, label_heading="Theme") }}',
            rows=ROWS,
        )
    assert output.index("<svg") < output.index("<table")
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", output, re.S).group(1)
    assert caption.strip() == "Projects by theme"
    assert table_cells(output) == [
        ["Theme", "Projects"],
        ["Shared estates", "12"],
        ["Joint training", "5"],
        ["Procurement & <governance>", "0"],
    ]
    assert "<governance>" not in output  # escaped in the chart and in the table


def test_the_figure_macro_with_nothing_to_count(app):
    with app.test_request_context():
        output = render_template_string(
            '{% from "find/_figures.html" import figure %}{{ figure("Projects by theme", []) }}'
        )
    assert "There are no projects to count." in output
    assert "<svg" not in output and "<table" not in output


def test_the_headline_macro(app):
    figures = SimpleNamespace(
        headline=Headline(projects=12, organisations=1, evaluated=3),
        savings=Savings(Decimal("41250.50"), 2, Decimal(0), 0),
    )
    with app.test_request_context():
        output = render_template_string(
            '{% from "find/_figures.html" import headline %}{{ headline(figures) }}', figures=figures
        )
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", output)).split())
    assert "12 collaboration projects" in text
    assert "1 organisation involved" in text
    assert "3 projects have been evaluated" in text
    assert "Cashable savings of £41,250.50 a year, from the 2 projects that gave a figure." in text
    assert "total cost" not in text  # no project gave one
