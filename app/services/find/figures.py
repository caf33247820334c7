"""The published figures: how many projects there are by theme, services, region, stage and round, what helped
and what got in the way, and the money, worked out from the records the caller passes in.

Every record passed in is counted, including those whose owners chose "figures only": the questionnaire
promises them that they are counted in the totals and charts, so it is the caller's job to pass them in.
A project with several themes (regions, enablers...) counts once under each, so those rows add up to more than
the number of projects.

No figure computed from fewer than 3 projects is shown when any of them is one the viewer may not read
(figures only, say): the caller passes the tallies of those records as `hidden`, and such a figure is None,
shown as "fewer than 3" (app/services/find/visibility.py). When the projects selected are themselves so few,
every figure is withheld (`Figures.withheld`): a breakdown would name the values the hidden project has.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.models import Record
from app.models.organisation import REGION_LABELS
from app.questionnaires.display import format_money, parse_money
from app.questionnaires.schema import Questionnaire
from app.services.find.visibility import FIGURES_ONLY, SMALL_COUNT

Row = tuple[str, int | None]  # None: withheld, "fewer than 3"

COMBINATION_LABELS = {
    "police_fire_ambulance": "Police, fire and ambulance",
    "police_fire": "Police and fire",
    "police_ambulance": "Police and ambulance",
    "fire_ambulance": "Fire and ambulance",
    "single": "One emergency service with other partners",
}
NO_BARRIERS = "none"  # "Nothing got in the way" is not a barrier, so it is counted apart from them


@dataclass(frozen=True)
class Headline:
    projects: int | None  # None: withheld, as every figure below (see the module's note)
    organisations: int | None  # lead and partner organisations, each counted once
    evaluated: int | None  # projects that have been evaluated


@dataclass(frozen=True)
class Savings:
    cashable_savings: Decimal | None  # a year, summed over the projects that gave a figure; None: withheld
    cashable_savings_count: int | None
    cost: Decimal | None
    cost_count: int | None

    @property
    def cashable_savings_text(self) -> str:
        return format_money(self.cashable_savings) if self.cashable_savings is not None else ""

    @property
    def cost_text(self) -> str:
        return format_money(self.cost) if self.cost is not None else ""


@dataclass(frozen=True)
class Figures:
    headline: Headline
    by_theme: list[Row]
    by_combination: list[Row]
    by_region: list[Row]
    by_stage: list[Row]  # every stage in the questionnaire's order, with 0 for a stage no project is at
    by_round: list[Row]  # oldest round first
    enablers: list[Row]
    barriers: list[Row]
    no_barriers: int | None  # projects that said nothing got in the way
    savings: Savings
    withheld: bool = False  # too few projects, one of them hidden from the viewer: no figure is shown


# The facets the figures count records by.
FIGURE_FACETS = ("themes", "combination", "region", "stage", "enablers", "barriers", "has_evaluation")


@dataclass(frozen=True)
class Tallies:
    """What the figures are made from: how many projects, how many have each facet value, how many each round
    has (by (opens at, round id, title)), how many organisations lead or partner them, and the money."""

    projects: int
    values: dict[str, Counter[str]]
    rounds: Counter[tuple[Any, ...]]
    organisations: int
    savings: Savings


def figures(
    records: Sequence[Record], questionnaire: Questionnaire, *, readable: Sequence[str] = ()
) -> Figures:
    """The figures of these records; those whose sharing is not in `readable` are hidden from the viewer (by
    default those shared as figures only)."""
    hidden = [r for r in records if (r.sharing not in readable if readable else r.sharing == FIGURES_ONLY)]
    return from_tallies(
        tallies(records, questionnaire),
        questionnaire,
        hidden=tallies(hidden, questionnaire) if hidden else None,
    )


def tallies(records: Sequence[Record], questionnaire: Questionnaire) -> Tallies:
    organisations: set[str] = set()
    for record in records:
        organisations.add(_lead_key(record))
        organisations.update(f"id:{value}" for value in facet_values(record, "partners"))
    return Tallies(
        projects=len(records),
        values={
            facet: Counter(value for record in records for value in facet_values(record, facet))
            for facet in FIGURE_FACETS
        },
        rounds=Counter(_round_key(record) for record in records),
        organisations=len(organisations),
        savings=savings(records, questionnaire),
    )


def from_tallies(tallied: Tallies, questionnaire: Questionnaire, *, hidden: Tallies | None = None) -> Figures:
    """The figures from the tallies of all the records counted; `hidden` are the tallies of those among them
    the viewer may not read, whose small counts are withheld."""
    if hidden is not None and withheld(tallied.projects, hidden.projects):
        return _allwithheld()
    values = tallied.values
    hidden_values = hidden.values if hidden is not None else {}

    def shown(facet: str) -> Counter[Any]:
        return shown_counts(values[facet], hidden_values.get(facet, Counter()))

    rounds = shown_counts(tallied.rounds, hidden.rounds if hidden is not None else Counter())
    barriers = shown("barriers")
    return Figures(
        headline=Headline(
            projects=tallied.projects,
            organisations=tallied.organisations,
            evaluated=shown("has_evaluation")["yes"],
        ),
        by_theme=_ranked(shown("themes"), "themes", _choice_order(questionnaire, "themes"), questionnaire),
        by_combination=_ranked(
            shown("combination"), "combination", list(COMBINATION_LABELS), labels=COMBINATION_LABELS
        ),
        by_region=_ranked(
            shown("region"), "region", [str(r) for r in REGION_LABELS], labels=_region_labels()
        ),
        by_stage=_by_stage(shown("stage"), questionnaire),
        by_round=[(key[-1], count) for key, count in sorted(rounds.items())],
        enablers=_ranked(
            shown("enablers"), "enablers", _choice_order(questionnaire, "enablers"), questionnaire
        ),
        barriers=_ranked(
            barriers,
            "barriers",
            _choice_order(questionnaire, "barriers"),
            questionnaire,
            leave_out=NO_BARRIERS,
        ),
        no_barriers=barriers[NO_BARRIERS],
        savings=_shown_savings(tallied.savings, hidden.savings if hidden is not None else None),
    )


def withheld(count: int | None, hidden: int | None) -> bool:
    """A figure made from `count` projects, `hidden` of them not readable by the viewer, is withheld."""
    return bool(hidden) and count is not None and count < SMALL_COUNT


def shown_counts(counts: Counter[Any], hidden: Counter[Any]) -> Counter[Any]:
    """The counts, None where one is withheld. A Counter still answers 0 for a value nobody has."""
    return Counter({key: None if withheld(n, hidden.get(key, 0)) else n for key, n in counts.items()})


def _shown_savings(found: Savings, hidden: Savings | None) -> Savings:
    if hidden is None:
        return found
    cashable = not withheld(found.cashable_savings_count, hidden.cashable_savings_count)
    cost = not withheld(found.cost_count, hidden.cost_count)
    return Savings(
        found.cashable_savings if cashable else None,
        found.cashable_savings_count if cashable else None,
        found.cost if cost else None,
        found.cost_count if cost else None,
    )


def _allwithheld() -> Figures:
    return Figures(
        headline=Headline(projects=None, organisations=None, evaluated=None),
        by_theme=[],
        by_combination=[],
        by_region=[],
        by_stage=[],
        by_round=[],
        enablers=[],
        barriers=[],
        no_barriers=None,
        savings=Savings(None, None, None, None),
        withheld=True,
    )


def savings(records: Iterable[Record], questionnaire: Questionnaire) -> Savings:
    cashable_id = questionnaire.role_question("cashable_savings").id
    cost_id = questionnaire.role_question("cost").id
    cashable, cashable_count, cost, cost_count = Decimal(0), 0, Decimal(0), 0
    for record in records:
        amount = money_answer(record, cashable_id)
        if amount is not None:
            cashable, cashable_count = cashable + amount, cashable_count + 1
        amount = money_answer(record, cost_id)
        if amount is not None:
            cost, cost_count = cost + amount, cost_count + 1
    return Savings(cashable, cashable_count, cost, cost_count)


def money_answer(record: Record, question_id: str) -> Decimal | None:
    """A money answer as typed ("£1,250.50", "40000"), or None when it is missing or not a sum of money."""
    return money_value((record.answers or {}).get(question_id))


def money_value(value: object) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return parse_money(value) if isinstance(value, str) else None


def facet_values(record: Record, facet: str) -> list[str]:
    """A facet's values, each once, in the order given. Records published before a facet existed lack it."""
    values = (record.facets or {}).get(facet) or []
    if isinstance(values, str):
        values = [values]
    return list(dict.fromkeys(str(value) for value in values))


def _ranked(
    counts: Counter[str],
    facet: str,
    natural_order: list[str],
    questionnaire: Questionnaire | None = None,
    *,
    labels: dict[str, str] | None = None,
    leave_out: str | None = None,
) -> list[Row]:
    """Most projects first; a tie in the natural order (the questionnaire's, say), unknown values last;
    withheld counts after all the others, in the natural order (their place would tell them apart)."""
    position = {value: index for index, value in enumerate(natural_order)}
    ordered = sorted(
        (value for value in counts if value != leave_out and counts[value] != 0),
        key=lambda value: (
            counts[value] is None,
            -(counts[value] or 0),
            position.get(value, len(position)),
            value,
        ),
    )
    return [(_label(value, facet, questionnaire, labels), counts[value]) for value in ordered]


def _by_stage(counts: Counter[str], questionnaire: Questionnaire) -> list[Row]:
    stages = _choice_order(questionnaire, "stage")
    stages += sorted(value for value in counts if value not in stages and counts[value] != 0)
    return [(_label(value, "stage", questionnaire), counts[value]) for value in stages]


def _round_key(record: Record) -> tuple[Any, ...]:
    submission = getattr(record, "submission", None)
    round_ = getattr(submission, "round", None)
    return round_key(record.round_id, round_)


def round_key(round_id: int | None, round_: Any) -> tuple[Any, ...]:
    """(opens at, round id, title): rounds sort by when they opened."""
    opens_at = getattr(round_, "opens_at", None)
    round_id = round_id if round_id is not None else getattr(round_, "id", None)
    title = getattr(round_, "title", None) or (
        f"Round {round_id}" if round_id is not None else "Unknown round"
    )
    when = opens_at.timestamp() if isinstance(opens_at, datetime) else float("inf")
    return (when, round_id or 0, title)


def _lead_key(record: Record) -> str:
    if record.organisation_id is not None:
        return f"id:{record.organisation_id}"
    organisation = getattr(record, "organisation", None)
    if getattr(organisation, "id", None) is not None:
        return f"id:{organisation.id}"
    return f"name:{getattr(organisation, 'name', record.name)}"


def _choice_order(questionnaire: Questionnaire, role: str) -> list[str]:
    question = questionnaire.with_role(role)
    return [choice.value for choice in question.choices] if question else []


def _label(
    value: str, facet: str, questionnaire: Questionnaire | None = None, labels: dict[str, str] | None = None
) -> str:
    if labels is not None:
        return labels.get(value, value.replace("_", " ").capitalize())
    # The facets counted here are the roles of the same name (roles.py requires it).
    question = questionnaire.with_role(facet) if questionnaire else None
    return question.choice_label(value) if question else value


def _region_labels() -> dict[str, str]:
    return {str(region): label for region, label in REGION_LABELS.items()}
