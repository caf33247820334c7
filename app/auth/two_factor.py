"""Two-factor authentication: the second step of signing in, setting it up, recovery codes, turning it off."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.auth import bp
from app.auth.views import _safe_next
from app.extensions import limiter
from app.forms.two_factor import CodeForm, RecoveryCodeForm
from app.permissions import public, signed_in
from app.services.errors import DomainError
from app.services.people import accounts, two_factor
from app.services.people.two_factor import WrongCode
from app.sessions import second_step, second_step_user_id, start_session

SET_UP_SECRET = "two_factor_set_up"  # noqa: S105  (the session key, not a secret)


def _code_key() -> str:
    """Failed codes count against the person, whether half-way through signing in or signed in."""
    user_id = second_step_user_id()
    if user_id is None and current_user.is_authenticated:
        user_id = current_user.id
    return f"two-factor:{user_id if user_id is not None else request.remote_addr}"


def _code_failed(response) -> bool:
    return bool(g.get("two_factor_failed"))


# Every page that takes a code shares one count of failures per person (TWO_FACTOR_LIMIT_PER_ACCOUNT).
limit_per_account = limiter.shared_limit(
    lambda: current_app.config["TWO_FACTOR_LIMIT_PER_ACCOUNT"],
    scope="two-factor-account",
    key_func=_code_key,
    methods=["POST"],
    deduct_when=_code_failed,
)
limit_per_address = limiter.shared_limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
    scope="two-factor-address",
    methods=["POST"],
    deduct_when=_code_failed,
)


def _private(response):
    """Pages showing a secret or recovery codes are kept out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


# The second step of signing in


def _start_again(next_url: str | None, reason: str | None):
    if reason == "expired":
        flash("You did not enter a code in time. Sign in again.", "important")
    target = _safe_next(next_url)
    return redirect(url_for("auth.sign_in", next=None if target == url_for("main.home") else target))


def _finish_sign_in(user, next_url: str | None, *, how: str):
    accounts.record_sign_in(user, ip_address=request.remote_addr, second_factor=how)
    start_session(user)
    return redirect(_safe_next(next_url))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limit_per_address
@limit_per_account
@public
def two_factor_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user, next_url, reason = second_step()
    if user is None:
        return _start_again(next_url, reason)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.check_code(user, form.code.data, ip_address=request.remote_addr)
        except WrongCode as problem:
            g.two_factor_failed = True
            form.code.errors = [str(problem)]
        else:
            return _finish_sign_in(user, next_url, how="authenticator app")
    return render_template("auth/two_factor_code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limit_per_address
@limit_per_account
@public
def two_factor_recovery_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user, next_url, reason = second_step()
    if user is None:
        return _start_again(next_url, reason)
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        try:
            left = two_factor.use_recovery_code(user, form.recovery_code.data, ip_address=request.remote_addr)
        except WrongCode as problem:
            g.two_factor_failed = True
            form.recovery_code.errors = [str(problem)]
        else:
            response = _finish_sign_in(user, next_url, how="recovery code")
            flash(_codes_left_message(left), "important")
            return response
    return render_template("auth/two_factor_recovery_code.html", form=form)


def _codes_left_message(left: int) -> str:
    if left == 0:
        return "You have used your last recovery code. Get new recovery codes from your account page now."
    codes = "1 recovery code" if left == 1 else f"{left} recovery codes"
    if left <= 3:
        return f"You have {codes} left. Get new recovery codes from your account page."
    return f"You have {codes} left."


# Setting it up


def _set_up_secret(user) -> str:
    """The secret offered to this person until they confirm it; kept in their own (signed) session only, so
    that looking at the page writes nothing."""
    offered = session.get(SET_UP_SECRET)
    if isinstance(offered, dict) and offered.get("user") == user.id and offered.get("secret"):
        return offered["secret"]
    secret = two_factor.new_secret()
    session[SET_UP_SECRET] = {"user": user.id, "secret": secret}
    return secret


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@signed_in
def two_factor_set_up():
    user = current_user._get_current_object()
    next_url = _safe_next(request.args.get("next"))
    if user.has_two_factor:
        return redirect(url_for("auth.account"))
    secret = _set_up_secret(user)
    form = CodeForm(button="Turn on two-factor authentication")
    if form.validate_on_submit():
        try:
            codes = two_factor.turn_on(user, secret, form.code.data, ip_address=request.remote_addr)
        except WrongCode as problem:
            form.code.errors = [str(problem)]
        else:
            # A new session for the new privilege; the offered secret goes with the old one.
            start_session(user)
            return _private(
                current_app.make_response(
                    render_template(
                        "auth/two_factor_recovery_codes.html",
                        codes=codes,
                        next_url=next_url,
                        title="Two-factor authentication is on",
                    )
                )
            )
    uri = two_factor.setup_uri(user, secret)
    page = render_template(
        "auth/two_factor_set_up.html",
        form=form,
        qr_code=two_factor.qr_code(uri),
        key=two_factor.grouped(secret),
        must_set_up=two_factor.must_set_up(user),
    )
    return _private(current_app.make_response(page))


# Recovery codes and turning it off


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@limit_per_account
@signed_in
def two_factor_new_recovery_codes():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("auth.account"))
    form = CodeForm(button="Get new recovery codes")
    if form.validate_on_submit():
        try:
            codes = two_factor.new_recovery_codes(user, form.code.data, ip_address=request.remote_addr)
        except WrongCode as problem:
            g.two_factor_failed = True
            form.code.errors = [str(problem)]
        else:
            page = render_template(
                "auth/two_factor_recovery_codes.html",
                codes=codes,
                next_url=url_for("auth.account"),
                title="Your new recovery codes",
            )
            return _private(current_app.make_response(page))
    return render_template("auth/two_factor_new_recovery_codes.html", form=form)


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@limit_per_account
@signed_in
def two_factor_turn_off():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("auth.account"))
    required = two_factor.required_for(user)
    form = CodeForm(button="Turn off two-factor authentication")
    if not required and form.validate_on_submit():
        try:
            two_factor.turn_off(user, form.code.data, ip_address=request.remote_addr)
        except WrongCode as problem:
            g.two_factor_failed = True
            form.code.errors = [str(problem)]
        except DomainError as problem:
            form.code.errors = [str(problem)]
        else:
            flash("Two-factor authentication is off. You sign in with your password alone.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/two_factor_turn_off.html", form=form, required=required, user=user)
