"""What the overview's figures are made from: each counted record's facets, and the labels of the values they
count, in the questionnaire's order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.models import Record
from app.models.organisation import REGION_LABELS_BY_VALUE
from app.questionnaires.schema import Questionnaire
from app.services.find.figures import COMBINATION_LABELS

NO_THEME = "none"


@dataclass(frozen=True)
class Counted:
    """What the figures need of one record, read without its answers."""

    record_id: int
    facets: Mapping[str, list[str]]
    round_key: tuple[Any, ...]
    hidden: bool = False  # counted only: the reader may not read it, so small counts with it are withheld


class Labels:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire

    def choice(self, question_id: str, value: str) -> str:
        if question_id == "combination":
            return COMBINATION_LABELS.get(value, value)
        if question_id == "region":
            return REGION_LABELS_BY_VALUE.get(value, value)
        if question_id == "themes" and value == NO_THEME:
            return "No theme given"
        question = self.questionnaire.with_role(question_id)
        return question.choice_label(value) if question else value

    def order(self, question_id: str) -> list[str]:
        if question_id == "combination":
            return list(COMBINATION_LABELS)
        if question_id == "region":
            return list(REGION_LABELS_BY_VALUE)
        question = self.questionnaire.with_role(question_id)
        return [choice.value for choice in question.choices] if question else []

    def answer_of(self, record: Record) -> Callable[[str], Any]:
        """The record's answer to the question with a role ("contact_name"...): code never asks by id."""
        answers = record.answers or {}
        return lambda role: self.questionnaire.answer(answers, role)

    def theme_order(self, counts: Counter[Any]) -> list[str]:
        """Most projects first, withheld counts last in the questionnaire's order (their place would tell
        them apart)."""
        position = {value: index for index, value in enumerate(self.order("themes"))}
        return sorted(
            (v for v in counts if counts[v] != 0),
            key=lambda v: (counts[v] is None, -(counts[v] or 0), position.get(v, 99), v),
        )

    def rows(
        self, question_id: str, counts: Counter[Any], *, keep_order: bool = False
    ) -> list[tuple[str, int | None]]:
        order = self.order(question_id)
        values = [v for v in order if counts[v] != 0]
        values += sorted(v for v in counts if v not in order and counts[v] != 0)
        if not keep_order:
            position = {v: i for i, v in enumerate(values)}
            values.sort(key=lambda v: (counts[v] is None, -(counts[v] or 0), position[v]))
        return [(self.choice(question_id, value), counts[value]) for value in values]
