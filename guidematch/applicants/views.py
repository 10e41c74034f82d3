"""The coordinator's review of guide applicants: those who confirmed their email address."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from guidematch.applicants.forms import ApproveForm, RejectForm
from guidematch.extensions import db
from guidematch.form_errors import show_error
from guidematch.models import Consent, Guide
from guidematch.scoping import branch_select, get_in_branch_or_404
from guidematch.services import applicants
from guidematch.services.errors import DomainError
from guidematch.vocabulary import GuideStatus

bp = Blueprint("applicants", __name__, url_prefix="/applicants")


@bp.route("")
@login_required
def index():
    """List confirmed guide applicants waiting for interview and approval."""
    guides = db.session.scalars(
        branch_select(Guide).where(Guide.status == GuideStatus.APPLIED)
        .order_by(Guide.email_confirmed_at, Guide.id)).all()
    return render_template("applicants/index.html", guides=guides)


def _review(guide: Guide, approve: ApproveForm | None = None, reject: RejectForm | None = None):
    if approve is None:
        approve = ApproveForm(obj=guide)
        approve.meets_minors.data = guide.police_certificate_on is not None
    consents = db.session.scalars(branch_select(Consent).where(Consent.guide_id == guide.id)
                                  .order_by(Consent.given_at)).all()
    return render_template("applicants/review.html", guide=guide, approve=approve,
                           reject=reject or RejectForm(), consents=consents)


@bp.route("/<int:guide_id>")
@login_required
def review(guide_id: int):
    """Show an applicant's profile with the approve and reject forms."""
    return _review(get_in_branch_or_404(Guide, guide_id))


@bp.route("/<int:guide_id>/approve", methods=["POST"])
@login_required
def approve(guide_id: int):
    """Approve an applicant whose credentials are checked: they can now be matched."""
    guide = get_in_branch_or_404(Guide, guide_id)
    form = ApproveForm()
    if form.validate_on_submit():
        credentials = applicants.Credentials(
            interview_on=form.interview_on.data, intro_course_on=form.intro_course_on.data,
            confidentiality_signed_on=form.confidentiality_signed_on.data,
            police_certificate_on=form.police_certificate_on.data, meets_minors=form.meets_minors.data)
        try:
            applicants.approve_guide(guide, credentials)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s is approved and can now be matched.", name=guide.full_name), "success")
            return redirect(url_for("applicants.index"))
    return _review(guide, approve=form)


@bp.route("/<int:guide_id>/reject", methods=["POST"])
@login_required
def reject(guide_id: int):
    """Reject an applicant, with a reason the coordinators keep."""
    guide = get_in_branch_or_404(Guide, guide_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            applicants.reject_guide(guide, form.reason.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s is rejected.", name=guide.full_name), "info")
            return redirect(url_for("applicants.index"))
    return _review(guide, reject=form)


