"""How a page's questions are laid out: each question a node, the questions a choice reveals under it, and the
items of a repeating group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from wtforms import Field

from app.forms.questionnaire_fields import REVEALING_TYPES, YES_NO_CHOICES
from app.questionnaires.schema import Condition, Question


@dataclass
class Node:
    """One question as render_questions lays it out."""

    question: Question
    field: Field
    size: str = "m"  # of its label or legend: l (it is the page heading), m, s, or hidden (the h1 asks it)
    heading: bool = False
    reveals: dict[str, list[Node]] = default(default_factory=dict)  # choice value → questions it reveals
    items: list[Item] = default(default_factory=list)  # repeating group only
    add_button: dict[str, Any] | None = None


@dataclass
class Item:
    """One item of a repeating group: an existing one (with a remove button) or the empty one to fill."""

    legend: str
    nodes: list[Node]
    remove_button: dict[str, Any] | None = None


def arrange(entries: list[tuple[Question, Field]], size: str, keep: Callable[[Question], bool]) -> list[Node]:
    nodes: list[Node] = []
    placed: dict[str, Node] = {}
    left_out: set[str] = set()
    for question, answer in entries:
        condition = question.show_when
        parent = placed.get(condition.question) if condition else None
        if (condition and condition.question in left_out) or (parent is None and not keep(question)):
            left_out.add(question.id)
            continue
        node = Node(question, answer, size)
        value = _revealed_by(parent.question, condition) if parent and condition else None
        if parent is not None and value is not None:
            node.size = "s"
            parent.reveals.setdefault(value, []).append(node)
        else:
            nodes.append(node)
        placed[question.id] = node
    return nodes


def _revealed_by(controller: Question, condition: Condition) -> str | None:
    """The one choice of `controller` whose conditional reveal can hold a question shown on `condition`.
    A condition on several choices cannot be one reveal: that question is then shown after its controller."""
    if controller.type not in REVEALING_TYPES or len(condition.values) != 1:
        return None
    choices = controller.choices or (YES_NO_CHOICES if controller.type == "yes_no" else ())
    value = condition.values[0]
    return value if any(choice.value == value for choice in choices) else None


def walk(nodes: list[Node]):
    for node in nodes:
        yield node
        for children in node.reveals.values():
            yield from walk(children)
