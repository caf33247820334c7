"""Questionnaire versions for administrators: list them, add a new one, copy one as the start of the next,
and the answers a preview assumes.

A version is stored once and never changed once a round uses it; an upload with a key that is already stored
is refused rather than replacing what is there. Storing goes through rounds.register_version, which also
empties the cache of parsed definitions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import select

from app.extensions import db
from app.ids import parse_id
from app.models import QuestionnaireVersion, Round, User
from app.questionnaires.loader import default_questionnaire, load_definition
from app.questionnaires.schema import Condition, Questionnaire
from app.services import audit
from app.services.errors import DomainError
from app.services.rounds import deadlines as rounds

TRAILING_NUMBER = re.compile(r"(\d+)$")


@dataclass
class VersionRow:
    version: QuestionnaireVersion
    rounds: list[Round]

    @property
    def in_use(self) -> bool:
        return bool(self.rounds)


def listing() -> list[VersionRow]:
    """Every stored version, newest first, with the rounds that use it (two queries)."""
    versions = db.session.scalars(
        select(QuestionnaireVersion).order_by(
            QuestionnaireVersion.created_at.desc(), QuestionnaireVersion.id.desc()
        )
    ).all()
    used: dict[int, list[Round]] = defaultdict(list)
    for round_ in db.session.scalars(select(Round).order_by(Round.opens_at.desc())):
        used[round_.questionnaire_version_id].append(round_)
    return [VersionRow(version, used[version.id]) for version in versions]


def get(version_id: int) -> QuestionnaireVersion | None:
    return db.session.get(QuestionnaireVersion, version_id)


def exists(key: str) -> bool:
    return db.session.scalar(select(QuestionnaireVersion.id).filter_by(key=key)) is not None


def add(definition_text: str, *, by: User) -> QuestionnaireVersion:
    """Store a new version. DefinitionError lists every problem in it; DomainError if its key is taken."""
    questionnaire = load_definition(definition_text, source="The definition")
    if exists(questionnaire.key) or questionnaire.key == default_questionnaire().key:
        raise DomainError(
            f"Version {questionnaire.version} of '{questionnaire.id}' already exists: "
            "give the new definition a version of its own"
        )
    rounds.default_version()  # the shipped version is kept alongside, to compare with and to copy
    version = rounds.register_version(definition_text)
    audit.record("questionnaire_version.added", actor=by, subject=version, key=version.key)
    return version


def next_version(version: str) -> str:
    """2026.1 → 2026.2, 7 → 8, 2026.beta → 2026.beta.1."""
    match = TRAILING_NUMBER.search(version)
    if match is None:
        return f"{version}.1"
    return version[: match.start()] + str(int(match.group(1)) + 1)


def copy_text(version: QuestionnaireVersion) -> tuple[str, str]:
    """The version's YAML with its version number moved on to the next one not yet stored, everything else
    (comments included) as written; and that new version number."""
    text = version.definition
    node = _version_node(text)
    questionnaire = rounds.questionnaire_for(version)
    bumped = next_version(questionnaire.version)
    while exists(f"{questionnaire.id}/{bumped}"):
        bumped = next_version(bumped)
    if node is None:  # cannot happen for a stored (validated) version; kept safe all the same
        return text, bumped
    start, end = node.start_mark.index, node.end_mark.index
    return text[:start] + f'"{bumped}"' + text[end:], bumped


def _version_node(text: str) -> yaml.ScalarNode | None:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "version" and isinstance(value, yaml.ScalarNode):
            return value
    return None


def preview_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    """Answers under which every conditional page and question shows, as far as they allow: a preview of
    a page then shows everything the page can ask. (Two conditions on different answers to the same
    single-choice question cannot both hold; the first one wins.)"""
    wanted: dict[str, list[str]] = defaultdict(list)

    def want(condition: Condition | None) -> None:
        if condition is not None:
            wanted[condition.question].extend(
                v for v in condition.values if v not in wanted[condition.question]
            )

    for page in questionnaire.pages:
        want(page.show_when)
        for question in page.questions:
            want(question.show_when)
            for part in question.fields:
                want(part.show_when)
    answers: dict[str, Any] = {}
    for question_id, values in wanted.items():
        found = questionnaire.question(question_id)
        many = found is not None and found.type in ("checkboxes", "organisations")
        answers[question_id] = list(values) if many else values[0]
    return answers


SHIPPED = "shipped"


def choices() -> list[tuple[str, str]]:
    """The versions a round can use, newest first, as (value, label); the one that comes with the service
    is offered even before it is stored."""
    stored = db.session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.key, QuestionnaireVersion.title).order_by(
            QuestionnaireVersion.created_at.desc(), QuestionnaireVersion.id.desc()
        )
    ).all()
    offered = [(str(id_), f"{key}: {title}") for id_, key, title in stored]
    shipped = default_questionnaire()
    if shipped.key not in {key for _, key, _ in stored}:
        offered.append((SHIPPED, f"{shipped.key}: {shipped.title}"))
    return offered


def chosen(value: str) -> QuestionnaireVersion | None:
    """The version a choice names (storing the shipped one if that is the choice)."""
    if value == SHIPPED:
        return rounds.default_version()
    version_id = parse_id(value)
    return get(version_id) if version_id is not None else None
