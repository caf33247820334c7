"""The SQLAlchemy models, imported here so that Alembic sees every table."""

from app.models.audit import AuditEvent
from app.models.download_job import DownloadJob
from app.models.feedback import Feedback
from app.models.imports import ImportBatch, ImportedProject, ImportMode, ImportStatus, SavedMapping
from app.models.kept_form import KeptForm
from app.models.notable import NotablePractice
from app.models.organisation import REGION_LABELS_BY_VALUE, Organisation, Region, Sector
from app.models.outbox import EmailStatus, OutboundEmail
from app.models.recovery_code import RecoveryCode
from app.models.reminder import DEADLINE_PASSED, Reminder, ReminderStatus
from app.models.review import FacetValue, FindIndexState, Record, RecordFacet, ReviewComment
from app.models.round import DeadlineExtension, QuestionnaireVersion, Round, RoundState
from app.models.submission import (
    NilReturn,
    PartnerConfirmation,
    Revision,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
)
from app.models.token import EmailToken, TokenPurpose
from app.models.user import Role, User
from app.models.worker_pass import WorkerPass

__all__ = [
    "DEADLINE_PASSED",
    "REGION_LABELS_BY_VALUE",
    "AuditEvent",
    "DeadlineExtension",
    "DownloadJob",
    "EmailStatus",
    "EmailToken",
    "FacetValue",
    "Feedback",
    "FindIndexState",
    "ImportBatch",
    "ImportMode",
    "ImportStatus",
    "ImportedProject",
    "KeptForm",
    "NilReturn",
    "NotablePractice",
    "Organisation",
    "OutboundEmail",
    "PartnerConfirmation",
    "QuestionnaireVersion",
    "Record",
    "RecordFacet",
    "RecoveryCode",
    "Region",
    "Reminder",
    "ReminderStatus",
    "ReviewComment",
    "Revision",
    "Role",
    "Round",
    "RoundState",
    "SavedMapping",
    "Sector",
    "Submission",
    "SubmissionPartner",
    "SubmissionStatus",
    "TokenPurpose",
    "User",
    "WorkerPass",
]
