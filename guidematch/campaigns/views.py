"""Recruitment campaigns: the branch's campaigns with their figures, create and change one,
its sign-up link and a printable poster with a QR code."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from guidematch.campaigns.forms import CampaignForm
from guidematch.form_errors import show_error
from guidematch.models import Campaign
from guidematch.reports.measures import CAMPAIGN_MEASURE_LABELS, GENDER_COLUMNS
from guidematch.scoping import current_branch, get_in_branch_or_404
from guidematch.services import campaigns, report_figures
from guidematch.services.errors import DomainError
from guidematch.vocabulary import UI_LOCALES

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _figures(branch):
    return dict(rows=report_figures.campaign_counts(branch.id),
                measures=report_figures.CAMPAIGN_MEASURES, genders=report_figures.CAMPAIGN_GENDERS,
                measure_labels=CAMPAIGN_MEASURE_LABELS, gender_columns=GENDER_COLUMNS)


@bp.route("")
@login_required
def index():
    """List the branch's campaigns with their guides by gender: signed up, confirmed, approved, paired."""
    return render_template("campaigns/index.html", **_figures(current_branch()))


def _form_page(form: CampaignForm, campaign: Campaign | None):
    status = 422 if form.errors else 200
    return render_template("campaigns/form.html", form=form, campaign=campaign), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a campaign; it gets its own sign-up link and poster."""
    branch = current_branch()
    form = CampaignForm(districts=branch.districts)
    if form.validate_on_submit():
        try:
            campaign = campaigns.create_campaign(branch, form.values())
        except DomainError as error:
            show_error(form, error, "name")
        else:
            flash(_("The campaign is created. Its sign-up link and poster are below."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return _form_page(form, None)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int):
    """Change a campaign's name, channel or whom it seeks; its link stays the same."""
    campaign = get_in_branch_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign if request.method == "GET" else None,
                        districts=current_branch().districts)
    if form.validate_on_submit():
        try:
            changes = campaigns.change_campaign(campaign, form.values())
        except DomainError as error:
            show_error(form, error, "name")
        else:
            flash(_("The campaign is changed.") if changes else _("Nothing was changed."),
                  "success" if changes else "info")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return _form_page(form, campaign)


@bp.route("/<int:campaign_id>")
@login_required
def detail(campaign_id: int):
    """Show a campaign: its sign-up link to copy, its poster, and its guides by gender."""
    campaign = get_in_branch_or_404(Campaign, campaign_id)
    figures = _figures(current_branch())
    figures["rows"] = [row for row in figures["rows"] if row.campaign_id == campaign.id]
    return render_template("campaigns/detail.html", campaign=campaign,
                           url=campaigns.signup_url(campaign), locales=UI_LOCALES, **figures)


@bp.route("/<int:campaign_id>/poster")
@login_required
def poster(campaign_id: int):
    """Show the campaign's A4 poster in Norwegian or English (`?lang=`), whatever the page's language."""
    campaign = get_in_branch_or_404(Campaign, campaign_id)
    lang = request.args.get("lang", "")
    lang = lang if lang in UI_LOCALES else UI_LOCALES[0]
    url = campaigns.signup_url(campaign)
    with force_locale(lang):
        return render_template("campaigns/poster.html", campaign=campaign, url=url, lang=lang,
                               locales=UI_LOCALES, qr=Markup(campaigns.qr_svg(url)))
