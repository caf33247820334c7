"""The overview of a Find query, for one edition.

Which records: the figures count every record Find's figures count (its filters; every approved record, but
words select only records the edition describes); the edition describes (in case studies, quotes and the
annex) only those whose sharing the edition allows AND the reader may see (app/services/find/visibility.py
decides what a reader may see). A figure from fewer than 3 projects, any of them not described by the
edition, is withheld: the edition decides, not the reader, so a published edition made by someone signed in
withholds what it would withhold for anyone.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import NotablePractice, Organisation, Record, Round
from app.models.organisation import REGION_LABELS_BY_VALUE
from app.questionnaires.schema import Questionnaire
from app.services.find import record_index, visibility
from app.services.find import search as find
from app.services.find.figures import Figures, facet_values, shown_counts, withheld
from app.services.find.overview import sentences
from app.services.find.overview.labels import Counted
from app.services.find.overview.labels import Labels as _Labels
from app.services.find.overview.model import (
    EDITIONS,
    NOT_SHOWN,
    AnnexLine,
    CaseStudy,
    Chart,
    Contact,
    Edition,
    Factor,
    OverTime,
    OverviewReport,
    RegionCount,
    ThemeSection,
)
from app.services.find.search import FindQuery

LONDON = ZoneInfo("Europe/London")
TITLE = "Collaboration overview"
# Projects an overview describes at most: its annex lists them one a line, and its quotes come from them. Past
# this, an overview is for filters to narrow (a PDF of 10,000 lines is some 250 pages); the figures count all.
ANNEX_LIMIT = 10_000


def edition_for(name: str | None, *, signed_in: bool) -> Edition:
    """The edition asked for; people who are not signed in get the published edition whatever they ask."""
    if signed_in and name in EDITIONS:
        return EDITIONS[name]
    return EDITIONS["published" if not signed_in or name == "published" else "sector"]


def describable_sharing(edition: Edition, *, signed_in: bool) -> tuple[str, ...]:
    visible = find.visible_sharing(signed_in)
    return tuple(value for value in edition.describes if value in visible)


def of_query(
    query: FindQuery,
    questionnaire: Questionnaire,
    *,
    edition: Edition,
    signed_in: bool,
    include_contacts: bool,
    filters_description: str = "",
    today: date | None = None,
) -> OverviewReport:
    # The edition, not the reader, decides what is described, so what is withheld: a published edition made
    # by someone signed in counts sector-only projects and withholds small figures they are part of.
    sharing = describable_sharing(edition, signed_in=signed_in)
    counted = list(_counted(query, visibility.viewer(signed_in=signed_in).counted, readable=sharing))
    by_name = dataclasses.replace(query, sort="name")
    described = list(islice(find.matching_records(by_name, sharing=sharing), ANNEX_LIMIT + 1))
    described.sort(key=lambda record: (record.name or "").casefold())
    figures = find.figures(query, signed_in=signed_in, questionnaire=questionnaire, readable=sharing)
    return build(
        counted,
        described,
        questionnaire,
        figures=figures,
        edition=edition,
        include_contacts=include_contacts,
        filters_description=filters_description,
        notable=_notable([record.submission_id for record in described]),
        names=_organisation_names(),
        today=today,
    )


def build(
    counted: list[Counted],
    described: list[Record],
    questionnaire: Questionnaire,
    *,
    figures: Figures,
    edition: Edition,
    include_contacts: bool,
    filters_description: str,
    notable: Mapping[int, NotablePractice],
    names: Mapping[str, str],
    today: date | None = None,
) -> OverviewReport:
    labels = _Labels(questionnaire)
    more_than_limit = len(described) > ANNEX_LIMIT
    described = described[:ANNEX_LIMIT]
    case_studies = _case_studies(described, notable, names, labels, include_contacts=include_contacts)
    if figures.withheld:  # too few projects, one of them counted only: no breakdown names its values
        counted_shown: list[Counted] = []
    else:
        counted_shown = counted
    theme_counts = _shown_tally(counted_shown, lambda c: c.facets.get("themes", []))
    themes = [
        _theme_section(theme, counted, case_studies.get(theme, []), labels)
        for theme in labels.theme_order(theme_counts)
    ]
    total = None if figures.withheld else len(counted)
    regions, national = _regions(counted, withheld_all=figures.withheld)
    return OverviewReport(
        edition=edition,
        title=TITLE,
        produced_on=today or datetime.now(LONDON).date(),
        filters_description=filters_description,
        figures=figures,
        sentences=sentences.summary(figures),
        counted=total,
        described=len(described),
        more_than_limit=more_than_limit,
        themes=themes,
        enablers=_factors("enablers", figures.enablers, described, labels),
        barriers=_factors("barriers", figures.barriers, described, labels),
        no_barriers=figures.no_barriers,
        over_time=_over_time(counted_shown, labels),
        regions=regions,
        national=national,
        annex=[_annex_line(record, names, labels, record.submission_id in notable) for record in described],
        include_contacts=include_contacts,
        summary_charts=[]  # too few projects, one counted only: no chart names their values
        if figures.withheld
        else [
            Chart("summary-themes", "Projects by theme", figures.by_theme, "Theme"),
            Chart(
                "summary-combinations",
                "Projects by emergency services involved",
                figures.by_combination,
                "Services involved",
            ),
            Chart("summary-stages", "Projects by stage", figures.by_stage, "Stage"),
        ],
    )


def _theme_section(
    theme: str, counted: list[Counted], studies: list[CaseStudy], labels: _Labels
) -> ThemeSection:
    having = [c for c in counted if theme in c.facets.get("themes", [])]
    # Too few projects, one of them counted only: no breakdown, which would name the values it has.
    hidden_section = withheld(len(having), sum(c.hidden for c in having))
    projects = None if hidden_section else len(having)

    def tally(facet: str) -> Counter[Any]:
        return Counter() if hidden_section else _shown_tally(having, lambda c: c.facets.get(facet, []))

    label = labels.choice("themes", theme)
    combinations = labels.rows("combination", tally("combination"))
    stages = labels.rows("stage", tally("stage"), keep_order=True)
    regions = labels.rows("region", tally("region"))
    total = None if withheld(len(counted), sum(c.hidden for c in counted)) else len(counted)
    return ThemeSection(
        theme=theme,
        label=label,
        projects=projects,
        sentence=sentences.theme(label, projects, total, combinations, regions),
        charts=[
            Chart(
                f"{theme}-combinations",
                f"{label}: services involved",
                combinations,
                "Services involved",
                withheld=hidden_section,
            ),
            Chart(f"{theme}-stages", f"{label}: stage", stages, "Stage", withheld=hidden_section),
            Chart(f"{theme}-regions", f"{label}: region", regions, "Region", withheld=hidden_section),
        ],
        case_studies=sorted(studies, key=lambda study: study.name.casefold()),
    )


def _case_studies(
    described: Iterable[Record],
    notable: Mapping[int, NotablePractice],
    names: Mapping[str, str],
    labels: _Labels,
    *,
    include_contacts: bool,
) -> dict[str, list[CaseStudy]]:
    """The notable practice among the described records, under each theme the reviewer chose (that the
    project still has)."""
    by_theme: dict[str, list[CaseStudy]] = {}
    for record in described:
        choice = notable.get(record.submission_id)
        if choice is None:
            continue
        themes = [t for t in choice.themes if t in facet_values(record, "themes")] or facet_values(
            record, "themes"
        )[:1]
        study = _case_study(record, choice.reason, names, labels, include_contacts=include_contacts)
        for theme in themes:
            by_theme.setdefault(theme, []).append(study)
    return by_theme


def _case_study(
    record: Record, why: str, names: Mapping[str, str], labels: _Labels, *, include_contacts: bool
) -> CaseStudy:
    answer = labels.answer_of(record)
    contact = None
    if include_contacts and any(answer(role) for role in ("contact_name", "contact_email")):
        contact = Contact(
            name=_text(answer("contact_name")),
            job_title=_text(answer("contact_job_title")),
            email=_text(answer("contact_email")),
        )
    return CaseStudy(
        record_id=record.id,
        name=record.name or "Untitled project",
        reference=getattr(record.submission, "reference", None) or "",
        lead_organisation=getattr(record.organisation, "name", "") or "",
        partners=partner_names(record, names, labels),
        why_notable=why,
        summary=_text(record.summary or answer("summary")),
        benefits=_text(answer("benefits_evidence")),
        lessons_learnt=_text(answer("lessons_learnt")),
        contact=contact,
    )


def partner_names(record: Record, names: Mapping[str, str], labels: _Labels) -> list[str]:
    answer = labels.answer_of(record)
    ids = facet_values(record, "partners") or [str(v) for v in answer("partners") or []]
    partners = [names.get(value, value) for value in ids]
    partners += [line.strip() for line in _text(answer("other_partners")).splitlines() if line.strip()]
    return partners


def _factors(
    facet: str, ranked: list[tuple[str, int | None]], described: list[Record], labels: _Labels
) -> list[Factor]:
    """Enablers (or barriers) ranked by how many projects named them, each with up to three short quotes
    from the described projects that named it."""
    by_label = {labels.choice(facet, value): value for value in labels.order(facet)}
    details = f"{facet}_details"
    used: set[str] = set()
    factors = []
    for label, count in ranked:
        value = by_label.get(label, label)
        quotes = sentences.quotes(
            ((r, labels.answer_of(r)(details)) for r in described if value in facet_values(r, facet)),
            used=used,
        )
        factors.append(Factor(label=label, projects=count, quotes=quotes))
    return factors


def _over_time(counted: list[Counted], labels: _Labels) -> OverTime:
    rounds = sorted({c.round_key for c in counted})
    position = {key: index for index, key in enumerate(rounds)}

    def cells(per_round: list[int], hidden: list[int]) -> list[int | None]:
        return [None if withheld(n, h) else n for n, h in zip(per_round, hidden, strict=True)]

    def series(facet: str) -> list[tuple[str, list[int | None]]]:
        per_value: dict[str, list[int]] = {}
        hidden: dict[str, list[int]] = {}
        for c in counted:
            for value in c.facets.get(facet, []):
                per_value.setdefault(value, [0] * len(rounds))[position[c.round_key]] += 1
                hidden.setdefault(value, [0] * len(rounds))[position[c.round_key]] += c.hidden
        order = labels.order(facet)
        shown = {value: cells(per_value[value], hidden[value]) for value in per_value}
        values = sorted(
            shown,
            key=lambda v: (
                -sum(n for n in shown[v] if n is not None),
                order.index(v) if v in order else 99,
                v,
            ),
        )
        return [(labels.choice(facet, value), shown[value]) for value in values]

    totals, hidden_totals = [0] * len(rounds), [0] * len(rounds)
    for c in counted:
        totals[position[c.round_key]] += 1
        hidden_totals[position[c.round_key]] += c.hidden
    return OverTime(
        rounds=[key[-1] for key in rounds],
        totals=cells(totals, hidden_totals),
        by_theme=series("themes"),
        by_combination=series("combination"),
    )


def _regions(counted: list[Counted], *, withheld_all: bool = False) -> tuple[list[RegionCount], int | None]:
    if withheld_all:
        return [
            RegionCount(region=value, label=label, projects=None, shade=NOT_SHOWN)
            for value, label in REGION_LABELS_BY_VALUE.items()
        ], None
    counts = _shown_tally(counted, lambda c: c.facets.get("region", [])[:1])
    national_records = [c for c in counted if not c.facets.get("region")]
    national: int | None = len(national_records)
    if withheld(national, sum(c.hidden for c in national_records)):
        national = None
    largest = max((n for n in counts.values() if n is not None), default=0)

    def shade(count: int | None) -> int:
        if count is None:
            return NOT_SHOWN
        return 0 if not count else min(5, 1 + (4 * count) // max(largest, 1))

    regions = [
        RegionCount(region=value, label=label, projects=counts[value], shade=shade(counts[value]))
        for value, label in REGION_LABELS_BY_VALUE.items()
    ]
    return regions, national


def _shown_tally(counted: list[Counted], values: Callable[[Counted], list[str]]) -> Counter[Any]:
    """How many of the counted records have each value, None where that count is withheld."""
    everyone = Counter(value for c in counted for value in values(c))
    hidden = Counter(value for c in counted if c.hidden for value in values(c))
    return shown_counts(everyone, hidden)


def _annex_line(record: Record, names: Mapping[str, str], labels: _Labels, notable: bool) -> AnnexLine:
    return AnnexLine(
        record_id=record.id,
        name=record.name or "Untitled project",
        lead=getattr(record.organisation, "name", "") or "",
        partners=", ".join(partner_names(record, names, labels)),
        themes=", ".join(labels.choice("themes", v) for v in facet_values(record, "themes")),
        stage=", ".join(labels.choice("stage", v) for v in facet_values(record, "stage")),
        notable=notable,
    )


def _counted(query: FindQuery, sharing: tuple[str, ...], *, readable: tuple[str, ...]) -> Iterable[Counted]:
    """The records the figures count, as find.figures counts them: words select only the readable ones."""
    if record_index.terms(query.text):
        sharing = readable
    statement = (
        select(Record.id, Record.facets, Record.round_id, Round.opens_at, Round.title, Record.sharing)
        .join(Round, Round.id == Record.round_id)
        .where(*find.conditions(query, sharing=sharing))
        .execution_options(yield_per=find.EXPORT_BATCH)
    )
    for record_id, facets, round_id, opens_at, title, shared in db.session.execute(statement):
        facets = {
            name: [str(v) for v in values] if isinstance(values, list) else [str(values)]
            for name, values in (facets or {}).items()
            if values
        }
        when = opens_at.timestamp() if isinstance(opens_at, datetime) else float("inf")
        yield Counted(record_id, facets, (when, round_id, title), hidden=shared not in readable)


def _notable(submission_ids: list[int]) -> dict[int, NotablePractice]:
    if not submission_ids:
        return {}
    chosen = db.session.scalars(select(NotablePractice))
    wanted = set(submission_ids)
    return {choice.submission_id: choice for choice in chosen if choice.submission_id in wanted}


def _organisation_names() -> dict[str, str]:
    return {str(i): name for i, name in db.session.execute(select(Organisation.id, Organisation.name))}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
