"""Logging in (password, then a code where two-factor login is on) and out; a forgotten password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from guidematch import links, safe_input
from guidematch.auth import pending, sessions
from guidematch.auth.forms import CodeForm, ForgotForm, LoginForm, ResetForm, SetupForm
from guidematch.extensions import limiter
from guidematch.form_errors import show_error
from guidematch.models import User
from guidematch.scoping import public
from guidematch.services import accounts, audit, clock, throttle, two_factor
from guidematch.services.errors import DomainError

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
def login():
    """Show the login form; log the coordinator in (or on to the second step)."""
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, _address())
        except DomainError as error:
            # Not show_error, which undoes the attempt: the failed-attempt count that makes
            # the next try wait must be stored, and this page (a 200) commits it.
            form.password.errors.append(error.message)
        else:
            if user.has_two_factor or two_factor.required_for(user):
                pending.hold(user, request.args.get("next"))
                return redirect(url_for("auth.second_step"))
            return _finish_login(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _address() -> str:
    return request.remote_addr or ""


def _finish_login(user: User, next_url: str | None):
    pending.drop()
    sessions.start(user)
    audit.record("login", user, branch_id=user.branch_id)
    return redirect(safe_input.local_target(next_url))


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
def second_step():
    """Ask for the TOTP (or a recovery) code; lead to the set-up where the branch requires it."""
    user = pending.user()
    if user is None:
        pending.drop()
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    if not user.has_two_factor:
        return setup_page(user, during_login=True)
    form = CodeForm()
    if form.validate_on_submit():
        now = clock.now()
        wait = throttle.wait_needed(user.email, _address(), now)
        if wait:
            form.code.errors.append(_("Too many failed tries. Try again in %(wait)s.",
                                      wait=accounts.wait_in_words(wait)))
        elif two_factor.verify(user, form.code.data, now):
            throttle.record_success(user.email, _address(), now)
            return _finish_login(user, pending.next_url())
        else:
            # Counted like a wrong password (and stored: no show_error), so codes cannot be
            # guessed faster than passwords.
            throttle.record_failure(user.email, _address(), now)
            form.code.errors.append(_("That code is not right."))
    return render_template("auth/code.html", form=form)


def setup_page(user: User, during_login: bool):
    """The TOTP set-up: a QR code and the secret as text; the first right code turns it on."""
    form = SetupForm()
    try:
        two_factor.begin_setup(user)
    except DomainError as error:
        flash(error.message, "info")
        return redirect(url_for("account.index"))
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_setup(user, form.code.data, clock.now())
        except DomainError as error:
            form.code.errors.append(error.message)  # the secret kept, so the app's entry works
        else:
            audit.record("two_factor_on", user, branch_id=user.branch_id)
            if during_login:
                next_url = pending.next_url()
                pending.drop()
                sessions.start(user)
                audit.record("login", user, branch_id=user.branch_id)
                continue_to = safe_input.local_target(next_url)
            else:
                continue_to = url_for("account.index")
            return render_template("auth/recovery_codes.html", codes=codes, continue_to=continue_to)
    return render_template("auth/setup.html", form=form, during_login=during_login,
                           required=two_factor.required_for(user),
                           secret=two_factor.grouped(user.totp_secret),
                           qr=two_factor.qr_data_uri(user))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (a POST with the CSRF token, so no other site can log you out)."""
    user = current_user._get_current_object()
    audit.record("logout", user, branch_id=user.branch_id)
    sessions.end(user)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour;3 per minute", methods=["POST"])
def forgot_password():
    """Send a reset link to the email given; say the same whether it has an account or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        accounts.send_reset_link(form.email.data)
        flash(_("If %(email)s belongs to an account, a link to set a new password is on its way. "
                "It works for one hour.", email=form.email.data.strip()), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    """Set a new password from an emailed link (dead once used, or after an hour)."""
    try:
        user = accounts.user_for_reset(token)
    except links.LinkError:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.set_new_password(user, form.password.data)
        except DomainError as error:
            show_error(form, error, "password")
        else:
            audit.record("password_reset", user, branch_id=user.branch_id, actor="link")
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
