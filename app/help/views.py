"""Getting help: the help page, and feedback (kept, and emailed to support) from anyone, signed in or not."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import limiter
from app.forms.help import FeedbackForm
from app.help import bp
from app.permissions import public
from app.services.support import feedback


def _local_path(value: str | None) -> str | None:
    """A path on this service to say where feedback came from; anything else is dropped."""
    value = (value or "").strip()
    if value.startswith("/") and not value.startswith("//") and len(value) <= 300:
        return value
    return None


@bp.route("")
@public
def help_page():
    return render_template(
        "help/help.html",
        support_email=current_app.config.get("SUPPORT_EMAIL"),
        came_from=request.args.get("from"),
    )


@bp.route("/feedback", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], scope="feedback")
@public
def feedback_form():
    form = FeedbackForm()
    if request.method == "GET":
        form.page.data = _local_path(request.args.get("from"))
        if current_user.is_authenticated:
            form.reply_to.data = current_user.email
    if form.validate_on_submit():
        by = current_user._get_current_object() if current_user.is_authenticated else None
        feedback.send(form.message.data, reply_to=form.reply_to.data, page=_local_path(form.page.data), by=by)
        return redirect(url_for("help.feedback_sent"))
    return render_template("help/feedback.html", form=form)


@bp.route("/feedback/sent")
@public
def feedback_sent():
    return render_template("help/feedback_sent.html")
