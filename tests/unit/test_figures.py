"""The published figures, worked out from records built in memory (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.models import Organisation, Record, Round, Sector, Submission
from app.questionnaires.loader import default_questionnaire
from app.services.find.figures import figures, savings

ROUND_2017 = Round(id=1, title="Collaboration return 2017", opens_at=datetime(2017, 1, 9, tzinfo=UTC))
ROUND_2018 = Round(id=2, title="Collaboration return 2018", opens_at=datetime(2018, 1, 8, tzinfo=UTC))
POLICE = Organisation(id=1, name="Avon and Somerset Constabulary", sector=Sector.POLICE)
FIRE = Organisation(id=3, name="Avon Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)


@pytest.fixture(scope="module")
def questionnaire():
    return default_questionnaire()


def record(
    name: str = "Project",
    *,
    organisation: Organisation = POLICE,
    round_: Round = ROUND_2017,
    answers: dict | None = None,
    sharing: str = "sector",
    **facets,
) -> Record:
    return Record(
        name=name,
        organisation_id=organisation.id,
        organisation=organisation,
        round_id=round_.id,
        submission=Submission(reference=f"CR-{name}", round=round_),
        answers=answers or {},
        facets={key: list(value) for key, value in facets.items()},
        sharing=sharing,
    )


def test_themes_are_counted_once_a_project_most_first_ties_in_the_questionnaire_order(questionnaire):
    records = [
        record(themes=["joint_training", "shared_estates"]),
        record(themes=["shared_estates"]),
        record(themes=["co_responding"]),
        record(themes=["joint_training"]),
        record(themes=["shared_estates", "shared_estates"]),  # a repeated value counts once
    ]
    assert figures(records, questionnaire).by_theme == [
        ("Shared estates", 3),
        ("Joint training", 2),
        ("Co-responding and first response", 1),
    ]


def test_service_combinations_in_words(questionnaire):
    records = [
        record(combination=["police_fire"]),
        record(combination=["police_fire"]),
        record(combination=["police_fire_ambulance"]),
        record(combination=["single"]),
    ]
    assert figures(records, questionnaire).by_combination == [
        ("Police and fire", 2),
        ("Police, fire and ambulance", 1),
        ("One emergency service with other partners", 1),
    ]


def test_regions_by_their_names_and_a_project_in_two_regions_counts_in_both(questionnaire):
    records = [
        record(region=["south_west", "wales"]),
        record(region=["south_west"]),
        record(region=["london"]),
    ]
    assert figures(records, questionnaire).by_region == [("South West", 2), ("London", 1), ("Wales", 1)]


def test_stages_in_their_natural_order_with_every_stage_shown(questionnaire):
    records = [record(stage=["implemented"]), record(stage=["implemented"]), record(stage=["idea"])]
    assert figures(records, questionnaire).by_stage == [
        ("Idea", 1),
        ("Planning", 0),
        ("Being set up", 0),
        ("Up and running", 2),
        ("Ended", 0),
    ]


def test_rounds_oldest_first_by_their_titles(questionnaire):
    records = [record(round_=ROUND_2018), record(round_=ROUND_2017), record(round_=ROUND_2018)]
    assert figures(records, questionnaire).by_round == [
        ("Collaboration return 2017", 1),
        ("Collaboration return 2018", 2),
    ]


def test_enablers_and_barriers_ranked_and_nothing_got_in_the_way_is_not_a_barrier(questionnaire):
    records = [
        record(enablers=["funding", "leadership"], barriers=["culture", "funding"]),
        record(enablers=["leadership"], barriers=["culture"]),
        record(enablers=["leadership"], barriers=["none"]),
    ]
    result = figures(records, questionnaire)
    assert result.enablers == [("Strong leadership and senior support", 3), ("Funding", 1)]
    assert result.barriers == [("Different organisational cultures", 2), ("Not enough funding", 1)]
    assert result.no_barriers == 1


def test_money_as_typed_is_summed_and_the_projects_that_gave_a_figure_counted():
    records = [
        record(answers={"cashable_savings": "£1,250.50", "cost": "£125,000"}),
        record(answers={"cashable_savings": "40000", "cost": "0"}),
        record(answers={"cashable_savings": "about a million"}),  # not a figure: left out, not a crash
        record(answers={"cashable_savings": ""}),
        record(answers={}),
    ]
    totals = savings(records, default_questionnaire())
    assert totals.cashable_savings == Decimal("41250.50")
    assert totals.cashable_savings_count == 2
    assert totals.cost == Decimal("125000")
    assert totals.cost_count == 2


def test_headline_counts_projects_organisations_once_and_evaluations(questionnaire):
    records = [
        record(organisation=POLICE, partners=["3", "4"], has_evaluation=["yes"]),
        record(organisation=FIRE, partners=["1"], has_evaluation=["no"]),
        record(organisation=POLICE, partners=["3"], has_evaluation=["yes"]),
    ]
    headline = figures(records, questionnaire).headline
    assert (headline.projects, headline.organisations, headline.evaluated) == (3, 3, 2)


def test_projects_shared_for_figures_only_are_counted(questionnaire):
    records = [
        record(themes=["procurement"], sharing="figures_only", answers={"cashable_savings": "£10"}),
        *(
            record(themes=["procurement"], sharing="public", answers={"cashable_savings": "£5"})
            for _ in range(2)
        ),
    ]
    result = figures(records, questionnaire)
    assert result.headline.projects == 3
    assert result.by_theme == [("Procurement", 3)]
    assert result.savings.cashable_savings == Decimal("20")


def test_no_figure_from_fewer_than_3_projects_when_one_is_figures_only(questionnaire):
    hidden = record(themes=["procurement"], sharing="figures_only", answers={"cashable_savings": "£10"})
    shown = [record(themes=["governance"], sharing="public") for _ in range(3)]
    result = figures([hidden, *shown], questionnaire)
    assert result.headline.projects == 4
    # Withheld (None, "fewer than 3") and listed after the figures that are shown.
    assert result.by_theme == [("Governance", 3), ("Procurement", None)]
    assert (result.savings.cashable_savings, result.savings.cashable_savings_count) == (None, None)
    # Projects the viewer can all read: small figures are shown.
    assert figures(shown[:1], questionnaire).by_theme == [("Governance", 1)]
    # So few projects that every figure would point at the hidden one: all withheld.
    alone = figures([hidden, shown[0]], questionnaire)
    assert alone.withheld and alone.headline.projects is None and alone.by_theme == []
    # For someone who cannot read sector-only projects, those count as hidden too.
    sector = [record(themes=["governance"], sharing="sector")]
    assert figures(sector, questionnaire).by_theme == [("Governance", 1)]
    assert figures(sector, questionnaire, readable=("public",)).withheld


def test_no_records_gives_empty_figures_not_an_error(questionnaire):
    result = figures([], questionnaire)
    assert result.by_theme == []
    assert result.headline.projects == 0
    assert result.savings.cashable_savings == Decimal(0)
    assert all(count == 0 for _, count in result.by_stage)
