"""What an overview is made of: plain data, built by report.py, shown by the one template (HTML and PDF)
and by the Word writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.services.find.figures import Figures
from app.services.find.visibility import SMALL_COUNT

Row = tuple[str, int | None]  # None: withheld, shown as "fewer than 3" (app/services/find/figures.py)
NOT_SHOWN = 6  # a region's shade when its count is withheld (app/services/find/overview/regions.py)


@dataclass(frozen=True)
class Edition:
    name: str  # "published" or "sector"
    title: str
    describes: tuple[str, ...]  # the sharing choices of the records this edition may describe
    cover_note: str


EDITIONS = {
    "published": Edition(
        "published",
        "Published edition",
        ("public",),
        "This is the published edition: it describes only the projects whose owners agreed to share them "
        "publicly. Other projects are counted in the figures but never described, and no one's contact "
        "details are given.",
    ),
    "sector": Edition(
        "sector",
        "Sector edition",
        ("public", "sector"),
        "This is the sector edition, for people in the emergency services: it also describes the projects "
        "shared with the sector only. Do not publish it.",
    ),
}


@dataclass(frozen=True)
class Chart:
    """A chart and the table of the same numbers."""

    key: str  # unique in the report: the chart's id
    title: str
    rows: list[Row]
    label_heading: str
    value_heading: str = "Projects"
    withheld: bool = False  # too few projects, one of them counted only: no breakdown is shown


@dataclass(frozen=True)
class Contact:
    name: str
    job_title: str
    email: str


@dataclass(frozen=True)
class CaseStudy:
    record_id: int
    name: str
    reference: str
    lead_organisation: str
    partners: list[str]
    why_notable: str  # the reviewer's sentence
    summary: str
    benefits: str
    lessons_learnt: str
    contact: Contact | None


@dataclass(frozen=True)
class ThemeSection:
    theme: str
    label: str
    projects: int | None
    sentence: str
    charts: list[Chart]
    case_studies: list[CaseStudy]


@dataclass(frozen=True)
class Quote:
    text: str
    project: str
    record_id: int


@dataclass(frozen=True)
class Factor:
    """An enabler or a barrier: how many projects named it, and what some of them said."""

    label: str
    projects: int | None
    quotes: list[Quote]


@dataclass(frozen=True)
class OverTime:
    rounds: list[str]  # oldest first
    totals: list[int | None]
    by_theme: list[tuple[str, list[int | None]]]
    by_combination: list[tuple[str, list[int | None]]]


@dataclass(frozen=True)
class RegionCount:
    region: str  # Region value
    label: str
    projects: int | None
    shade: int  # 0 (none) to 5 (most), NOT_SHOWN when withheld


@dataclass(frozen=True)
class AnnexLine:
    record_id: int
    name: str
    lead: str
    partners: str
    themes: str
    stage: str
    notable: bool


@dataclass
class OverviewReport:
    edition: Edition
    title: str
    produced_on: date
    filters_description: str
    figures: Figures
    sentences: list[str]
    counted: int | None  # projects in the figures; None: withheld
    described: int  # projects this edition describes (the annex)
    themes: list[ThemeSection]
    enablers: list[Factor]
    barriers: list[Factor]
    no_barriers: int | None
    over_time: OverTime
    regions: list[RegionCount]
    national: int | None  # projects whose lead has no region (national organisations)
    annex: list[AnnexLine]
    include_contacts: bool
    summary_charts: list[Chart] = field(default_factory=list)
    more_than_limit: bool = False  # more projects could be described than an overview describes

    @property
    def not_described(self) -> int | None:
        """Projects counted only; None when withheld (fewer than 3, or the count itself is)."""
        if self.counted is None:
            return None
        others = self.counted - self.described
        return None if 0 < others < SMALL_COUNT else others

    @property
    def case_study_count(self) -> int:
        return sum(len(section.case_studies) for section in self.themes)

    @property
    def region_rows(self) -> list[Row]:
        return [(region.label, region.projects) for region in self.regions]

    @property
    def over_time_chart(self) -> Chart:
        rows = list(zip(self.over_time.rounds, self.over_time.totals, strict=True))
        return Chart("over-time", "Projects by round", rows, "Round")
