"""Admins create branches and coordinators; coordinators set their branch's programme rules."""
from __future__ import annotations

from decimal import Decimal
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from guidematch import agreement_texts
from guidematch.admin.forms import WEIGHT_LABELS, ActionForm, BranchForm, SettingsForm, UserForm
from guidematch.extensions import db
from guidematch.form_errors import flash_error, show_error
from guidematch.form_kit import select_choices
from guidematch.models import Branch, User
from guidematch.scoping import current_branch
from guidematch.services import accounts, audit, branches
from guidematch.services.errors import DomainError
from guidematch.vocabulary import DEFAULT_WEIGHTS, PERSON_LOCALES, Role

bp = Blueprint("admin", __name__)


def admin_required(view):
    """Let only admins in; to anyone else the page does not exist."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)
    wrapper.admin_only = True
    return wrapper


@bp.route("/admin", methods=["GET", "POST"])
@admin_required
def index():
    """List branches and users; create a branch."""
    form = BranchForm()
    if form.validate_on_submit():
        try:
            branch = branches.create_branch(form.slug.data, form.name.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Branch %(name)s created.", name=branch.name), "success")
            return redirect(url_for("admin.index"))
    all_branches = db.session.scalars(select(Branch).order_by(Branch.name)).all()
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/index.html", form=form, branches=all_branches, users=users,
                           action_form=ActionForm())


def _get_or_404(model, record_id: int):
    # An id no database column can hold is simply not there (not an overflow error).
    record = db.session.get(model, record_id) if 0 < record_id < 2**63 else None
    if record is None:
        abort(404)
    return record


def _submitted_action() -> ActionForm:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.route("/admin/users/active", methods=["POST"])
@admin_required
def set_user_active():
    """Deactivate an account (its sessions end at once) or re-activate it."""
    form = _submitted_action()
    user = _get_or_404(User, form.record.data)
    active = form.value.data == "on"
    if user.id == current_user.id and not active:
        flash_error(_("You cannot deactivate your own account."))
        return redirect(url_for("admin.index"))
    if accounts.set_active(user, active):
        audit.record("user_activated" if active else "user_deactivated", user,
                     branch_id=user.branch_id)
        flash(_("%(name)s can log in again.", name=user.name) if active else
              _("%(name)s is deactivated and logged out.", name=user.name), "success")
    return redirect(url_for("admin.index"))


@bp.route("/admin/branches/two-factor", methods=["POST"])
@admin_required
def set_branch_two_factor():
    """Require two-factor login of a branch's coordinators, or stop requiring it."""
    form = _submitted_action()
    branch = _get_or_404(Branch, form.record.data)
    required = form.value.data == "on"
    if branch.require_two_factor != required:
        branch.require_two_factor = required
        audit.record("branch_two_factor", branch, required=required)
        flash(_("Coordinators of %(name)s must now use two-factor login; those without it set "
                "it up when they next log in.", name=branch.name) if required else
              _("Two-factor login is now optional in %(name)s.", name=branch.name), "success")
    return redirect(url_for("admin.index"))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a coordinator of a branch, or another admin."""
    form = UserForm()
    by_name = db.session.scalars(select(Branch).order_by(Branch.name))
    form.branch_id.choices = select_choices([(0, "—")] + [(b.id, b.name) for b in by_name])
    if form.validate_on_submit():
        branch = db.session.get(Branch, form.branch_id.data) if form.branch_id.data else None
        try:
            user = accounts.create_user(form.email.data, form.name.data, form.password.data,
                                        Role(form.role.data), branch, form.locale.data)
        except DomainError as error:
            show_error(form, error)
        else:
            audit.record("user_created", user, branch_id=user.branch_id, role=user.role.value)
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/user_form.html", form=form)


def _settings_form(branch: Branch) -> SettingsForm:
    form = SettingsForm()
    if not form.is_submitted():
        form.process(obj=branch)
        form.districts.data = "\n".join(branch.districts or [])
        form.min_score.data = Decimal(str(branch.min_score))
        for key, weight in branch.weights().items():
            getattr(form, f"weight_{key}").data = Decimal(str(weight))
        for locale in PERSON_LOCALES:
            getattr(form, f"agreement_{locale}").data = agreement_texts.words(branch, locale)
    return form


def _agreement_texts(form: SettingsForm) -> dict[str, str]:
    """Return the submitted agreement per language; "" where the coordinator chose the default."""
    return {locale: "" if getattr(form, f"agreement_{locale}_reset").data
            else getattr(form, f"agreement_{locale}").data or "" for locale in PERSON_LOCALES}


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Show and change the branch's programme rules, matching weights and agreement text."""
    branch = current_branch()
    form = _settings_form(branch)
    if form.validate_on_submit():
        values = branches.ProgrammeSettings(
            name=form.name.data, contact_email=form.contact_email.data or "",
            districts=[line.strip() for line in (form.districts.data or "").splitlines() if line.strip()],
            min_months=form.min_months.data, max_months=form.max_months.data,
            weekly_minutes=form.weekly_minutes.data,
            monthly_group_meetings=form.monthly_group_meetings.data,
            evaluation_after_months=form.evaluation_after_months.data,
            retention_months=form.retention_months.data, min_score=float(form.min_score.data or 0),
            weights={key: float(getattr(form, f"weight_{key}").data) for key in DEFAULT_WEIGHTS},
            agreement_texts=_agreement_texts(form),
        )
        try:
            changed = branches.update_settings(branch, values)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.settings"))
    weight_fields = [getattr(form, f"weight_{key}") for key in WEIGHT_LABELS]
    agreement_fields = [(locale, getattr(form, f"agreement_{locale}"),
                         getattr(form, f"agreement_{locale}_reset")) for locale in PERSON_LOCALES]
    return render_template("admin/settings.html", form=form, branch=branch,
                           weight_fields=weight_fields, agreement_fields=agreement_fields,
                           default_agreement=agreement_texts.default_agreement(branch))
