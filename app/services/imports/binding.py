"""Binding a checked mapping to a file: find each column the mapping names in the file's header."""

from __future__ import annotations

from app.questionnaires.reading import suggest
from app.services.imports import values
from app.services.imports.files import SPREADSHEET, SURVEYMONKEY, Column
from app.services.imports.mapping import MANY_COLUMN_TYPES, Mapping, MappingProblem


def bind(mapping: Mapping, columns: list[Column]) -> None:
    """Find each column the mapping names in the file's header; a problem for each one that is not there."""
    specs = [("row_id", mapping.row_id)] if mapping.row_id else []
    specs += list(mapping.questions.items())
    if mapping.services:
        specs.append(("services_involved", mapping.services))
    headers = list(dict.fromkeys(column.question for column in columns if column.question.strip()))
    for name, spec in specs:
        found = [c for c in columns if values.normal(c.question) == values.normal(spec.header)]
        if not found:
            what = "question" if mapping.layout == SURVEYMONKEY else "column"
            hint = suggest(spec.header, headers) or _near(spec.header, headers)
            _problem(mapping, spec.line, f"The file has no {what} '{spec.header}'.{hint}")
            continue
        if spec.option is not None:
            options = [c for c in found if values.normal(c.option) == values.normal(spec.option)]
            if not options:
                listed = ", ".join(f"'{c.option}'" for c in found if c.option)
                _problem(
                    mapping,
                    spec.line,
                    f"Question '{spec.header}' in the file has no option '{spec.option}'. "
                    f"Its options are: {listed}",
                )
                continue
            found = options
        spec.columns = tuple(found)
        if len(found) > 1 and mapping.layout == SPREADSHEET:
            spec.columns = tuple(
                found[:1]
            )  # the first of columns with the same heading, as a person reads it
        elif (
            len(found) > 1
            and name != "services_involved"
            and not (spec.question and spec.question.type in MANY_COLUMN_TYPES)
        ):
            listed = ", ".join(f"'{c.option}'" for c in found)
            _problem(
                mapping,
                spec.line,
                f"Question '{spec.header}' has {len(found)} columns in the file (options {listed}): "
                "say which one with option:",
            )
    mapping.problems.sort(key=lambda problem: problem.line)


def _problem(mapping: Mapping, line: int, message: str) -> None:
    mapping.problems.append(MappingProblem(line, message))


def _near(header: str, headers: list[str]) -> str:
    """For long SurveyMonkey questions: a header that contains what was written, or is contained in it."""
    wanted = values.normal(header)
    close = [h for h in headers if wanted and (wanted in values.normal(h) or values.normal(h) in wanted)]
    return f" Did you mean '{close[0]}'?" if close else ""
