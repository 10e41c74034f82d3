"""Pairings: the list by status with an "at risk" tab, each pairing's page, and its state changes."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from guidematch import unit_of_work
from guidematch.extensions import db
from guidematch.form_errors import flash_error, show_error
from guidematch.models import Pairing
from guidematch.paging import page_number
from guidematch.pairings import listing, tracking
from guidematch.pairings.forms import ActionForm, EndForm
from guidematch.pairings.page import render_pairing
from guidematch.scoping import branch_select, current_branch, get_in_branch_or_404
from guidematch.services import clock, proposals
from guidematch.services import pairings as service
from guidematch.services.errors import DomainError
from guidematch.vocabulary import EndReason, PairingStatus

bp = Blueprint("pairings", __name__, url_prefix="/pairings")
tracking.add_routes(bp)

AT_RISK = listing.AT_RISK
TABS = (
    (AT_RISK, _l("At risk")),
    (PairingStatus.ACTIVE.value, _l("Active")),
    (PairingStatus.AWAITING_AGREEMENT.value, _l("Awaiting agreement")),
    (PairingStatus.PROPOSED.value, _l("Proposed")),
    (PairingStatus.COMPLETED.value, _l("Completed")),
    (PairingStatus.ENDED_EARLY.value, _l("Ended early")),
    (PairingStatus.REJECTED.value, _l("Rejected")),
)


@bp.route("")
@login_required
def index():
    """List the branch's pairings by status; the "at risk" tab says who needs a call and why."""
    tab = request.args.get("tab", AT_RISK)
    if tab not in dict(TABS):
        abort(404)
    branch = current_branch()
    today = clock.today()
    rows, pager = listing.tab_page(branch, tab, page_number(request.args), today)
    counts = dict(db.session.execute(
        branch_select(Pairing).with_only_columns(Pairing.status, func.count()).group_by(Pairing.status)).all())
    return render_template("pairings/index.html", tabs=TABS, tab=tab, rows=rows, pager=pager,
                           today=today, minimum=branch.weekly_minutes,
                           counts={str(k): v for k, v in counts.items()}, at_risk=AT_RISK)


@bp.route("/<int:pairing_id>")
@login_required
def detail(pairing_id: int):
    """Show one pairing: the two people, dates, agreement, weeks, logs, pauses, meetings, evaluation."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    return render_pairing(pairing)


def _act(pairing: Pairing, step, success: str):
    """Run one state change and flash it, or undo it and flash why not."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work.savepoint():  # flushed here, so a lost race shows up now
            step()
    except DomainError as error:
        flash_error(error)
    except (IntegrityError, StaleDataError):  # a race another coordinator won (or a matching run
        # replaced the proposal); the service normally turns the first into a DomainError
        flash_error(_("Someone else changed these pairings at the same time. Please look again."))
    else:
        flash(success, "success")
    return redirect(url_for("pairings.detail", pairing_id=pairing.id))


@bp.route("/<int:pairing_id>/confirm", methods=["POST"])
@login_required
def confirm(pairing_id: int):
    """Confirm a proposal: both get the agreement to accept."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    return _act(pairing, lambda: service.confirm(pairing),
                _("Confirmed. Both have been sent the agreement to accept."))


@bp.route("/<int:pairing_id>/reject", methods=["POST"])
@login_required
def reject(pairing_id: int):
    """Turn a proposal down: as on the matching page, the two are never proposed together again."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    return _act(pairing, lambda: proposals.reject_proposal(pairing, created_by_id=current_user.id),
                _("The proposal is rejected."))


@bp.route("/<int:pairing_id>/paper-agreement", methods=["POST"])
@login_required
def paper_agreement(pairing_id: int):
    """Record an agreement both signed on paper: the pairing starts today."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    return _act(pairing, lambda: service.record_paper_agreement(pairing),
                _("The paper agreement is recorded and the pairing has started."))


@bp.route("/<int:pairing_id>/resend-agreement", methods=["POST"])
@login_required
def resend_agreement(pairing_id: int):
    """Send the agreement again to whoever has not accepted it."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)

    def resend():
        if pairing.status != PairingStatus.AWAITING_AGREEMENT:
            raise DomainError(_("This agreement is no longer open for acceptance."))
        service.send_agreement(pairing, resend=True)
    return _act(pairing, resend, _("The agreement has been sent again."))


@bp.route("/<int:pairing_id>/complete", methods=["POST"])
@login_required
def complete(pairing_id: int):
    """Complete a pairing that has reached its earliest end."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    return _act(pairing, lambda: service.complete(pairing), _("The pairing is completed. Both were thanked by email."))


@bp.route("/<int:pairing_id>/end", methods=["POST"])
@login_required
def end(pairing_id: int):
    """End a pairing early with a reason: the refugee returns to the waiting list."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    form = EndForm()
    if not form.validate_on_submit():
        return render_pairing(pairing, end_form=form, status=422)
    try:
        service.end_early(pairing, EndReason(form.reason.data), form.note.data or "", form.guide_available.data)
    except DomainError as error:
        show_error(form, error, "reason")
        return render_pairing(pairing, end_form=form, status=422)
    flash(_("The pairing has ended. %(name)s is back on the waiting list, in the same place.",
            name=pairing.refugee.first_name), "success")
    return redirect(url_for("pairings.detail", pairing_id=pairing.id))
