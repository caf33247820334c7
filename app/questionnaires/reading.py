"""Reading YAML nodes one value at a time, noting every problem with its line rather than stopping at one.

The loader works on composed nodes (not on loaded Python values) because only nodes know their line. Text is
read from the scalar as written, so `label: No` is the text "No" and `is: yes` the value "yes", not booleans.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import yaml

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ID_RULE = "Ids use lower-case letters, digits and underscores and start with a letter, like project_name"

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


@dataclass(frozen=True)
class DefinitionProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


@dataclass
class Mapping:
    """A YAML mapping whose keys were checked: the value and key node of each key, in the order written."""

    node: yaml.MappingNode
    values: dict[str, yaml.Node] = field(default_factory=dict)
    keys: dict[str, yaml.Node] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return line_of(self.node)

    def get(self, key: str) -> yaml.Node | None:
        return self.values.get(key)

    def key_line(self, key: str) -> int:
        return line_of(self.keys[key]) if key in self.keys else self.line


class Reader:
    def __init__(self) -> None:
        self.problems: list[DefinitionProblem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def problem(self, at: yaml.Node | int | None, message: str) -> None:
        """Note a problem at a node or line. Callers pass the node a value was read from, which is there
        whenever a value was; None (no node) can only come from a caller's mistake, and is put on line 1."""
        line = at if isinstance(at, int) else 1 if at is None else line_of(at)
        self.problems.append(DefinitionProblem(line, message))

    def mapping(
        self, node: yaml.Node, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> Mapping | None:
        """Check a mapping's keys: none unknown, none twice, none of the required ones missing."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, f"{_capital(where)} must be a mapping of keys and values, not {describe(node)}"
            )
            return None
        mapping = Mapping(node)
        allowed = required + optional
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"Keys must be plain words, in {where}")
                continue
            key = key_node.value
            if key in mapping.keys:
                first = line_of(mapping.keys[key])
                self.problem(
                    key_node, f"Key '{key}' appears twice in {where}: it was first used on line {first}"
                )
            elif key not in allowed:
                self.problem(
                    key_node, f"Unknown key '{key}' in {where}.{suggest(key, allowed, 'Keys allowed here')}"
                )
            else:
                mapping.keys[key] = key_node
                mapping.values[key] = value_node
        for key in required:
            if key not in mapping.values:
                self.problem(node, f"{_capital(where)} is missing '{key}'")
        return mapping

    def entries(self, node: yaml.Node, where: str) -> Mapping | None:
        """A mapping whose keys are the author's own (question ids, labels, names): each key once, as text."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, f"{_capital(where)} must be a mapping of keys and values, not {describe(node)}"
            )
            return None
        mapping = Mapping(node)
        for key_node, value_node in node.value:
            key = self.text(key_node, f"a key in {where}") if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, f"Keys must be plain text, in {where}")
                continue
            if key in mapping.keys:
                first = line_of(mapping.keys[key])
                self.problem(key_node, f"'{key}' appears twice in {where}: it was first used on line {first}")
                continue
            mapping.keys[key] = key_node
            mapping.values[key] = value_node
        return mapping

    def sequence(self, node: yaml.Node | None, what: str, *, allow_empty: bool = False) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{_capital(what)} must be a list, not {describe(node)}")
            return []
        if not node.value and not allow_empty:
            self.problem(node, f"{_capital(what)} must not be empty")
        return list(node.value)

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        """A scalar read as text, exactly as written. Empty text is a problem."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{_capital(what)} must be text, not {describe(node)}")
            return None
        value = "" if node.tag == _NULL and not node.style else node.value.strip()
        if not value:
            self.problem(node, f"{_capital(what)} must not be empty")
            return None
        return value

    def ident(self, node: yaml.Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not ID_PATTERN.match(value):
            self.problem(node, f"'{value}' is not a valid {what}. {ID_RULE}")
            return None
        return value

    def idents(self, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node]]:
        """One id or a list of ids, with the node of each."""
        if node is None:
            return []
        items = self.sequence(node, what) if isinstance(node, yaml.SequenceNode) else [node]
        found = [(self.ident(item, what), item) for item in items]
        return [(value, item) for value, item in found if value is not None]

    def flag(self, node: yaml.Node | None, what: str) -> bool | None:
        if node is None:
            return None
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _BOOL):
            self.problem(node, f"{_capital(what)} must be true or false, not {describe(node)}")
            return None
        return bool(self._constructor.construct_object(node))

    def count(self, node: yaml.Node | None, what: str) -> int | None:
        if node is None:
            return None
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _INT):
            self.problem(node, f"{_capital(what)} must be a whole number, not {describe(node)}")
            return None
        value = int(self._constructor.construct_object(node))
        if value < 0:
            self.problem(node, f"{_capital(what)} must be 0 or more, not {value}")
            return None
        return value

    def number(self, node: yaml.Node | None, what: str) -> Decimal | None:
        if node is None:
            return None
        if not (isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT)):
            self.problem(node, f"{_capital(what)} must be a number, not {describe(node)}")
            return None
        try:
            value = Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            value = Decimal(str(self._constructor.construct_object(node)))
        if not value.is_finite():
            self.problem(node, f"{_capital(what)} must be a number, not {node.value}")
            return None
        return value

    def date_limit(self, node: yaml.Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is None or value == "today":
            return value
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            self.problem(node, f"{_capital(what)} must be a date like 2000-01-31, or today, not '{value}'")
            return None
        return value


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL and not node.style:
        return "nothing"
    return f"'{node.value}'"


# YAML's own words for its commonest errors, and what to do about them.
_SYNTAX_ADVICE = (
    ("could not find expected ':'", "a key on this line has no colon after it"),
    (
        "mapping values are not allowed here",
        "there is a colon in the wrong place: put text with a colon in quotes",
    ),
    ("expected <block end>", "this line does not fit the lines before it: check its indentation and quotes"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("found unexpected end of stream", "text in quotes is not closed: add the closing quote"),
    ("found another document", "a definition is a single document: remove the '---' line"),
)


def syntax_problem(error: yaml.YAMLError, text: str) -> DefinitionProblem:
    if not isinstance(error, yaml.MarkedYAMLError):  # a reader error: a character YAML does not allow
        position = getattr(error, "position", 0)
        return DefinitionProblem(text[:position].count("\n") + 1, f"This is not valid YAML: {error}")
    problem = error.problem or ""
    mark = error.problem_mark or error.context_mark
    # A missing colon or quote is noticed lines later; the key or quote that started it is the one to fix.
    if (error.context or "").startswith("while scanning") and error.context_mark is not None:
        mark = error.context_mark
    advice = next((advice for words, advice in _SYNTAX_ADVICE if words in problem), None)
    detail = f"{advice} ({problem})" if advice else " ".join(filter(None, (problem, error.context)))
    return DefinitionProblem(mark.line + 1 if mark is not None else 1, f"This is not valid YAML: {detail}")


def suggest(value: str, allowed: tuple[str, ...] | list[str], listing: str | None = None) -> str:
    """Suggest the allowed name closest to `value`; failing that, give `listing` and the names, if asked."""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if close:
        return f" Did you mean '{close[0]}'?"
    return f" {listing}: {', '.join(allowed)}" if listing and allowed else ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def key_line(node: yaml.Node, key: str) -> int:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return line_of(key_node)
    return line_of(node)


def named_part(node: yaml.Node, kind: str) -> str:
    """How to name a part in a message: by its id if it has one, otherwise by its line."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            is_id = isinstance(key, yaml.ScalarNode) and key.value == "id"
            if is_id and isinstance(value, yaml.ScalarNode) and value.value.strip():
                return f"{kind} '{value.value.strip()}'"
    return f"the {kind} on line {line_of(node)}"
