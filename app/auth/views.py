"""Signing in and out, password resets and accepting invitations."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.extensions import limiter
from app.forms.auth import ChangePasswordForm, ForgottenPasswordForm, NewPasswordForm, SignInForm
from app.forms.submit import ConfirmForm
from app.models import TokenPurpose
from app.permissions import public, signed_in
from app.services.email import reminders
from app.services.errors import DomainError, InvalidToken
from app.services.people import accounts, tokens, two_factor
from app.services.review import digest
from app.sessions import begin_second_step, start_session


def _safe_next(target: str | None) -> str:
    """Only ever follow a path on this site after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def _sign_in_failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def _account_key() -> str:
    return "sign-in:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_sign_in_failed,
    scope="sign-in-address",
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    scope="sign-in-account",
)
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, ip_address=request.remote_addr)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            if user.has_two_factor:
                begin_second_step(user, next_url)
                return redirect(url_for("auth.two_factor_code"))
            accounts.record_sign_in(user, ip_address=request.remote_addr)
            start_session(user)
            if two_factor.must_set_up(user):
                return redirect(url_for("auth.two_factor_set_up", next=next_url))
            return redirect(next_url)
        g.sign_in_failed = True
        message = "Enter a correct email address and password"
        form.email.errors = [message]
        form.password.errors = [message]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        accounts.sign_out(current_user._get_current_object(), ip_address=request.remote_addr)
        logout_user()
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.route("/signed-out")
@public
def signed_out():
    return render_template("auth/signed_out.html")


@bp.route("/session/keep-alive", methods=["POST"])
@signed_in
def keep_alive():
    """The timeout warning's "Stay signed in" button; the idle clock restarts on any request."""
    if request.accept_mimetypes.best == "application/json":
        return {"signed_in": True}
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], scope="forgotten-password")
@public
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, ip_address=request.remote_addr)
        session["reset_email"] = form.email.data
        return redirect(url_for("auth.check_your_email"))
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/forgotten-password/check-your-email")
@public
def check_your_email():
    return render_template(
        "auth/check_your_email.html",
        email=session.get("reset_email"),
        hours=current_app.config["PASSWORD_RESET_HOURS"],
    )


def _set_password_page(purpose: TokenPurpose, token: str, template: str, apply):
    try:
        user = tokens.check(token, purpose).user
    except InvalidToken as problem:
        return render_template("auth/link_not_valid.html", problem=str(problem), purpose=purpose.value), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            apply(token, form.password.data, ip_address=request.remote_addr)
        except InvalidToken as problem:
            return render_template(
                "auth/link_not_valid.html", problem=str(problem), purpose=purpose.value
            ), 410
        except DomainError as problem:
            form.password.errors = [str(problem)]
        else:
            session.clear()
            flash("Your password has been saved. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template(template, form=form, user=user)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _set_password_page(
        TokenPurpose.PASSWORD_RESET, token, "auth/reset_password.html", accounts.reset_password
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _set_password_page(
        TokenPurpose.INVITATION, token, "auth/accept_invitation.html", accounts.accept_invitation
    )


@bp.route("/account")
@signed_in
def account():
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html",
        form=None,
        reminders_form=ConfirmForm(),
        recovery_codes_left=two_factor.recovery_codes_left(user) if user.has_two_factor else 0,
        two_factor_required=two_factor.required_for(user),
    )


@bp.route("/account/sign-out-other-sessions", methods=["POST"])
@signed_in
def sign_out_other_sessions():
    if ConfirmForm().validate_on_submit():
        user = current_user._get_current_object()
        accounts.sign_out_other_sessions(user, ip_address=request.remote_addr)
        # This session carries the new generation; every other one has ended.
        login_user(user)
        flash("You have been signed out of every other session. You are still signed in here.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/review-digest", methods=["POST"])
@signed_in
def account_review_digest():
    if ConfirmForm().validate_on_submit():
        wanted = request.form.get("digest") == "on"
        digest.set_opt_out(current_user._get_current_object(), not wanted)
        flash(
            f"You will {'' if wanted else 'not '}get the daily digest of items waiting for review", "success"
        )
    return redirect(url_for("auth.account"))


@bp.route("/account/reminders", methods=["POST"])
@signed_in
def account_reminders():
    if ConfirmForm().validate_on_submit():
        wanted = request.form.get("reminders") == "on"
        reminders.set_opt_out(current_user._get_current_object(), not wanted, via="account page")
        flash(
            "You will get deadline reminders" if wanted else "You will not get deadline reminders", "success"
        )
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(
                user, form.current.data, form.password.data, ip_address=request.remote_addr
            )
        except DomainError as problem:
            field = form.current if "current" in str(problem) else form.password
            field.errors = [str(problem)]
        else:
            # The session token changed with the password: sign in again on this device only.
            login_user(user)
            flash("Your password has been changed", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)
