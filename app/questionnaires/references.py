"""The cross-references of a definition, checked once all of it has been read: ids used once, roles,
conditions and rules naming earlier questions and real choices, sections after earlier ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.questionnaires.checks import CONTROLLING_TYPES, YES_NO, capital
from app.questionnaires.reading import Reader, suggest
from app.questionnaires.roles import ROLES
from app.questionnaires.schema import Condition


@dataclass(frozen=True)
class Position:
    """Where a question sits: its place in the questionnaire, its page, and its repeating group if any."""

    order: int
    page: int
    page_id: str | None
    group: str | None = None


@dataclass(frozen=True)
class PendingCondition:
    condition: Condition
    owner: str  # "page 'x'" or "question 'y'"
    line: int  # of the condition's question
    value_lines: tuple[int, ...]
    page: int
    order: int | None = None  # None for a page's condition
    group: str | None = None
    owner_id: str | None = None


@dataclass(frozen=True)
class PendingAfter:
    section: str
    index: int
    after: str
    line: int


@dataclass
class Index:
    """Ids and references met while reading, checked once everything has been read."""

    reader: Reader
    first_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)
    # The type and choice values of each question, for checking the conditions that name it.
    controllers: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    conditions: list[PendingCondition] = field(default_factory=list)
    afters: list[PendingAfter] = field(default_factory=list)
    # Cross-answer rules: (rule, line of its question, line of its kind, how to name it)
    rules: list[tuple[Any, int, int, str]] = field(default_factory=list)
    rule_conditions: list[tuple[Condition, int, tuple[int, ...], str]] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)  # role -> the line that gives it

    def claim(self, kind: str, ident: str, line: int) -> bool:
        """Note that an id is used; say so if it was used before. Returns whether this is its first use."""
        seen = self.first_lines.setdefault(kind, {})
        if ident in seen:
            self.reader.problem(
                line,
                f"{capital(kind)} id '{ident}' is used more than once: "
                f"it was first used on line {seen[ident]}",
            )
            return False
        seen[ident] = line
        return True

    def claim_role(self, role: str, line: int) -> bool:
        if role in self.roles:
            self.reader.problem(
                line,
                f"Role '{role}' is given to more than one question: "
                f"it was first given on line {self.roles[role]}",
            )
            return False
        return True

    def check_roles(self, required: Iterable[str], line: int) -> None:
        """Every role the service needs is given to some question; reported on `line` (the sections)."""
        for role in required:
            if role not in self.roles:
                known = ROLES[role]
                self.reader.problem(
                    line,
                    f"No question has the role '{role}' ({known.what}): add 'role: {role}' to the "
                    f"{' or '.join(known.types)} question that asks for it",
                )

    def check(self) -> None:
        for after in self.afters:
            self._check_after(after)
        for condition in self.conditions:
            self._check_condition(condition)
        for rule, line, kind_line, where in self.rules:
            self._check_rule(rule, line, kind_line, where)
        for when, line, value_lines, where in self.rule_conditions:
            if self._rule_names(when.question, line, f"the when of {where}"):
                pending = PendingCondition(when, where, line, value_lines, 0)
                self._check_values(
                    pending, f"the when of {where}", when.question, *self.controllers[when.question]
                )

    def _rule_names(self, name: str, line: int, where: str) -> bool:
        """Whether a rule names a question that exists outside repeating groups (and whose type was read)."""
        position = self.positions.get(name)
        if position is None:
            hint = suggest(name, list(self.positions))
            self.reader.problem(line, f"{capital(where)} names question '{name}', but there is none.{hint}")
            return False
        if position.group is not None:
            self.reader.problem(
                line,
                f"{capital(where)} names '{name}', a field of repeating group '{position.group}': rules "
                "can only name questions outside repeating groups",
            )
            return False
        return name in self.controllers

    def _check_rule(self, rule: Any, line: int, kind_line: int, where: str) -> None:
        if not self._rule_names(rule.question, line, where):
            return
        qtype, choices = self.controllers[rule.question]
        other = rule.not_before or rule.not_after
        if other is not None:
            key = "not_before" if rule.not_before else "not_after"
            if qtype not in ("date", "month_year"):
                self.reader.problem(
                    kind_line,
                    f"{capital(where)} compares '{rule.question}', a {qtype} question: {key} "
                    "compares date or month_year questions",
                )
            elif self._rule_names(other, kind_line, f"{key} of {where}"):
                other_type = self.controllers[other][0]
                if other == rule.question:
                    self.reader.problem(kind_line, f"{capital(where)} compares '{other}' with itself")
                elif other_type != qtype:
                    self.reader.problem(
                        kind_line,
                        f"{capital(where)} compares '{rule.question}' ({qtype}) with '{other}' "
                        f"({other_type}): compare questions of the same type",
                    )
        if rule.forbid:
            if qtype not in CONTROLLING_TYPES:
                self.reader.problem(
                    kind_line,
                    f"{capital(where)} forbids answers to '{rule.question}', a {qtype} question: "
                    f"only questions with choices ({', '.join(CONTROLLING_TYPES)}) have answers to forbid",
                )
                return
            values = YES_NO if qtype == "yes_no" else choices
            for value in rule.forbid:
                if value not in values:
                    self.reader.problem(
                        kind_line,
                        f"'{value}' is not one of the choices of question '{rule.question}', in "
                        f"{where}. Use one of: {', '.join(values)}",
                    )

    def _check_after(self, pending: PendingAfter) -> None:
        where = f"Section '{pending.section}'"
        if pending.after not in self.sections:
            hint = suggest(pending.after, list(self.sections), "The sections are")
            self.reader.problem(
                pending.line, f"{where} comes after '{pending.after}', but there is no such section.{hint}"
            )
        elif pending.after == pending.section:
            self.reader.problem(pending.line, f"{where} cannot come after itself")
        elif self.sections[pending.after] >= pending.index:
            self.reader.problem(
                pending.line,
                f"{where} can only come after earlier sections, and '{pending.after}' comes later",
            )

    def _check_condition(self, pending: PendingCondition) -> None:
        name = pending.condition.question
        owner = f"the show_when of {pending.owner}"
        position = self.positions.get(name)
        if position is None:
            hint = suggest(name, list(self.positions))
            self.reader.problem(
                pending.line, f"{capital(owner)} names question '{name}', but there is none.{hint}"
            )
            return
        owner_name = capital(pending.owner)
        if pending.group is not None:
            if position.group != pending.group or position.order >= (pending.order or 0):
                self.reader.problem(
                    pending.line,
                    f"{owner_name} cannot depend on '{name}': a field of repeating group "
                    f"'{pending.group}' can only depend on an earlier field of the same group",
                )
                return
        elif position.group is not None:
            self.reader.problem(
                pending.line,
                f"{owner_name} cannot depend on '{name}', a field of repeating group '{position.group}': "
                "only questions outside a repeating group can control what is shown",
            )
            return
        elif pending.order is None and position.page >= pending.page:
            where = (
                "on the same page"
                if position.page == pending.page
                else f"on a later page ('{position.page_id}')"
            )
            self.reader.problem(
                pending.line,
                f"{owner_name} cannot depend on '{name}', which is {where}: "
                "a page can only depend on questions on earlier pages",
            )
            return
        elif pending.order is not None and name == pending.owner_id:
            self.reader.problem(pending.line, f"{owner_name} cannot depend on itself")
            return
        elif pending.order is not None and position.order > pending.order:
            self.reader.problem(
                pending.line,
                f"{owner_name} cannot depend on '{name}', which comes later: a question can only "
                "depend on questions before it on its page or on earlier pages",
            )
            return
        if name in self.controllers:  # absent when its type could not be read: that is reported already
            self._check_values(pending, owner, name, *self.controllers[name])

    def _check_values(
        self, pending: PendingCondition, owner: str, name: str, qtype: str, choices: tuple[str, ...]
    ) -> None:
        if qtype not in CONTROLLING_TYPES:
            self.reader.problem(
                pending.line,
                f"{capital(owner)} names '{name}', a {qtype} question: only questions "
                f"with choices ({', '.join(CONTROLLING_TYPES)}) can control what is shown",
            )
            return
        values = YES_NO if qtype == "yes_no" else tuple(dict.fromkeys(choices))
        for value, line in zip(pending.condition.values, pending.value_lines, strict=True):
            if value not in values:
                self.reader.problem(
                    line,
                    f"'{value}' is not one of the choices of question '{name}', in {owner}. "
                    f"Use one of: {', '.join(values)}",
                )
