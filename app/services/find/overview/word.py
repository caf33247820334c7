"""The overview as an editable Word document (python-docx), for the working group to add a foreword before
publishing: the same report as the web page and the PDF, with each chart given as its table, and built-in
heading styles so that Word's navigation pane and table of contents work."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Pt
from docx.table import Table, _Cell, _Row

from app.charts import WITHHELD, describe, format_value
from app.services.find.overview.model import Chart, Factor, OverviewReport

DASH = "\u2013"


def docx_bytes(report: OverviewReport) -> bytes:
    document = Document()
    document.core_properties.title = f"{report.title} {DASH} {report.edition.title}"
    document.core_properties.language = "en-GB"
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)

    document.add_heading(report.title, level=0)
    document.add_paragraph(report.edition.title).runs[0].bold = True
    document.add_paragraph(
        f"Produced on {report.produced_on.day} {report.produced_on:%B %Y}. "
        f"{report.filters_description or 'All projects'}."
    )
    document.add_paragraph(report.edition.cover_note)
    document.add_heading("Foreword", level=1)
    document.add_paragraph("[Add the working group's foreword here.]")

    document.add_heading("Summary", level=1)
    for sentence in report.sentences:
        document.add_paragraph(sentence)
    for chart in report.summary_charts:
        _chart(document, chart)

    document.add_heading("Themes and notable practice", level=1)
    for section in report.themes:
        document.add_heading(f"{section.label} ({format_value(section.projects)})", level=2)
        document.add_paragraph(section.sentence)
        for chart in section.charts:
            _chart(document, chart)
        if section.case_studies:
            document.add_heading(f"Notable practice in {section.label.lower()}", level=3)
        for study in section.case_studies:
            document.add_heading(study.name, level=4)
            _labelled(document, "Why it is notable", study.why_notable)
            _labelled(document, "Lead", study.lead_organisation)
            _labelled(document, "Partners", ", ".join(study.partners))
            _labelled(document, "What they did", study.summary)
            _labelled(document, "Benefits", study.benefits)
            _labelled(document, "Lessons learnt", study.lessons_learnt)
            if study.contact:
                contact = study.contact
                _labelled(document, "Contact", ", ".join(p for p in (contact.name, contact.email) if p))

    document.add_heading("What helped and what got in the way", level=1)
    document.add_heading("Enablers", level=2)
    _factors(document, report.enablers)
    document.add_heading("Barriers", level=2)
    if report.no_barriers is None:
        document.add_paragraph(f"{WITHHELD.capitalize()} projects said nothing got in the way.")
    elif report.no_barriers:
        document.add_paragraph(f"{report.no_barriers:,} projects said nothing got in the way.")
    _factors(document, report.barriers)

    document.add_heading("Change over time", level=1)
    over_time = report.over_time
    _chart(document, report.over_time_chart)
    _table(
        document,
        "Projects by service combination and round",
        ["Services involved", *over_time.rounds],
        [[label, *(format_value(n) for n in counts)] for label, counts in over_time.by_combination],
    )
    _table(
        document,
        "Projects by theme and round",
        ["Theme", *over_time.rounds],
        [[label, *(format_value(n) for n in counts)] for label, counts in over_time.by_theme],
    )

    document.add_heading("Where the projects are", level=1)
    document.add_paragraph("Projects by the region of their lead organisation.")
    _chart(document, Chart("regions", "Projects by region", report.region_rows, "Region"))

    document.add_heading("Annex: every project described", level=1)
    _table(
        document,
        "Every project described in this overview",
        ["Project", "Lead", "Partners", "Themes", "Stage"],
        [
            [("● " if line.notable else "") + line.name, line.lead, line.partners, line.themes, line.stage]
            for line in report.annex
        ],
        size=7,
    )
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _labelled(document: DocumentObject, label: str, text: str) -> None:
    if not text:
        return
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(text)


def _factors(document: DocumentObject, factors: list[Factor]) -> None:
    for factor in factors:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(factor.label).bold = True
        projects = "project" if factor.projects == 1 else "projects"
        paragraph.add_run(f" {DASH} {format_value(factor.projects)} {projects}")
        for quote in factor.quotes:
            document.add_paragraph(f"\u201c{quote.text}\u201d {DASH} {quote.project}", style="Quote")


def _chart(document: DocumentObject, chart: Chart) -> None:
    if chart.withheld:
        document.add_paragraph(
            f"{chart.title}: not shown, as it would count {WITHHELD} projects, "
            "one of them shared as figures only."
        )
        return
    _table(
        document,
        chart.title,
        [chart.label_heading, chart.value_heading],
        [[label, format_value(number)] for label, number in chart.rows],
        description=describe([(label, number) for label, number in chart.rows]),
    )


def _table(
    document: DocumentObject,
    caption: str,
    head: list[str],
    rows: list[list[str]],
    *,
    size: int = 9,
    description: str = "",
) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(size)
    _repeat_header(table.rows[0])
    # Rows are added to the XML directly: python-docx's add_row() and row.cells work out the whole table's
    # grid each time, which made a 5,000-line annex take minutes.
    for row in rows:
        tr = table._tbl.add_tr()
        for text in row:
            tc = CT_Tc.new()
            tr.append(tc)
            _Cell(tc, table).paragraphs[0].add_run(text).font.size = Pt(size)
    if description:
        _alt_text(table, caption, description)


def _repeat_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _alt_text(table: Table, title: str, description: str) -> None:
    """Word's alternative text of a table (Table Properties, Alt Text)."""
    properties = table._tbl.tblPr
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), title[:250])
    properties.append(caption)
    summary = OxmlElement("w:tblDescription")
    summary.set(qn("w:val"), description[:2000])
    properties.append(summary)
