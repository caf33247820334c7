"""The mapping file: which column of an export answers which question of the round's questionnaire.

    format: surveymonkey                  # or spreadsheet (one header row); found from the file if left out
    source: SurveyMonkey collaboration survey 2017   # optional: the file's name if left out
    row_id: Respondent ID                 # optional: the column identifying a row (else its response number)
    organisation_aliases:                 # names as people typed them -> names in the organisation directory
      Kent Fire & Rescue: Kent Fire and Rescue Service
    questions:
      project_name: Project name          # a column by its header (SurveyMonkey: by its question)
      lead_organisation: Which organisation is leading the project?
      partners: {column: Other organisations involved, separator: [";", ","]}
      stage:
        column: What stage is the project at?
        choices: {Fully implemented: implemented}   # label in the file -> the choice's value
      other_theme: {column: Which themes does the project cover?, option: Other (please specify)}
    services_involved:                    # optional: service types ticked, for the "services involved" facet
      column: Which services are involved?
      choices: {Police: police, Fire and Rescue: fire, Ambulance: ambulance, Other: other}
    defaults:                             # answers for questions the file has no column for, or leaves blank
      sharing: sector

Choice labels that are the questionnaire's own labels or values need no `choices`. Checking is complete: every
problem (unknown question ids or choice values, columns missing from the file...) is reported with its line.
A mapping need not be written at all: app/services/imports/proposal.py proposes one from the file's labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from app.questionnaires.reading import Mapping as Keys
from app.questionnaires.reading import Reader, describe, line_of, suggest
from app.questionnaires.rules import answer_error
from app.questionnaires.schema import Question, Questionnaire
from app.services.imports import values
from app.services.imports.files import HEADER_ROWS, SPREADSHEET, Column

TOP_KEYS = ("questions",)
TOP_OPTIONAL = ("format", "source", "row_id", "organisation_aliases", "defaults", "services_involved")
SERVICES = ("police", "fire", "ambulance", "other")
COLUMN_KEYS = ("column",)
COLUMN_OPTIONAL = ("option", "choices", "separator")
CHOICE_TYPES = ("radios", "checkboxes", "select", "yes_no")
LIST_TYPES = ("checkboxes", "organisations")
MANY_COLUMN_TYPES = ("radios", "select", "yes_no", "checkboxes", "organisations")
ORGANISATION_TYPES = ("organisation", "organisations")
DATE_TYPES = ("date", "month_year")
DEFAULT_SEPARATORS = (";",)
MAX_SOURCE_LENGTH = 200
RECORDS = "records"


@dataclass(frozen=True)
class MappingProblem:
    line: int
    message: str

    def describe(self) -> str:
        return f"Mapping line {self.line}: {self.message}"


@dataclass
class ColumnSpec:
    """Where one answer comes from, as the mapping says, and (once bound to a file) the columns it reads."""

    header: str
    line: int
    option: str | None = None
    choices: dict[str, str] = field(default_factory=dict)  # normal(label) -> choice value
    separators: tuple[str, ...] = DEFAULT_SEPARATORS
    question: Question | None = None  # None for the row id
    columns: tuple[Column, ...] = ()

    @property
    def title(self) -> str:
        """The column as a problem names it."""
        if len(self.columns) == 1:
            return self.columns[0].title
        return f"{self.header} - {self.option}" if self.option else self.header


@dataclass
class Mapping:
    layout: str | None = None
    source: str | None = None
    row_id: ColumnSpec | None = None
    questions: dict[str, ColumnSpec] = field(default_factory=dict)
    services: ColumnSpec | None = None  # service types ticked: the "services involved" facet
    defaults: dict[str, Any] = field(default_factory=dict)  # question id -> answer in its ANSWER SHAPE
    aliases: dict[str, str] = field(default_factory=dict)  # normal(typed name) -> directory name
    lead_question: Question | None = None
    problems: list[MappingProblem] = field(default_factory=list)


def load_mapping(
    text: str, questionnaire: Questionnaire, *, organisation_names: Iterable[str], mode: str
) -> Mapping:
    """Read and check a mapping against the questionnaire and the organisation directory. Never raises: the
    problems are on the result, in line order."""
    mapping = Mapping()
    reader = Reader()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        mapping.problems.append(MappingProblem(line, f"The mapping cannot be read: {problem}"))
        return mapping
    if root is None:
        mapping.problems.append(MappingProblem(1, "The mapping is empty"))
        return mapping
    top = reader.mapping(root, "the mapping", TOP_KEYS, TOP_OPTIONAL)
    if top is not None:
        _Builder(reader, mapping, questionnaire, set(organisation_names), mode).read(top)
    mapping.problems += [MappingProblem(p.line, p.message) for p in reader.problems]
    mapping.problems.sort(key=lambda problem: problem.line)
    return mapping


class _Builder:
    def __init__(
        self, reader: Reader, mapping: Mapping, questionnaire: Questionnaire, names: Iterable[str], mode: str
    ):
        self.reader, self.mapping, self.questionnaire, self.mode = reader, mapping, questionnaire, mode
        self.names = {values.normal(name): name for name in names}

    def read(self, top: Keys) -> None:
        reader, mapping = self.reader, self.mapping
        layout = reader.text(top.get("format"), "the format") if top.get("format") is not None else None
        if layout is not None and layout not in HEADER_ROWS:
            reader.problem(top.get("format"), f"Unknown format '{layout}'. Use surveymonkey or spreadsheet")
        else:
            mapping.layout = layout
        source = reader.text(top.get("source"), "the source") if top.get("source") is not None else None
        if source is not None and len(source) > MAX_SOURCE_LENGTH:
            reader.problem(top.get("source"), f"The source must be {MAX_SOURCE_LENGTH} characters or fewer")
        else:
            mapping.source = source
        row_id = top.get("row_id")
        if row_id is not None:
            mapping.row_id = self._column(row_id, "row_id", None)
        self._questions(top)
        services = top.get("services_involved")
        if services is not None:
            mapping.services = self._column(services, "services_involved", None)
            if mapping.services is not None:
                mapping.services.choices = self._service_choices(services)
        self._defaults(top.get("defaults"))
        self._aliases(top.get("organisation_aliases"))
        self._coverage(top)

    def _questions(self, top: Keys) -> None:
        node = top.get("questions")
        questions = self.reader.entries(node, "questions") if node is not None else None
        if questions is None:
            return
        if not questions.values:
            self.reader.problem(node, "Questions must name at least one question and its column")
        for question_id, value in questions.values.items():
            question = self._question(question_id, questions.keys[question_id])
            if question is None:
                continue
            spec = self._column(value, f"question '{question_id}'", question)
            if spec is not None:
                self.mapping.questions[question_id] = spec

    def _question(self, question_id: str, node: yaml.Node) -> Question | None:
        question = self.questionnaire.question(question_id)
        if question is None:
            ids = [q.id for q in self.questionnaire.questions]
            hint = suggest(question_id, ids, "Questions of this questionnaire")
            self.reader.problem(node, f"Unknown question '{question_id}'.{hint}")
            return None
        if question.type == "repeating_group":
            self.reader.problem(
                node, f"Question '{question_id}' is a repeating group, which cannot be imported"
            )
            return None
        return question

    def _column(self, node: yaml.Node, where: str, question: Question | None) -> ColumnSpec | None:
        reader = self.reader
        if isinstance(node, yaml.ScalarNode):
            header = reader.text(node, f"the column of {where}")
            spec = ColumnSpec(header, line_of(node)) if header else None
        else:
            keys = reader.mapping(node, f"the column of {where}", COLUMN_KEYS, COLUMN_OPTIONAL)
            if keys is None:
                return None
            header = reader.text(keys.get("column"), f"the column of {where}")
            if header is None:
                return None
            spec = ColumnSpec(header, line_of(node))
            if keys.get("option") is not None:
                if self.mapping.layout == SPREADSHEET:
                    reader.problem(
                        keys.key_line("option"), "Only a SurveyMonkey export has options: remove option"
                    )
                spec.option = reader.text(keys.get("option"), f"the option of {where}")
            choices, separator = keys.get("choices"), keys.get("separator")
            if choices is not None and where != "services_involved":
                spec.choices = self._choices(choices, where, question)
            if separator is not None:
                spec.separators = self._separators(separator, where, question)
        if spec is not None and question is not None:
            spec.question = question
            if question.type in CHOICE_TYPES:
                spec.choices = {**values.choice_labels(question), **spec.choices}
        return spec

    def _service_choices(self, node: yaml.Node) -> dict[str, str]:
        keys = self.reader.mapping(node, "services_involved", COLUMN_KEYS, COLUMN_OPTIONAL)
        choices_node = keys.get("choices") if keys is not None else None
        entries = (
            self.reader.entries(choices_node, "the choices of services_involved") if choices_node else None
        )
        choices = {}
        for label, value_node in entries.values.items() if entries else []:
            value = self.reader.text(value_node, f"the service for '{label}'")
            if value is not None and value not in SERVICES:
                self.reader.problem(
                    value_node, f"'{value}' is not a service. Use one of: {', '.join(SERVICES)}"
                )
            elif value is not None:
                choices[values.normal(label)] = value
        return choices

    def _choices(self, node: yaml.Node, where: str, question: Question | None) -> dict[str, str]:
        reader = self.reader
        if question is None or question.type not in CHOICE_TYPES:
            kind = question.type if question else "row id"
            reader.problem(node, f"{where[:1].upper()}{where[1:]} is a {kind} question, which has no choices")
            return {}
        keys = reader.entries(node, f"the choices of {where}")
        if keys is None:
            return {}
        allowed = values.choice_values(question)
        choices = {}
        for label, value_node in keys.values.items():
            value = reader.text(value_node, f"the choice for '{label}' in {where}")
            if value is None:
                continue
            if value not in allowed:
                hint = suggest(value, list(allowed), "Use one of")
                reader.problem(value_node, f"'{value}' is not a choice of question '{question.id}'.{hint}")
                continue
            choices[values.normal(label)] = value
        return choices

    def _separators(self, node: yaml.Node, where: str, question: Question | None) -> tuple[str, ...]:
        if question is None or question.type not in LIST_TYPES:
            self.reader.problem(node, f"Only questions with several answers take a separator, not {where}")
            return DEFAULT_SEPARATORS
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        separators = []
        for item in items:
            if not isinstance(item, yaml.ScalarNode) or not item.value:
                self.reader.problem(item, f"A separator of {where} must be some text, like ';'")
                continue
            separators.append(item.value)
        return tuple(separators) or DEFAULT_SEPARATORS

    def _defaults(self, node: yaml.Node | None) -> None:
        if node is None:
            return
        defaults = self.reader.entries(node, "defaults")
        if defaults is None:
            return
        for question_id, value_node in defaults.values.items():
            question = self._question(question_id, defaults.keys[question_id])
            if question is None:
                continue
            if question.type in ORGANISATION_TYPES:
                self.reader.problem(
                    value_node, f"Question '{question_id}' names organisations: it has no default"
                )
                continue
            value = self._default_value(question, value_node)
            if value is not None:
                self.mapping.defaults[question_id] = value

    def _default_value(self, question: Question, node: yaml.Node) -> Any:
        reader = self.reader
        where = f"the default for '{question.id}'"
        if isinstance(node, yaml.SequenceNode):
            if question.type != "checkboxes":
                reader.problem(node, f"{where[:1].upper()}{where[1:]} must be one answer, not a list")
                return None
            texts = [reader.text(item, where) for item in node.value]
            raw: Any = [t for t in texts if t is not None]
        elif isinstance(node, yaml.ScalarNode):
            raw = reader.text(node, where)
            if raw is None:
                return None
        else:
            reader.problem(node, f"{where[:1].upper()}{where[1:]} must be an answer, not {describe(node)}")
            return None
        if question.type in CHOICE_TYPES:
            labels = values.choice_labels(question)
            items = raw if isinstance(raw, list) else [raw]
            unknown = [item for item in items if values.normal(item) not in labels]
            if unknown:
                allowed = list(values.choice_values(question))
                reader.problem(
                    node,
                    f"'{unknown[0]}' is not a choice of question '{question.id}'. "
                    f"Use one of: {', '.join(allowed)}",
                )
                return None
            converted = [labels[values.normal(item)] for item in items]
            raw = converted if question.type == "checkboxes" else converted[0]
        elif question.type in DATE_TYPES:
            parts = values.read_date(str(raw), question.type)
            if parts is None:
                reader.problem(
                    node,
                    f"{where[:1].upper()}{where[1:]} must be a date, "
                    f"like {values.example_date(question.type)}",
                )
                return None
            raw = parts
        message = answer_error(question, raw)
        if message:
            reader.problem(node, f"{where[:1].upper()}{where[1:]}: {message}")
            return None
        return raw

    def _aliases(self, node: yaml.Node | None) -> None:
        if node is None:
            return
        aliases = self.reader.entries(node, "organisation_aliases")
        if aliases is None:
            return
        for typed, value_node in aliases.values.items():
            name = self.reader.text(value_node, f"the organisation for '{typed}'")
            if name is None:
                continue
            found = self.names.get(values.normal(name))
            if found is None:
                hint = suggest(name, list(self.names.values()))
                self.reader.problem(value_node, f"'{name}' is not an organisation in the directory.{hint}")
                continue
            self.mapping.aliases[values.normal(typed)] = found

    def _coverage(self, top: Keys) -> None:
        """Each project needs its lead organisation; records need every question that is always asked."""
        at = top.key_line("questions")
        lead = self.questionnaire.with_role("lead_organisation")
        self.mapping.lead_question = lead
        if lead is not None and lead.id not in self.mapping.questions:
            self.reader.problem(
                at, f"Give question '{lead.id}' a column: it names the organisation each project belongs to"
            )
        # Questions the file never asked are left unanswered: imported records need only what the file has.
