"""The coordinator's start page, the language switch, the branch switch and /healthz."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select, text

from guidematch import i18n, safe_input
from guidematch.extensions import db
from guidematch.i18n import LOCALE_NAMES
from guidematch.models import Branch
from guidematch.scoping import current_branch, public
from guidematch.core import dashboard_charts
from guidematch.services import clock, overview
from guidematch.vocabulary import AGREEMENT_OVERDUE_DAYS, EVALUATION_OVERDUE_DAYS

bp = Blueprint("core", __name__)

# The main navigation, in order; an area appears once its blueprint is registered.
NAVIGATION = (
    ("core.dashboard", _l("Overview")),
    ("people.guides", _l("Guides")),
    ("people.refugees", _l("Refugees")),
    ("applicants.index", _l("Applicants")),
    ("campaigns.index", _l("Recruitment")),
    ("matching.index", _l("Matching")),
    ("pairings.index", _l("Pairings")),
    ("meetings.index", _l("Group meetings")),
    ("reports.index", _l("Reports")),
    ("outbox.index", _l("Outbox")),
    ("audit.index", _l("Audit log")),
    ("admin.settings", _l("Settings")),
    ("admin.index", _l("Admin")),
)


def nav_items() -> list[tuple[str, str]]:
    admin_only = {"admin.index"}
    return [(endpoint, label) for endpoint, label in NAVIGATION
            if endpoint in current_app.view_functions
            and (endpoint not in admin_only or current_user.is_admin)]


@bp.route("/healthz")
@public
def healthz():
    """Answer 200 when the app and its database work (for load balancers and checks)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy; details stay in the log
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/")
@login_required
def dashboard():
    """Show who needs the coordinator today: the waiting, the gap, pairings to call, what is late."""
    branch = current_branch()
    today = clock.today()
    figures = overview.overview(branch, today)
    return render_template("core/dashboard.html", branch=branch, o=figures,
                           agreement_days=AGREEMENT_OVERDUE_DAYS, evaluation_days=EVALUATION_OVERDUE_DAYS,
                           **dashboard_charts.context(figures))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the chosen language for this browser and go back."""
    target = safe_input.local_target(request.form.get("next"))
    locale = request.form.get("locale", "")
    chosen_for = i18n.remember_choice(locale, i18n.endpoint_for(target))
    if chosen_for is None:  # not a language that page offers
        abort(400)
    if chosen_for == i18n.UI_CHOICE and current_user.is_authenticated:
        current_user.locale = locale  # their choice outlives the session
    return redirect(i18n.without_language_parameter(target))


@bp.route("/branch", methods=["POST"])
@login_required
def switch_branch():
    """Let an admin work in another branch."""
    if not current_user.is_admin:
        abort(404)
    branch_id = safe_input.record_id(request.form.get("branch_id"))
    branch = db.session.get(Branch, branch_id) if branch_id else None
    if branch is None:
        abort(404)
    session["branch_id"] = branch.id
    return redirect(url_for("core.dashboard"))


@bp.app_context_processor
def layout_context():
    branches, branch = [], None
    # Emails are rendered outside requests too (the reminders command): no user there.
    if current_user and current_user.is_authenticated:
        if current_user.is_admin:
            branches = db.session.scalars(select(Branch).order_by(Branch.name)).all()
        if branches or not current_user.is_admin:
            branch = current_branch()
    return {"locale_names": LOCALE_NAMES, "admin_branches": branches, "nav_items": nav_items,
            "layout_branch": branch,
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions}
