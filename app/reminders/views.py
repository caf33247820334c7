"""The opt-out link in every reminder: signed, so no sign-in is needed; one click from mail programs that
support List-Unsubscribe-Post, one button from the page otherwise."""

from __future__ import annotations

from flask import abort, render_template, request

from app.extensions import csrf
from app.permissions import public
from app.reminders import bp
from app.services.email import reminder_content, reminders


@bp.route("/opt-out/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token in the address is what proves the request came from the email
@public
def opt_out(token: str):
    user = reminder_content.user_for_opt_out(token) or abort(404)
    if request.method == "POST":
        reminders.set_opt_out(user, True, via="email link")
        return render_template("reminders/opted_out.html", user=user)
    return render_template("reminders/opt_out.html", user=user)
