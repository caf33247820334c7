from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import (  # noqa: E402, F401
    audit,
    bulk_invite,
    emails,
    import_mapping,
    imports,
    organisations,
    questionnaires,
    reminders,
    round_extensions,
    round_progress,
    rounds,
    two_factor,
    users,
)
