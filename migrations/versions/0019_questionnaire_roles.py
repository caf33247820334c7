"""Questionnaire roles: stored questionnaire versions written before questions declared roles get them.

The loader now refuses a definition without the roles the service reads (app/questionnaires/roles.py). Every
stored version was written from the shipped collaboration questionnaire, whose question ids were what the
service read until now, so each question with one of those ids is given the role the service read it as: a
`role:` line under its id, indented as its other keys. Nothing else in the text changes, and a version that
already declares a role is left as it is. The shipped 2026.1 text becomes exactly the shipped file's, so the
version stays the one the file registers. Downgrading takes the role lines out again: older code refuses keys it
does not know.

Revision ID: 0019
Revises: 0012
Create Date: 2026-12-07 01:00:00

"""
import re

import sqlalchemy as sa
import yaml
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0012'
branch_labels = None
depends_on = None

# The question ids the service read before roles, and the role each was read as (kept here, not imported:
# a migration must do the same thing whatever the code becomes).
ROLE_OF_ID = {
    "project_name": "name",
    **{
        question_id: question_id
        for question_id in (
            "summary",
            "lead_organisation",
            "partners",
            "other_partners",
            "themes",
            "stage",
            "enablers",
            "barriers",
            "has_evaluation",
            "cost",
            "cashable_savings",
            "benefits_evidence",
            "lessons_learnt",
            "contact_name",
            "contact_job_title",
            "contact_email",
            "contact_phone",
            "sharing",
        )
    },
}

versions = sa.table(
    "questionnaire_versions",
    sa.column("id", sa.Integer),
    sa.column("definition", sa.Text),
)


def _get(node, key):
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value
    return None, None


def with_roles(text: str) -> str:
    """The definition with a role line under each question the service read by its id."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text
    inserts = []
    for section in getattr(_get(root, "sections")[1], "value", None) or []:
        for page in getattr(_get(section, "pages")[1], "value", None) or []:
            for question in getattr(_get(page, "questions")[1], "value", None) or []:
                if _get(question, "role")[0] is not None:
                    return text  # written with roles: nothing to add
                key, value = _get(question, "id")
                if isinstance(value, yaml.ScalarNode) and value.value in ROLE_OF_ID:
                    inserts.append((key.start_mark.line, key.start_mark.column, ROLE_OF_ID[value.value]))
    lines = text.splitlines(keepends=True)
    for line, column, role in sorted(inserts, reverse=True):
        lines.insert(line + 1, " " * column + f"role: {role}\n")
    return "".join(lines)


def upgrade():
    connection = op.get_bind()
    for version_id, definition in connection.execute(sa.select(versions.c.id, versions.c.definition)).all():
        changed = with_roles(definition)
        if changed != definition:
            connection.execute(
                versions.update().where(versions.c.id == version_id).values(definition=changed)
            )


def downgrade():
    connection = op.get_bind()
    for version_id, definition in connection.execute(sa.select(versions.c.id, versions.c.definition)).all():
        changed = re.sub(r"^[ ]*role: [a-z_]+\n", "", definition, flags=re.M)
        if changed != definition:
            connection.execute(
                versions.update().where(versions.c.id == version_id).values(definition=changed)
            )
