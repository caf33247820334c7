"""The SQLAlchemy models, imported here so that Alembic sees every table."""

from app.models.audit import AuditEvent
from app.models.organisation import Organisation, Region, Sector
from app.models.outbox import EmailStatus, OutboundEmail
from app.models.token import EmailToken, TokenPurpose
from app.models.user import Role, User

__all__ = [
    "AuditEvent",
    "EmailStatus",
    "EmailToken",
    "Organisation",
    "OutboundEmail",
    "Region",
    "Role",
    "Sector",
    "TokenPurpose",
    "User",
]
