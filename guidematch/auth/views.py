"""Logging in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from guidematch.auth.forms import LoginForm
from guidematch.extensions import limiter
from guidematch.scoping import public
from guidematch.services import accounts, audit
from guidematch.services.errors import DomainError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would help phishing.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("core.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
def login():
    """Show the login form; log the coordinator in."""
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            # Not show_error, which undoes the attempt: the failed-attempt count that makes
            # the next try wait must be stored, and this page (a 200) commits it.
            form.password.errors.append(error.message)
        else:
            session.pop("branch_id", None)
            login_user(user)
            audit.record("login", user, branch_id=user.branch_id)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (a POST with the CSRF token, so no other site can log you out)."""
    logout_user()
    session.pop("branch_id", None)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
