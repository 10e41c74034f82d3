"""A coordinator's own account: password, two-factor login, recovery codes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from guidematch.auth import sessions
from guidematch.auth.forms import (
    ChangePasswordForm, ConfirmPasswordForm, RecoveryCodesForm, TwoFactorOffForm,
)
from guidematch.auth.views import setup_page
from guidematch.form_errors import flash_error, show_error
from guidematch.services import accounts, audit, two_factor
from guidematch.services.errors import DomainError

bp = Blueprint("account", __name__)


def _me():
    return current_user._get_current_object()


@bp.route("/account")
@login_required
def index():
    """Show the account's login settings."""
    user = _me()
    return render_template("auth/account.html", user=user,
                           required=two_factor.required_for(user),
                           codes_left=two_factor.unused_recovery_codes(user) if user.has_two_factor
                           else 0, off_form=TwoFactorOffForm(), codes_form=RecoveryCodesForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other session of the account ends."""
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            show_error(form, error, "password")
        else:
            sessions.renew(user)
            audit.record("password_changed", user, branch_id=user.branch_id)
            flash(_("Your password is changed. You are logged out everywhere else."), "success")
            return redirect(url_for("account.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Set up two-factor login with an authenticator app."""
    return setup_page(_me(), during_login=False)


def _password_confirmed(form: ConfirmPasswordForm) -> bool:
    if form.validate_on_submit() and _me().check_password(form.current_password.data):
        return True
    flash(_("Enter your current password to do this."), "error")
    return False


@bp.route("/account/two-factor/off", methods=["POST"])
@login_required
def two_factor_off():
    """Turn two-factor login off (not where the branch requires it)."""
    user = _me()
    if _password_confirmed(TwoFactorOffForm()):
        try:
            two_factor.turn_off(user)
        except DomainError as error:
            flash_error(error)
        else:
            audit.record("two_factor_off", user, branch_id=user.branch_id)
            flash(_("Two-factor login is off."), "success")
    return redirect(url_for("account.index"))


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    """Make new recovery codes (the old ones stop working) and show them once."""
    user = _me()
    if not user.has_two_factor or not _password_confirmed(RecoveryCodesForm()):
        return redirect(url_for("account.index"))
    codes = two_factor.new_recovery_codes(user)
    audit.record("recovery_codes_renewed", user, branch_id=user.branch_id)
    return render_template("auth/recovery_codes.html", codes=codes,
                           continue_to=url_for("account.index"))
