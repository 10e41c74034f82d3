"""Recruitment campaigns: create and change them, and find the campaign of a sign-up link.

A campaign's figures are not here: they come from `report_figures.campaign_counts`,
as the report's do.
"""
from __future__ import annotations

from dataclasses import dataclass

import segno
from flask_babel import gettext as _
from sqlalchemy import select

from guidematch import links
from guidematch.extensions import db
from guidematch.models import Branch, Campaign
from guidematch.models.campaign import normal_code
from guidematch.services import audit
from guidematch.services.errors import DomainError
from guidematch.vocabulary import LANGUAGE_CODES, CampaignChannel, Gender

NAME_MAX = 120
# The poster's QR code: error correction M survives a torn or folded corner; 4 px a module
# and a viewBox, so CSS sizes it (4.5 cm on paper); the URL is its accessible name.
QR_ERROR = "m"
QR_SVG = {"scale": 4, "border": 4, "svgclass": "poster-qr", "omitsize": True}
EDITABLE = ("name", "channel", "seeks_gender", "seeks_language", "seeks_district")


@dataclass(frozen=True)
class CampaignValues:
    """What a coordinator says about a campaign; the `seeks_*` are None when it seeks anyone."""

    name: str
    channel: CampaignChannel
    seeks_gender: Gender | None = None
    seeks_language: str | None = None
    seeks_district: str | None = None


def create_campaign(branch: Branch, values: CampaignValues) -> Campaign:
    """Add a campaign to the branch, with a new code for its sign-up link."""
    checked = _checked(branch, values)
    campaign = Campaign(branch_id=branch.id, **checked)
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign_created", campaign, channel=str(campaign.channel))
    return campaign


def change_campaign(campaign: Campaign, values: CampaignValues) -> list[str]:
    """Change a campaign's name, channel or whom it seeks; return what changed (its link stays)."""
    checked = _checked(campaign.branch, values, campaign)
    changes = [name for name in EDITABLE if getattr(campaign, name) != checked[name]]
    for name in changes:
        setattr(campaign, name, checked[name])
    if changes:
        db.session.flush()
        audit.record("campaign_changed", campaign, changes=changes)
    return changes


def by_code(code: str | None) -> Campaign | None:
    """Return the campaign of a link's code (any case, spaces around ignored), or None."""
    code = normal_code(code)
    if not code:
        return None  # not a code we make: no query
    return db.session.scalar(select(Campaign).where(Campaign.code == code))


def for_signup(branch: Branch, code: str | None) -> Campaign | None:
    """Return the branch's campaign of a sign-up's code; None for an unknown or another branch's."""
    campaign = by_code(code)
    return campaign if campaign is not None and campaign.branch_id == branch.id else None


def signup_url(campaign: Campaign) -> str:
    """Return the campaign's public link, as printed on its poster and coded in its QR code."""
    return links.external_url("signup.campaign_link", code=campaign.code)


def qr_svg(url: str) -> str:
    """Return a QR code of `url` as inline SVG, titled with the URL for screen readers."""
    return segno.make(url, error=QR_ERROR).svg_inline(title=url, **QR_SVG)


def _checked(branch: Branch, values: CampaignValues, campaign: Campaign | None = None) -> dict:
    name = " ".join(values.name.split())
    if not name:
        raise DomainError(_("Give the campaign a name."), "name")
    if len(name) > NAME_MAX:
        raise DomainError(_("At most %(n)s characters.", n=NAME_MAX), "name")
    taken = db.session.scalar(select(Campaign.id).where(
        Campaign.branch_id == branch.id, Campaign.name == name,
        Campaign.id != (campaign.id if campaign is not None else -1)))
    if taken is not None:
        raise DomainError(_("The branch has a campaign with this name already."), "name")
    language = values.seeks_language or None
    if language is not None and language not in LANGUAGE_CODES:
        raise DomainError(_("Please choose a language from the list."), "seeks_language")
    district = values.seeks_district or None
    if district is not None and district not in (branch.districts or []):
        raise DomainError(_("Please choose one of the districts in the list."), "seeks_district")
    return {"name": name, "channel": CampaignChannel(values.channel),
            "seeks_gender": Gender(values.seeks_gender) if values.seeks_gender else None,
            "seeks_language": language, "seeks_district": district}
