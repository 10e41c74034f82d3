"""Public pages: guide sign-up, refugee registration and referral, email confirmation, privacy.

Every answer to a posted form is the same thank-you page, whether the email
was new, known or the post came from a bot (honeypot): nobody learns from it
who is registered.

Rate limits, per address (config.py has the numbers; README's configuration table
says why): two limits guard each form. One counts only accepted submissions (the
redirect to the thank-you page, `deduct_when`), so that people correcting a
refused form are never locked out and a whole class can register from one school
network; the other counts every post, so that a script hammering the form is still
stopped. A breached limit answers 429 with the same form, filled in with what was
typed, and says how long to wait.
"""
from __future__ import annotations

import math

from flask import (
    Blueprint, abort, current_app, flash, make_response, redirect, render_template, request,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import i18n, links, unit_of_work
from guidematch.consent_texts import GUIDE_PRIVACY, REFERRAL_PRIVACY, REFUGEE_PRIVACY, guide_commitment
from guidematch.extensions import db, limiter
from guidematch.form_errors import show_error
from guidematch.models import Branch
from guidematch.scoping import current_branch, public
from guidematch.services import campaigns, clock, signup
from guidematch.services.errors import DomainError
from guidematch.models.campaign import normal_code
from guidematch.signup.forms import GuideSignupForm, ReferralForm, RefugeeSignupForm
from guidematch.vocabulary import CONFIRM_LINK_DAYS, UNCONFIRMED_PURGE_DAYS

bp = Blueprint("signup", __name__)


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _referral_limit() -> str:
    return current_app.config["REFERRAL_RATE_LIMIT"]


def _confirm_limit() -> str:
    return current_app.config["CONFIRM_RATE_LIMIT"]


def _attempt_limit() -> str:
    return current_app.config["SIGNUP_ATTEMPT_RATE_LIMIT"]


def _accepted(response) -> bool:
    """Count a post toward the sign-up limit only when it was accepted (the thank-you redirect)."""
    return response.status_code == 302


def _keep_what_was_typed(limit) -> object:
    """Answer a breached limit with the form as it was posted, status 429, and when to retry."""
    page = _PAGES.get(request.endpoint)
    if page is None:
        return None
    minutes = max(1, math.ceil((limit.reset_at - clock.now().timestamp()) / 60))
    body = page(**request.view_args, limited_minutes=minutes)
    return make_response(body, 429)


# Accepted sign-ups: guide and refugee forms share one count per address.
_signups = limiter.shared_limit(_signup_limit, scope="signup", methods=["POST"],
                                deduct_when=_accepted, on_breach=_keep_what_was_typed)
_referrals = limiter.limit(_referral_limit, methods=["POST"], deduct_when=_accepted,
                           on_breach=_keep_what_was_typed)
# Every post to the three forms, refused or not: a flood of refused forms is stopped too.
_attempts = limiter.shared_limit(_attempt_limit, scope="signup-attempts", methods=["POST"],
                                 on_breach=_keep_what_was_typed)


@bp.before_request
def language_from_query():
    """Let a link choose the language of a public page (`?lang=ar`), for this browser."""
    lang = request.args.get(i18n.QUERY_PARAMETER, "")
    if lang and i18n.remember_choice(lang, request.endpoint):
        refresh()


def _render(template: str, **context):
    return render_template(template, **context)


def _branch_from_query(endpoint: str):
    """Return (branch, None), or (None, a response): the chooser, or 404 for an unknown slug."""
    slug = request.args.get("branch", "")
    if slug:
        branch = db.session.scalar(select(Branch).where(Branch.slug == slug[:63]))
        if branch is None:
            abort(404)
        return branch, None
    branches = db.session.scalars(select(Branch).order_by(Branch.name)).all()
    if not branches:
        abort(404)
    if len(branches) == 1:
        return branches[0], None
    return None, _render("signup/choose_branch.html", branches=branches, endpoint=endpoint)


def _save(register):
    """Run a registration; a twin request that won the race is treated as known."""
    try:
        with unit_of_work.savepoint():  # the lost race undoes only this try
            register()
    except IntegrityError:
        register()  # now finds the address the other request saved


def _prefill_locale(form) -> None:
    if not form.is_submitted():
        form.locale.data = str(get_locale())


@bp.route("/signup/guide", methods=["GET", "POST"])
@public
@_attempts
@_signups
def guide():
    """Show the guide sign-up form; register the volunteer and send the confirmation link."""
    return _guide_page()


def _guide_page(limited_minutes: int | None = None):
    branch, chooser = _branch_from_query("signup.guide")
    if chooser is not None:
        return chooser
    form = GuideSignupForm(districts=branch.districts)
    _prefill_locale(form)
    if not form.is_submitted():
        form.campaign.data = normal_code(request.args.get("campaign", ""))
    commitment = guide_commitment(branch)
    if limited_minutes is None and form.validate_on_submit():
        if form.is_bot():
            return redirect(url_for("signup.thanks", kind="guide"))
        extras = signup.GuideExtras(motivation=form.motivation.data or "", commitment=commitment,
                                    campaign_code=form.campaign.data or "")
        try:
            _save(lambda: signup.register_guide(branch, form.profile_record("guide"),
                                                form.locale.data, extras))
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(url_for("signup.thanks", kind="guide"))
    return _render("signup/guide.html", form=form, branch=branch, privacy=GUIDE_PRIVACY,
                   commitment=commitment, limited_minutes=limited_minutes)


@bp.route("/c/<code>")
@public
def campaign_link(code: str):
    """Open the guide sign-up of a recruitment campaign's branch, the campaign's code carried along.

    A short link of its own, not the sign-up's address with `?branch=..&campaign=..`:
    people type it from a poster, a newspaper or the radio. An unknown code still
    leads to the sign-up (the branch chooser), so a mistyped link loses nobody.
    """
    campaign = campaigns.by_code(code)
    if campaign is None:
        return redirect(url_for("signup.guide"))
    return redirect(url_for("signup.guide", branch=campaign.branch.slug, campaign=campaign.code))


@bp.route("/signup/refugee", methods=["GET", "POST"])
@public
@_attempts
@_signups
def refugee():
    """Show the refugee registration form; register and send the confirmation link."""
    return _refugee_page()


def _refugee_page(limited_minutes: int | None = None):
    branch, chooser = _branch_from_query("signup.refugee")
    if chooser is not None:
        return chooser
    form = RefugeeSignupForm(districts=branch.districts)
    _prefill_locale(form)
    if limited_minutes is None and form.validate_on_submit():
        if form.is_bot():
            return redirect(url_for("signup.thanks", kind="refugee"))
        try:
            _save(lambda: signup.register_refugee(branch, form.profile_record("refugee"),
                                                  form.locale.data))
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(url_for("signup.thanks", kind="refugee"))
    return _render("signup/refugee.html", form=form, branch=branch, privacy=REFUGEE_PRIVACY,
                   limited_minutes=limited_minutes)


@bp.route("/referral/<token>", methods=["GET", "POST"])
@public
@_attempts
@_referrals
def referral(token: str):
    """Let the municipality's refugee service refer a refugee through the branch's secret link."""
    return _referral_page(token)


def _referral_page(token: str, limited_minutes: int | None = None):
    branch = db.session.scalar(select(Branch).where(Branch.referral_token == token[:64]))
    if branch is None:
        abort(404)
    form = ReferralForm(districts=branch.districts)
    if not form.is_submitted():
        form.locale.data = "nb"
    if limited_minutes is None and form.validate_on_submit():
        if form.is_bot():
            return redirect(url_for("signup.thanks", kind="referral"))
        caseworker = signup.Caseworker(form.caseworker_name.data, form.caseworker_email.data,
                                       str(get_locale()))
        try:
            _save(lambda: signup.refer_refugee(branch, form.profile_record("refugee"),
                                               form.locale.data, caseworker))
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(url_for("signup.thanks", kind="referral"))
    return _render("signup/referral.html", form=form, branch=branch, privacy=REFERRAL_PRIVACY,
                   limited_minutes=limited_minutes)


_PAGES = {"signup.guide": _guide_page, "signup.refugee": _refugee_page,
          "signup.referral": _referral_page}


@bp.route("/signup/thanks")
@public
def thanks():
    """Say what happens next; the same page whether the address was new or known."""
    kind = request.args.get("kind", "guide")
    if kind not in ("guide", "refugee", "referral"):
        kind = "guide"
    return _render("signup/thanks.html", kind=kind, days=CONFIRM_LINK_DAYS)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_confirm_limit, methods=["POST"])
def confirm(token: str):
    """Confirm an email address: a button press, so that link scanners confirm nothing."""
    try:
        kind, person = signup.load_confirmation(token)
    except links.LinkExpired:
        return _render("signup/link_problem.html", problem="expired", days=CONFIRM_LINK_DAYS,
                       purge_days=UNCONFIRMED_PURGE_DAYS), 410
    except links.LinkError:
        return _render("signup/link_problem.html", problem="invalid"), 404
    if person.email_confirmed_at is not None:
        return _render("signup/confirmed.html", kind=kind, person=person, already=True)
    if request.method == "POST":
        signup.confirm_email(kind, person)
        return _render("signup/confirmed.html", kind=kind, person=person, already=False)
    return _render("signup/confirm.html", kind=kind, person=person)


@bp.route("/privacy")
@public
def privacy():
    """Explain what we store, why, for how long, and how to get it or have it erased."""
    return _render("signup/privacy.html", purge_days=UNCONFIRMED_PURGE_DAYS)


@bp.route("/referral-link")
@login_required
def referral_link():
    """Show the branch's secret referral link and public sign-up links, to hand out."""
    branch = current_branch()
    return render_template("signup/referral_link.html", branch=branch,
                           referral_url=url_for("signup.referral", token=branch.referral_token, _external=True))


@bp.route("/referral-link/renew", methods=["POST"])
@login_required
def renew_referral_link():
    """Replace the referral link: the old one stops working at once."""
    signup.renew_referral_link(current_branch())
    flash(_("A new referral link was made. The old link no longer works."), "success")
    return redirect(url_for("signup.referral_link"))
