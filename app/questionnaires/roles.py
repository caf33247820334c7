"""Roles: what the service reads from a questionnaire's answers, declared by the questions themselves.

Code never asks for an answer by a question id it hopes exists. A question says what it is for with `role:`
(`role: name`, `role: sharing`...), code asks the questionnaire for the answer with that role, and the loader
refuses a definition without the roles the service needs, or with a role on a question that cannot hold it.

To read a new answer in code: add its role here (with the types that can hold it), give the question in each
definition `role: NAME`, and ask with `questionnaire.role_question(NAME)` or `questionnaire.answer(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str
    types: tuple[str, ...]  # question types that can hold it
    what: str  # what the service does with it, for the loader's messages
    required: bool = True  # the service cannot work without it; otherwise it is used where declared
    # The answer's values become the facet of this name: figures and filters read records by it, across
    # every version, so the name cannot change from one version to the next.
    facet: bool = False
    # For choice questions whose values code acts on: exactly these values.
    choices: tuple[str, ...] = ()
    personal: bool = False  # someone's contact details: never shown to people who have not signed in


TEXT_TYPES = ("text", "long_text")

ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role("name", ("text",), "the project's name, the title of its record"),
        Role("summary", TEXT_TYPES, "the summary shown on search results and records"),
        Role("lead_organisation", ("organisation",), "the organisation leading the project"),
        Role("partners", ("organisations",), "the partner organisations", facet=True),
        Role("other_partners", TEXT_TYPES, "partners outside the organisation list", required=False),
        Role("themes", ("checkboxes",), "the themes filtered on and counted in the figures", facet=True),
        Role("stage", ("radios", "select"), "the stage counted in the figures", facet=True),
        Role("enablers", ("checkboxes",), "the enablers counted in the figures", facet=True),
        Role("barriers", ("checkboxes",), "the barriers counted in the figures", facet=True),
        Role("has_evaluation", ("yes_no",), "whether the project was evaluated, in the figures", facet=True),
        Role("cost", ("money",), "the cost added up in the figures"),
        Role("cashable_savings", ("money",), "the cashable savings added up in the figures"),
        Role("benefits_evidence", TEXT_TYPES, "the benefits in the overview report", required=False),
        Role("lessons_learnt", TEXT_TYPES, "the lessons learnt in the overview report", required=False),
        Role("enablers_details", TEXT_TYPES, "what helped, quoted in the overview report", required=False),
        Role("barriers_details", TEXT_TYPES, "what got in the way, quoted in the overview report", False),
        Role("contact_name", ("text",), "the contact's name in the overview report", False, personal=True),
        Role(
            "contact_job_title",
            ("text",),
            "the contact's job title in the overview report",
            False,
            personal=True,
        ),
        Role("contact_email", ("text",), "the contact's email in the overview report", False, personal=True),
        Role("contact_phone", ("text",), "the contact's telephone number", False, personal=True),
        Role(
            "sharing",
            ("radios",),
            "who may read the published record",
            choices=("public", "sector", "figures_only"),
        ),
    )
}
REQUIRED_ROLES = tuple(name for name, role in ROLES.items() if role.required)
PERSONAL_ROLES = frozenset(name for name, role in ROLES.items() if role.personal)
