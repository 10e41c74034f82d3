"""A branch whose campaigns' guides are known, built through the services."""
from __future__ import annotations

import re
from datetime import date

import pytest

from guidematch.extensions import db
from guidematch.models import Campaign
from guidematch.services import applicants
from guidematch.vocabulary import CampaignChannel, GuideStatus
from tests import factories

TODAY = date(2026, 11, 19)


def campaign(branch, name: str, channel=CampaignChannel.RADIO, **fields) -> Campaign:
    made = Campaign(branch_id=branch.id, name=name, channel=channel, **fields)
    db.session.add(made)
    db.session.commit()
    return made


def approve(guide) -> None:
    applicants.approve_guide(guide, applicants.Credentials(date(2026, 10, 1), date(2026, 10, 2),
                                                           date(2026, 10, 2)), today=TODAY)
    db.session.commit()


@pytest.fixture
def known(branch):
    """Radio: 3 men (1 unconfirmed, 1 applied, 1 approved and paired) and 1 woman (applied);
    poster: 1 unconfirmed man; no campaign: 1 woman approved."""
    f = factories
    radio = campaign(branch, "Radio Tromsø, autumn")
    poster = campaign(branch, "Posters at the library", CampaignChannel.POSTER)
    f.make_guide(branch, gender="male", status=GuideStatus.UNCONFIRMED, campaign_id=radio.id)
    f.make_guide(branch, gender="male", status=GuideStatus.APPLIED, campaign_id=radio.id)
    paired = f.make_guide(branch, gender="male", status=GuideStatus.APPLIED, campaign_id=radio.id)
    approve(paired)
    f.make_active_pairing(branch, guide=paired)
    f.make_guide(branch, gender="female", status=GuideStatus.APPLIED, campaign_id=radio.id)
    f.make_guide(branch, gender="male", status=GuideStatus.UNCONFIRMED, campaign_id=poster.id)
    approve(f.make_guide(branch, gender="female", status=GuideStatus.APPLIED))
    return {"radio": radio, "poster": poster}


def row_cells(page: str, heading: str) -> list[str]:
    """Return the data cells of the table row whose header cell holds `heading`."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        if heading in row:
            return [re.sub(r"<[^>]+>", "", cell).strip()
                    for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row for {heading!r}")
