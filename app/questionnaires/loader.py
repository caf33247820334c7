"""Load a questionnaire definition from YAML into the schema's dataclasses, checking all of it first.

Every problem is collected, each with the line it is on, so that whoever edits a definition can fix them all
in one go; a definition with any problem is refused whole (DefinitionError), never loaded in part.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import yaml

from app.questionnaires.building import Builder
from app.questionnaires.reading import DefinitionProblem, key_line, syntax_problem
from app.questionnaires.roles import REQUIRED_ROLES
from app.questionnaires.schema import Questionnaire

__all__ = ["DefinitionError", "DefinitionProblem", "default_questionnaire", "load_definition", "load_file"]

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
DEFAULT_DEFINITION = DEFINITIONS_DIR / "collaboration-2026.1.yaml"


class DefinitionError(Exception):
    """A definition that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[DefinitionProblem], source: str = "<definition>") -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        heading = f"{self.source} has {count} problem{'s' if count != 1 else ''}:"
        return "\n".join([heading, *(f"  {problem}" for problem in self.problems)])


def load_definition(
    text: str, *, source: str = "<definition>", required_roles: Iterable[str] = REQUIRED_ROLES
) -> Questionnaire:
    """The questionnaire a YAML definition declares; DefinitionError listing every problem if it has any.

    `required_roles` are the roles (roles.py) some question must have: by default all that the service needs.
    They are checked once the rest reads well, since a question that could not be read may be the one."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise DefinitionError([syntax_problem(error, text)], source) from None
    if root is None:
        raise DefinitionError([DefinitionProblem(1, "The definition is empty")], source)
    builder = Builder()
    questionnaire = builder.questionnaire(root)
    builder.index.check()
    if questionnaire is not None and not builder.read.problems:
        builder.index.check_roles(required_roles, key_line(root, "sections"))
    problems = sorted(dict.fromkeys(builder.read.problems), key=lambda problem: problem.line)
    if problems or questionnaire is None:
        raise DefinitionError(problems or [DefinitionProblem(1, "The definition could not be read")], source)
    return questionnaire


def load_file(path: str | Path) -> Questionnaire:
    path = Path(path)
    return load_definition(path.read_text(encoding="utf-8"), source=str(path))


@functools.cache
def default_questionnaire() -> Questionnaire:
    """The shipped emergency services collaboration questionnaire, read once per process."""
    return load_file(DEFAULT_DEFINITION)
