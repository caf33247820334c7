"""The sector overview report: the headline figures, then short case studies of the projects grouped by theme,
as a web page (templates/find/overview.html, which also prints) and as a PDF.

The caller chooses the records (its filters, and what the reader may see). All of them are counted in the
figures; the projects whose owners chose "figures only" are never described, as the questionnaire promised.
Each project is described once, under its first theme, to keep the report short.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Record
from app.questionnaires.schema import Questionnaire
from app.services.find import search as find
from app.services.find.figures import Figures, facet_values, figures
from app.services.find.search import FindQuery

REPORT_TITLE = "Collaboration overview"
MAX_CASE_STUDIES = 500  # a report describes at most this many projects; the figures count them all
NO_THEME = "none"
NO_THEME_LABEL = "No theme given"
GROUPING_NOTE = (
    "Each project is described once, under the first theme it gave, to keep this report short. "
    "Where a project covers other themes too, they are listed with it."
)
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Contact:
    name: str
    job_title: str
    email: str


@dataclass(frozen=True)
class CaseStudy:
    name: str
    reference: str
    lead_organisation: str
    partners: list[str]  # partner organisations' names, then the other partners as the lead typed them
    other_themes: list[str]  # the project's themes after the one it is grouped under
    summary: str  # what they did
    benefits: str  # the evidence of the benefits
    lessons_learnt: str
    contact: Contact | None  # only when the caller asked for contacts


@dataclass(frozen=True)
class ThemeGroup:
    theme: str  # the choice value, e.g. "shared_estates", or "none"
    label: str
    case_studies: list[CaseStudy]


@dataclass(frozen=True)
class OverviewReport:
    figures: Figures
    groups: list[ThemeGroup]
    include_contacts: bool
    figures_only: int  # projects counted in the figures but not described
    produced_on: date
    left_out: int = 0  # projects that could be described but were not, beyond MAX_CASE_STUDIES
    title: str = REPORT_TITLE
    grouping_note: str = GROUPING_NOTE
    filters_description: str = ""

    @property
    def case_study_count(self) -> int:
        return sum(len(group.case_studies) for group in self.groups)

    @property
    def left_out_note(self) -> str:
        return left_out_note(self)


def build(
    records: Sequence[Record],
    questionnaire: Questionnaire,
    *,
    include_contacts: bool = False,
    organisation_names: Mapping[str, str] | None = None,
    filters_description: str = "",
    today: date | None = None,
    counted: Figures | None = None,
    describable: int | None = None,
) -> OverviewReport:
    """The report for these records. `organisation_names` (organisation id as a string -> name) names the
    partner organisations; without it they are looked up in one query.

    A caller with many records passes `counted`, the figures of all of them, and `describable`, how many of
    them could be described, with the first MAX_CASE_STUDIES of those as `records`."""
    described = [record for record in records if record.sharing != "figures_only"]
    counted = counted or figures(records, questionnaire)
    describable = len(described) if describable is None else describable
    if organisation_names is None:
        organisation_names = _organisation_names(described)
    themes = questionnaire.with_role("themes")
    theme_order = [choice.value for choice in themes.choices] if themes else []

    def theme_label(value: str) -> str:
        if value == NO_THEME:
            return NO_THEME_LABEL
        return themes.choice_label(value) if themes else value

    grouped: dict[str, list[CaseStudy]] = {}
    for record in described:
        record_themes = facet_values(record, "themes") or [NO_THEME]
        other_themes = [theme_label(value) for value in record_themes[1:]]
        grouped.setdefault(record_themes[0], []).append(
            _case_study(
                record, questionnaire, other_themes, organisation_names, include_contacts=include_contacts
            )
        )
    position = {value: index for index, value in enumerate(theme_order)}
    order = sorted(
        grouped, key=lambda value: (value == NO_THEME, position.get(value, len(position)), theme_label(value))
    )
    groups = [
        ThemeGroup(
            theme=value,
            label=theme_label(value),
            case_studies=sorted(grouped[value], key=lambda study: study.name.casefold()),
        )
        for value in order
    ]
    return OverviewReport(
        figures=counted,
        groups=groups,
        include_contacts=include_contacts,
        figures_only=counted.headline.projects - describable,
        left_out=describable - len(described),
        produced_on=today or datetime.now(LONDON).date(),
        filters_description=filters_description,
    )


def of_query(
    query: FindQuery,
    questionnaire: Questionnaire,
    *,
    signed_in: bool,
    include_contacts: bool,
    filters_description: str = "",
) -> OverviewReport:
    """The report of a Find query: the figures of every record it selects (figures-only ones included, from
    Find's index), and the first MAX_CASE_STUDIES of the records this viewer may see, described."""
    described = islice(
        find.matching_records(query, sharing=find.visible_sharing(signed_in)), MAX_CASE_STUDIES
    )
    return build(
        list(described),
        questionnaire,
        include_contacts=include_contacts,
        filters_description=filters_description,
        counted=find.figures(query, signed_in=signed_in, questionnaire=questionnaire),
        describable=find.count(query, signed_in=signed_in),
    )


def _case_study(
    record: Record,
    questionnaire: Questionnaire,
    other_themes: list[str],
    names: Mapping[str, str],
    *,
    include_contacts: bool,
) -> CaseStudy:
    answers = record.answers or {}

    def answer(role: str) -> Any:
        return questionnaire.answer(answers, role)

    partner_ids = facet_values(record, "partners") or [str(v) for v in answer("partners") or []]
    partners = [names.get(value, value) for value in partner_ids]
    other_partners = _text(answer("other_partners"))
    if other_partners:
        partners += [line.strip() for line in other_partners.splitlines() if line.strip()]
    contact = None
    if include_contacts and (answer("contact_name") or answer("contact_email")):
        contact = Contact(
            name=_text(answer("contact_name")),
            job_title=_text(answer("contact_job_title")),
            email=_text(answer("contact_email")),
        )
    organisation = getattr(record, "organisation", None)
    submission = getattr(record, "submission", None)
    return CaseStudy(
        name=record.name or "Untitled project",
        reference=getattr(submission, "reference", None) or "",
        lead_organisation=getattr(organisation, "name", "") or "",
        partners=partners,
        other_themes=other_themes,
        summary=_text(record.summary or answer("summary")),
        benefits=_text(answer("benefits_evidence")),
        lessons_learnt=_text(answer("lessons_learnt")),
        contact=contact,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _organisation_names(records: Sequence[Record]) -> dict[str, str]:
    ids = {int(value) for record in records for value in facet_values(record, "partners") if value.isdigit()}
    if not ids:
        return {}
    rows = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return {str(organisation_id): name for organisation_id, name in rows}


# The PDF. fpdf2's built-in Helvetica needs no font files but covers Latin-1 only, so text is made safe first.

LATIN_1_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2022": "-",
        "\u2026": "...",
        "\u2009": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u20ac": "EUR ",
        "\u0141": "L",  # letters that have no accent to take off
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0131": "i",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u2122": "TM",
        "\t": " ",
    }
)
PAGE_MARGIN = 20  # mm
BLACK = (11, 12, 12)
GREY = (80, 90, 95)


def latin_1(text: str) -> str:
    """Text Helvetica can show: typographers' quotes and dashes as ASCII, accents kept where Latin-1 has them
    or dropped where it has not ("ł" → "l"), and anything else (emoji, other scripts) left out."""
    safe = []
    for character in str(text).translate(LATIN_1_EQUIVALENTS):
        if character == "\n" or (ord(character) < 256 and unicodedata.category(character) != "Cc"):
            safe.append(character)
        else:
            decomposed = unicodedata.normalize("NFKD", character)
            safe.append("".join(c for c in decomposed if ord(c) < 128 and unicodedata.category(c) != "Cc"))
    # What was left out leaves no double spaces behind.
    return "\n".join(re.sub(" {2,}", " ", line).strip() for line in "".join(safe).split("\n"))


class _OverviewPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.set_text_color(*GREY)
        self.cell(0, 10, f"{REPORT_TITLE} - page {self.page_no()} of {{nb}}", align="C")


def pdf_bytes(report: OverviewReport, *, filters_description: str | None = None) -> bytes:
    """The report as an A4 PDF: title, headline figures, then the case studies under their themes."""
    pdf = _OverviewPDF(format="A4")
    pdf.set_title(latin_1(report.title))
    pdf.set_creator(latin_1(REPORT_TITLE))
    pdf.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
    pdf.set_auto_page_break(True, margin=PAGE_MARGIN)
    pdf.add_page()
    pdf.set_text_color(*BLACK)

    _heading(pdf, report.title, size=24)
    filters = report.filters_description if filters_description is None else filters_description
    _paragraph(pdf, f"Produced on {report.produced_on.day} {report.produced_on:%B %Y}.")
    if filters:
        _paragraph(pdf, filters)

    _heading(pdf, "Headline figures", size=16)
    for line in headline_lines(report):
        _paragraph(pdf, line, space_after=1)
    pdf.ln(4)
    _paragraph(pdf, report.grouping_note)

    for group in report.groups:
        pdf.start_section(latin_1(group.label))
        _heading(pdf, group.label, size=18, space_before=6)
        for study in group.case_studies:
            _case_study_pdf(pdf, study)
    return bytes(pdf.output())


def headline_lines(report: OverviewReport) -> list[str]:
    """The headline figures as sentences, for the PDF."""
    numbers, savings = report.figures.headline, report.figures.savings
    lines = [
        _count(numbers.projects, "collaboration project", "collaboration projects"),
        _count(numbers.organisations, "organisation involved", "organisations involved"),
        _count(numbers.evaluated, "project has been evaluated", "projects have been evaluated"),
    ]
    if savings.cashable_savings_count:
        lines.append(
            f"Cashable savings of {savings.cashable_savings_text} a year, from the "
            f"{_count(savings.cashable_savings_count, 'project', 'projects')} that gave a figure."
        )
    if savings.cost_count:
        lines.append(
            f"A total cost of {savings.cost_text}, from the "
            f"{_count(savings.cost_count, 'project', 'projects')} that gave a figure."
        )
    if report.figures_only:
        lines.append(figures_only_note(report.figures_only))
    if report.left_out:
        lines.append(left_out_note(report))
    return lines


def left_out_note(report: OverviewReport) -> str:
    described = report.case_study_count
    return (
        f"This report describes {described:,} of the {described + report.left_out:,} projects it could "
        "describe. Choose filters to describe the rest."
    )


def figures_only_note(number: int) -> str:
    projects = _count(number, "project is", "projects are")
    return f"{projects} counted in these figures but not described, as their owners asked."


def _case_study_pdf(pdf: FPDF, study: CaseStudy) -> None:
    _heading(pdf, study.name, size=13, space_before=4)
    details = [("Lead organisation", study.lead_organisation)]
    if study.partners:
        details.append(("Partners", ", ".join(study.partners)))
    if study.other_themes:
        details.append(("Also covers", ", ".join(study.other_themes)))
    details += [
        ("What they did", study.summary),
        ("Benefits", study.benefits),
        ("Lessons learnt", study.lessons_learnt),
    ]
    if study.contact is not None:
        contact = study.contact
        details.append(
            ("Contact", ", ".join(part for part in (contact.name, contact.job_title, contact.email) if part))
        )
    for label, text in details:
        if not text:
            continue
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 5.5, latin_1(label), new_x="LMARGIN", new_y="NEXT")
        _paragraph(pdf, text, space_after=2)
    pdf.set_draw_color(177, 180, 182)
    pdf.line(PAGE_MARGIN, pdf.get_y() + 1, pdf.w - PAGE_MARGIN, pdf.get_y() + 1)
    pdf.ln(3)


def _heading(pdf: FPDF, text: str, *, size: int, space_before: float = 0) -> None:
    line_height = size * 0.5
    # Keep a heading with the start of what follows it.
    if pdf.will_page_break(space_before + 2 * line_height + 15):
        pdf.add_page()
    elif space_before:
        pdf.ln(space_before)
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, line_height, latin_1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _paragraph(pdf: FPDF, text: str, *, space_after: float = 3) -> None:
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5.5, latin_1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(space_after)


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"
