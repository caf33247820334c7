"""Building a questionnaire from a definition's YAML nodes (loader.py reads the text): every key checked,
every problem collected with the line it is on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import yaml

from app.questionnaires import checks, references
from app.questionnaires.definition_keys import (
    CHOICE_KEYS,
    CHOICE_OPTIONAL,
    CONDITION_KEYS,
    PAGE_KEYS,
    PAGE_OPTIONAL,
    QUESTION_KEYS,
    QUESTION_OPTIONAL,
    QUESTIONNAIRE_KEYS,
    QUESTIONNAIRE_OPTIONAL,
    RULE_KEYS,
    RULE_OPTIONAL,
    SECTION_KEYS,
    SECTION_OPTIONAL,
    VALIDATION_KEYS,
    VERSION_PATTERN,
)
from app.questionnaires.reading import Mapping, Reader, describe, line_of, named_part
from app.questionnaires.schema import (
    AnswerRule,
    Choice,
    Condition,
    Page,
    Question,
    Questionnaire,
    Section,
    Validation,
)

T = TypeVar("T")


def _every(items: Sequence[T | None], *, empty: bool = False) -> tuple[T, ...] | None:
    """All the items, if every one could be read (and there is one, unless `empty` is allowed); else None."""
    if (not items and not empty) or any(item is None for item in items):
        return None
    return tuple(item for item in items if item is not None)


class Builder:
    def __init__(self) -> None:
        self.read = Reader()
        self.index = references.Index(self.read)
        self._pages = 0
        self._questions = 0

    def questionnaire(self, node: yaml.Node) -> Questionnaire | None:
        if not isinstance(node, yaml.MappingNode):
            self.read.problem(
                node,
                f"A definition must be a mapping with the keys {', '.join(QUESTIONNAIRE_KEYS)}, "
                f"not {describe(node)}",
            )
            return None
        root = self.read.mapping(node, "the questionnaire", QUESTIONNAIRE_KEYS, QUESTIONNAIRE_OPTIONAL)
        if root is None:
            return None
        ident = self.read.ident(root.get("id"), "questionnaire id")
        version = self.read.text(root.get("version"), "the version")
        if version is not None and not VERSION_PATTERN.match(version):
            self.read.problem(
                root.get("version"), f"Version '{version}' must be letters, digits and dots only, like 2026.1"
            )
        title = self.read.text(root.get("title"), "the questionnaire title")
        declaration = self.read.text(root.get("declaration"), "the declaration")
        section_nodes = self.read.sequence(root.get("sections"), "sections")
        sections = [self.section(section, number) for number, section in enumerate(section_nodes)]
        rule_nodes = self.read.sequence(root.get("rules"), "rules") if root.get("rules") is not None else []
        rules = _every([self.rule(rule) for rule in rule_nodes], empty=True)
        read_sections = _every(sections)
        if (
            ident is None
            or version is None
            or title is None
            or declaration is None
            or read_sections is None
            or rules is None
        ):
            return None
        return Questionnaire(ident, version, title, read_sections, declaration, rules)

    def rule(self, node: yaml.Node) -> AnswerRule | None:
        """One cross-answer rule; its references are checked once every question has been read."""
        where = named_part(node, "rule")
        rule = self.read.mapping(node, where, RULE_KEYS, RULE_OPTIONAL)
        if rule is None:
            return None
        ident = self.read.ident(rule.get("id"), "rule id")
        if ident is not None:
            self.index.claim("rule", ident, rule.key_line("id"))
        question = self.read.ident(rule.get("question"), f"the question of {where}")
        message = self.read.text(rule.get("message"), f"the message of {where}")
        kinds = [key for key in ("not_before", "not_after", "forbid", "require") if key in rule.values]
        if len(kinds) != 1:
            self.read.problem(
                rule.line,
                f"{where[:1].upper()}{where[1:]} needs exactly one of not_before, not_after, forbid or "
                f"require{f', not {len(kinds)}' if kinds else ''}",
            )
        compare = {
            key: self.read.ident(rule.get(key), f"the question in {key} of {where}")
            for key in ("not_before", "not_after")
            if key in rule.values
        }
        forbid = (
            [
                self.read.text(value, f"forbid in {where}")
                for value in self.read.sequence(rule.get("forbid"), f"forbid in {where}")
            ]
            if "forbid" in rule.values
            else []
        )
        require = (
            self.read.flag(rule.get("require"), f"require in {where}") if "require" in rule.values else False
        )
        if "require" in rule.values and require is False:
            self.read.problem(rule.key_line("require"), f"require in {where} can only be true: remove it")
        when = self.condition(rule.get("when"), where, page=-1, rule=True)
        read_forbid = _every(forbid, empty=True)
        if (
            ident is None
            or question is None
            or message is None
            or len(kinds) != 1
            or None in compare.values()
            or read_forbid is None
        ):
            return None
        result = AnswerRule(
            id=ident,
            question=question,
            message=message,
            line=rule.line,
            not_before=compare.get("not_before"),
            not_after=compare.get("not_after"),
            forbid=read_forbid,
            require=bool(require),
            when=when,
        )
        self.index.rules.append((result, rule.key_line("question"), rule.key_line(kinds[0]), where))
        return result

    def section(self, node: yaml.Node, number: int) -> Section | None:
        where = named_part(node, "section")
        section = self.read.mapping(node, where, SECTION_KEYS, SECTION_OPTIONAL)
        if section is None:
            return None
        ident = self.read.ident(section.get("id"), "section id")
        if ident is not None and self.index.claim("section", ident, section.key_line("id")):
            self.index.sections[ident] = number
        title = self.read.text(section.get("title"), f"the title of {where}")
        after = self.read.idents(section.get("after"), "section id in after")
        for name, name_node in after:
            self.index.afters.append(
                references.PendingAfter(ident or where, number, name, line_of(name_node))
            )
        pages = [
            self.page(page) for page in self.read.sequence(section.get("pages"), f"the pages of {where}")
        ]
        read_pages = _every(pages)
        if ident is None or title is None or read_pages is None:
            return None
        return Section(ident, title, section.line, read_pages, tuple(name for name, _ in after))

    def page(self, node: yaml.Node) -> Page | None:
        where = named_part(node, "page")
        number = self._pages
        self._pages += 1
        page = self.read.mapping(node, where, PAGE_KEYS, PAGE_OPTIONAL)
        if page is None:
            return None
        ident = self.read.ident(page.get("id"), "page id")
        if ident is not None:
            self.index.claim("page", ident, page.key_line("id"))
        title = self.read.text(page.get("title"), f"the title of {where}")
        intro = self.read.text(page.get("intro"), f"the intro of {where}")
        show_when = self.condition(page.get("show_when"), where, page=number)
        question_nodes = self.read.sequence(page.get("questions"), f"the questions of {where}")
        questions = [self.question(question, number, ident) for question in question_nodes]
        read_questions = _every(questions)
        if ident is None or title is None or read_questions is None:
            return None
        return Page(ident, title, page.line, read_questions, intro, show_when)

    def question(
        self, node: yaml.Node, page: int, page_id: str | None, group: str | None = None
    ) -> Question | None:
        read = self.read
        where = named_part(node, "question")
        order = self._questions
        self._questions += 1
        question = read.mapping(node, where, QUESTION_KEYS, QUESTION_OPTIONAL)
        if question is None:
            return None
        ident = read.ident(question.get("id"), "question id")
        first_use = ident is not None and self.index.claim("question", ident, question.key_line("id"))
        if ident is not None and first_use:
            self.index.positions[ident] = references.Position(order, page, page_id, group)
        qtype = checks.question_type(read, question.get("type"))
        if qtype is not None:
            checks.keys_fit_type(read, question, qtype, where)
        if qtype == "repeating_group" and group is not None:
            read.problem(
                question.key_line("type"),
                f"Repeating group '{group}' cannot contain another repeating group ({where})",
            )
        label = read.text(question.get("label"), f"the label of {where}")
        short_label = read.text(question.get("short_label"), f"the short_label of {where}") or label
        sectors = read.idents(question.get("sectors"), "sector")
        one_of = read.idents(question.get("require_one_of_sectors"), "sector")
        checks.sectors_known(read, sectors, "sectors", where)
        checks.sectors_known(read, one_of, "require_one_of_sectors", where)
        fields_: tuple[Question | None, ...] = ()
        if qtype == "repeating_group" and group is None:
            field_nodes = read.sequence(question.get("fields"), f"the fields of {where}")
            fields_ = tuple(
                self.question(field, page, page_id, group=ident or where) for field in field_nodes
            )
        choices, all_read = self.choices(question, qtype, where)
        if ident is not None and first_use and qtype is not None:
            self.index.controllers[ident] = (qtype, tuple(choice.value for choice in choices))
        show_when = self.condition(
            question.get("show_when"), where, page=page, order=order, group=group, owner_id=ident
        )
        validation = self.validation(question.get("validation"), qtype, where)
        required = read.flag(question.get("required"), f"required in {where}")
        searchable = read.flag(question.get("searchable"), f"searchable in {where}")
        own_organisation = read.flag(question.get("own_organisation"), f"own_organisation in {where}")
        texts = {
            key: read.text(question.get(key), f"the {key} of {where}")
            for key in ("hint", "required_message", "item_name", "require_one_of_sectors_message")
        }
        facet = read.ident(question.get("facet"), "facet")
        role = read.ident(question.get("role"), "role")
        if role is not None:
            fits = checks.role_fits(read, question, role, qtype, choices, facet, where, group)
            if fits and self.index.claim_role(role, question.key_line("role")):
                self.index.roles[role] = question.key_line("role")
        read_fields = _every(fields_, empty=True)
        if (
            ident is None
            or qtype is None
            or label is None
            or short_label is None
            or validation is None
            or read_fields is None
            or not all_read
        ):
            return None
        return Question(
            id=ident,
            type=qtype,
            label=label,
            short_label=short_label,
            line=question.line,
            required=True if required is None else required,
            choices=choices,
            validation=validation,
            show_when=show_when,
            facet=facet,
            role=role,
            searchable=bool(searchable),
            fields=read_fields,
            sectors=tuple(name for name, _ in sectors),
            require_one_of_sectors=tuple(name for name, _ in one_of),
            own_organisation=bool(own_organisation),
            **texts,
        )

    def choices(self, question: Mapping, qtype: str | None, where: str) -> tuple[tuple[Choice, ...], bool]:
        """The choices that could be read, and whether that is all of them."""
        if qtype not in (*checks.CHOICE_TYPES, None):
            return (), True  # choices on other types are reported by checks.keys_fit_type
        read = self.read
        first_lines: dict[str, int] = {}
        choices: list[Choice | None] = []
        for node in read.sequence(question.get("choices"), f"the choices of {where}"):
            choice = read.mapping(node, f"a choice of {where}", CHOICE_KEYS, CHOICE_OPTIONAL)
            if choice is None:
                choices.append(None)
                continue
            value = read.text(choice.get("value"), f"the value of a choice of {where}")
            label = read.text(choice.get("label"), f"the label of a choice of {where}")
            exclusive = read.flag(choice.get("exclusive"), f"exclusive in a choice of {where}")
            if value is not None and value in first_lines:
                read.problem(
                    choice.get("value"),
                    f"Choice value '{value}' appears twice in {where}: "
                    f"it was first used on line {first_lines[value]}",
                )
            elif value is not None:
                first_lines[value] = choice.key_line("value")
            if exclusive and qtype not in ("checkboxes", None):
                read.problem(
                    choice.key_line("exclusive"),
                    f"Only checkboxes can have an exclusive choice ({where} is {qtype})",
                )
            hint = read.text(choice.get("hint"), f"the hint of a choice of {where}")
            choices.append(
                None if value is None or label is None else Choice(value, label, hint, bool(exclusive))
            )
        return tuple(choice for choice in choices if choice is not None), None not in choices

    def validation(self, node: yaml.Node | None, qtype: str | None, where: str) -> Validation | None:
        if node is None:
            return Validation()
        rules = self.read.mapping(node, f"the validation of {where}", (), VALIDATION_KEYS)
        if rules is None:
            return None
        values: dict[str, Any] = {}
        for key, value in rules.values.items():
            what = f"the {key} rule of {where}"
            if key in ("min_value", "max_value"):
                values[key] = self.read.number(value, what)
            elif key == "whole_number":
                values[key] = self.read.flag(value, what)
            elif key in ("pattern", "pattern_message"):
                values[key] = self.read.text(value, what)
            elif key in ("not_before", "not_after"):
                values[key] = self.read.date_limit(value, what)
            else:
                values[key] = self.read.count(value, what)
        if qtype is not None:
            checks.validation_fits(self.read, rules, values, qtype, where)
        if None in values.values():
            return None
        return Validation(**values)

    def condition(
        self,
        node: yaml.Node | None,
        owner: str,
        *,
        page: int,
        order: int | None = None,
        group: str | None = None,
        owner_id: str | None = None,
        rule: bool = False,
    ) -> Condition | None:
        if node is None:
            return None
        condition = self.read.mapping(node, f"the show_when of {owner}", CONDITION_KEYS)
        if condition is None:
            return None
        question = self.read.ident(condition.get("question"), "question id in show_when")
        is_node = condition.get("is")
        value_nodes = [] if is_node is None else [is_node]
        if isinstance(is_node, yaml.SequenceNode):
            value_nodes = self.read.sequence(is_node, f"'is' in the show_when of {owner}")
        values = [self.read.text(value, f"'is' in the show_when of {owner}") for value in value_nodes]
        read_values = _every(values)
        if question is None or read_values is None:
            return None
        result = Condition(question, read_values)
        if rule:  # a rule's condition may name any question: checked with the rule
            self.index.rule_conditions.append(
                (
                    result,
                    condition.key_line("question"),
                    tuple(line_of(value) for value in value_nodes),
                    owner,
                )
            )
            return result
        self.index.conditions.append(
            references.PendingCondition(
                result,
                owner,
                condition.key_line("question"),
                tuple(line_of(value) for value in value_nodes),
                page,
                order,
                group,
                owner_id,
            )
        )
        return result
