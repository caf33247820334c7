"""What a deadline reminder says: the organisation's outstanding work, and the email written for each lead.

A batch of reminders is written as a mail merge (app/services/email/stencil.py): the two templates are
rendered once for each shape of email (the deadline, and whether it lists projects and how many), then filled
in with each lead's name, organisation, projects and opt-out link. Each shape is checked once against a real
rendering for its first lead; should they differ, every email of that shape is rendered for real.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, String, cast, literal, select

from app.extensions import db
from app.formatting import govuk_datetime
from app.links import external_url
from app.models import NilReturn, Reminder, Round, Submission, User
from app.models.submission import EDITABLE_STATUSES
from app.services.email import outbox
from app.services.email.stencil import Stencil, markers

log = logging.getLogger(__name__)

TEMPLATE = "reminder"
LEAD_FIELDS = 3  # the lead's name, their organisation's name, their opt-out link
PROJECT_FIELDS = 3  # each project's name, status and link
# Where the token goes in the opt-out link: a path segment that the link leaves as it is, as it does a token.
TOKEN_MARKER = "TOKEN-MARKER"  # noqa: S105 (not a secret)


@dataclass
class Outstanding:
    """What an organisation still has to do in a round, as seen at the moment of sending."""

    # Drafts and those with changes requested: each with its id, name and status.
    projects: list[Any] = field(default_factory=list)
    nothing_yet: bool = False  # no project and no nil return

    def __bool__(self) -> bool:
        return bool(self.projects) or self.nothing_yet


def outstanding(round_: Round, organisation_ids: set[int]) -> dict[int, Outstanding]:
    result = {org_id: Outstanding() for org_id in organisation_ids}
    submissions = db.session.execute(
        select(Submission.organisation_id, Submission.id, Submission.name, Submission.status)
        .where(Submission.round_id == round_.id, Submission.organisation_id.in_(organisation_ids))
        .order_by(Submission.id)
    ).all()
    with_any = set()
    for submission in submissions:
        with_any.add(submission.organisation_id)
        if submission.status in EDITABLE_STATUSES:
            result[submission.organisation_id].projects.append(submission)
    nil = set(
        db.session.scalars(
            select(NilReturn.organisation_id).where(
                NilReturn.round_id == round_.id, NilReturn.organisation_id.in_(organisation_ids)
            )
        )
    )
    for org_id in organisation_ids - with_any - nil:
        result[org_id].nothing_yet = True
    return result


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reminder-opt-out")


def opt_out_token(user: User) -> str:
    return _serializer().dumps(user.id)


def user_for_opt_out(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def _project(submission: Any) -> dict[str, str]:
    return {
        "name": submission.name or "Untitled project",
        "status": "Changes requested" if submission.status.value == "changes_requested" else "In progress",
        "link": external_url("submit.task_list", submission_id=submission.id),
    }


def _context(
    round_: Round,
    user: Any,
    projects: list[dict[str, str]],
    nothing_yet: bool,
    deadline: datetime,
    now: datetime,
    opt_out_link: str,
) -> dict[str, Any]:
    return {
        "user": user,
        "round": round_,
        "deadline": deadline,
        "now": now,
        "projects": projects,
        "nothing_yet": nothing_yet,
        "projects_link": external_url("submit.projects"),
        "nil_return_link": external_url("submit.nil_return"),
        "opt_out_link": opt_out_link,
        "passed": now > deadline,
    }


def email_context(
    round_: Round, user: User, work: Outstanding, deadline: datetime, now: datetime
) -> dict[str, Any]:
    opt_out_link = external_url("reminders.opt_out", token=opt_out_token(user))
    projects = [_project(s) for s in work.projects]
    return _context(round_, user, projects, work.nothing_yet, deadline, now, opt_out_link)


def subject_for(round_: Round, deadline: datetime, now: datetime) -> str:
    if now > deadline:
        return f"The deadline for {round_.title} has passed"
    return f"Reminder: {round_.title} is due by {govuk_datetime(deadline)}"


def idempotency_key(round_id: int, offset_days: int, user_id: int) -> str:
    return f"reminder:{round_id}:{offset_days}:{user_id}"


def idempotency_key_sql() -> ColumnElement[str]:
    """`idempotency_key` of a row of reminders, in SQL."""
    parts = (Reminder.round_id, Reminder.offset_days, Reminder.user_id)
    key: ColumnElement[str] = literal("reminder")
    for part in parts:
        key = key + ":" + cast(part, String)
    return key


@dataclass
class _Shape:
    subject: str
    text: Stencil
    html: Stencil
    checked: bool = False
    real: bool = False  # the stencil differed from a real rendering: render every email of this shape


class Writer:
    """Writes the reminders of one round decided at one moment (`now`), a lead at a time."""

    def __init__(self, round_: Round, now: datetime) -> None:
        self.round = round_
        self.now = now
        self._shapes: dict[tuple[datetime, bool, int], _Shape] = {}
        self._projects: dict[int, dict[str, str]] = {}  # by submission id
        # One signer for every token (URLSafeSerializer.dumps makes one per token, which took a third of the
        # time of writing a reminder): the same token, signed with the same key.
        serializer = _serializer()
        self._payload = serializer.dump_payload
        self._signer = serializer.make_signer()
        self._opt_out = external_url("reminders.opt_out", token=TOKEN_MARKER)

    def _shape(self, deadline: datetime, work: Outstanding) -> _Shape:
        key = (deadline, work.nothing_yet, len(work.projects))
        if key not in self._shapes:
            count = LEAD_FIELDS + PROJECT_FIELDS * len(work.projects)
            marks = markers(count)
            user = SimpleNamespace(name=marks[0], organisation=SimpleNamespace(name=marks[1]))
            projects = [
                dict(zip(("name", "status", "link"), marks[n : n + PROJECT_FIELDS], strict=True))
                for n in range(LEAD_FIELDS, count, PROJECT_FIELDS)
            ]
            subject = subject_for(self.round, deadline, self.now)
            context = outbox.context_for(
                subject,
                **_context(self.round, user, projects, work.nothing_yet, deadline, self.now, marks[2]),
            )
            self._shapes[key] = _Shape(
                subject,
                Stencil(f"emails/{TEMPLATE}.txt", **context),
                Stencil(f"emails/{TEMPLATE}.html", **context),
            )
        return self._shapes[key]

    def write(self, lead: Any, offset_days: int, work: Outstanding, deadline: datetime) -> outbox.Queued:
        """The email for `lead` (its id, name, email and organisation_name), as rendering the templates for
        the lead's User would write it."""
        shape = self._shape(deadline, work)
        opt_out_link = self._opt_out.replace(TOKEN_MARKER, self._token(lead.id))
        projects = [self._project(s) for s in work.projects]
        values = [lead.name, lead.organisation_name, opt_out_link]
        for project in projects:
            values += (project["name"], project["status"], project["link"])
        if not shape.checked or shape.real:
            # Checked, or rendered, exactly as one reminder at a time was: links and token made afresh.
            user = db.session.get_one(User, lead.id)
            context = outbox.context_for(
                shape.subject, **email_context(self.round, user, work, deadline, self.now)
            )
            if not shape.checked:
                shape.checked = True
                shape.real = not (
                    shape.text.matches(values, **context) and shape.html.matches(values, **context)
                )
                if shape.real:
                    log.warning("Reminders rendered one by one: the stencil of their templates differed")
        if shape.real:
            text, html = outbox.render(TEMPLATE, context)
            opt_out_link = context["opt_out_link"]
        else:
            text, html = shape.text.fill(values), shape.html.fill(values)
        return outbox.Queued(
            idempotency_key=idempotency_key(self.round.id, offset_days, lead.id),
            recipient=lead.email,
            subject=shape.subject,
            template=TEMPLATE,
            body_text=text,
            body_html=html,
            list_unsubscribe=opt_out_link,
        )

    def _token(self, user_id: int) -> str:
        """opt_out_token, as URLSafeSerializer.dumps writes it."""
        return self._signer.sign(self._payload(user_id)).decode("utf-8")

    def _project(self, submission: Any) -> dict[str, str]:
        if submission.id not in self._projects:
            self._projects[submission.id] = _project(submission)
        return self._projects[submission.id]
