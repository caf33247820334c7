"""The Emails page: every email the service has sent or will send, as the recipient sees it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db, talisman
from app.ids import parse_id
from app.models import EmailStatus, OutboundEmail
from app.permissions import can_read_emails, requires
from app.services.email import mailbox, outbox
from app.services.errors import InvalidTransition


@bp.route("/emails")
@requires(can_read_emails, hide=False)
def emails():
    status = request.args.get("status", "")
    selected = EmailStatus(status) if status in {s.value for s in EmailStatus} else None
    page = request.args.get("page", "1")
    number = parse_id(page)
    page_number = number if number is not None and number < 100_000 else 1
    listing = mailbox.list_emails(status=selected, page=page_number)
    return render_template(
        "admin/emails.html",
        listing=listing,
        selected=selected,
        counts=mailbox.counts(),
        delivering=bool(current_app.config["MAIL_SERVER"]),
    )


@bp.route("/emails/<int:email_id>")
@requires(can_read_emails, hide=False)
def email(email_id: int):
    message = db.session.get(OutboundEmail, email_id) or abort(404)
    return render_template("admin/email.html", email=message)


@bp.route("/emails/<int:email_id>/html")
@talisman(
    frame_options="SAMEORIGIN",
    content_security_policy={
        "default-src": "'none'",
        "style-src": "'unsafe-inline'",
        "frame-ancestors": "'self'",
    },
)
@requires(can_read_emails, hide=False)
def email_html(email_id: int):
    """The HTML body on its own, shown in a sandboxed frame on the email page; its styles are inline."""
    message = db.session.get(OutboundEmail, email_id) or abort(404)
    if message.body_removed:
        return current_app.response_class(
            f"<p>Body removed after {message.body_kept_days} days.</p>", mimetype="text/html"
        )
    return current_app.response_class(message.body_html, mimetype="text/html")


@bp.route("/emails/<int:email_id>/retry", methods=["POST"])
@requires(can_read_emails, hide=False)
def retry_email(email_id: int):
    message = db.session.get(OutboundEmail, email_id) or abort(404)
    try:
        outbox.retry(message, by=current_user._get_current_object(), ip_address=request.remote_addr)
    except InvalidTransition as problem:
        flash(str(problem), "error")
    else:
        flash(f"The email to {message.recipient} will be sent again", "success")
    return redirect(url_for("admin.email", email_id=email_id))
