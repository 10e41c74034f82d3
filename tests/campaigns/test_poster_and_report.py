"""The poster carries the campaign's link as text and QR code; the report counts per campaign."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
import segno
from openpyxl import load_workbook
from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import AuditEvent
from guidematch.services import campaigns as campaign_service
from guidematch.vocabulary import CampaignChannel, GuideStatus
from tests import factories
from tests.campaigns.conftest import approve, campaign, row_cells

OCTOBER = {"period": "custom", "first": "2026-10-01", "last": "2026-10-31"}


def utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("lang, headline, seeks", [
    ("en", "Become a refugee guide!", "We especially need male guides."),
    ("nb", "Bli flyktningguide!", "Vi trenger særlig mannlige guider."),
])
def test_the_poster_has_the_link_and_its_qr_code_in_either_language(
        client, english, branch, lang, headline, seeks):
    made = campaign(branch, "Radio", seeks_gender="male", seeks_language="ar")
    page = client.get(f"/campaigns/{made.id}/poster?lang={lang}").get_data(as_text=True)
    url = f"http://localhost/c/{made.code}"
    assert f'<html lang="{lang}"' in page and headline in page and seeks in page
    assert url in page and "@page { size: A4" in page
    svg = segno.make(url, error="m").svg_inline(title=url, **campaign_service.QR_SVG)
    assert svg.startswith("<svg") and svg in page
    assert "2 hours" in page if lang == "en" else "2 timer" in page


def test_an_unknown_poster_language_is_norwegian(client, english, branch):
    made = campaign(branch, "Radio")
    assert '<html lang="nb"' in client.get(f"/campaigns/{made.id}/poster?lang=xx").get_data(as_text=True)


@pytest.fixture
def october(branch):
    """Radio: 3 men and 1 woman signed up in October, 1 man of them approved in October,
    one man signed up in September; the poster campaign had nobody in October."""
    radio = campaign(branch, "Radio Tromsø")
    campaign(branch, "Posters", CampaignChannel.POSTER)
    men = [factories.make_guide(branch, gender="male", status=GuideStatus.APPLIED, campaign_id=radio.id,
                                created_at=utc(date(2026, 10, 5 + n))) for n in range(3)]
    factories.make_guide(branch, gender="female", status=GuideStatus.APPLIED, campaign_id=radio.id,
                         created_at=utc(date(2026, 10, 9)))
    factories.make_guide(branch, gender="male", status=GuideStatus.APPLIED, campaign_id=radio.id,
                         created_at=utc(date(2026, 9, 9)))
    approve(men[0])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "guide_approved"))
    event.created_at = utc(date(2026, 10, 20))
    db.session.commit()
    return radio


def test_the_report_counts_guides_by_campaign_and_they_add_up(client, english, october):
    page = client.get("/reports", query_string=OCTOBER).get_data(as_text=True)
    # Email confirmed men / women / other, approved men / women / other.
    assert row_cells(page, "Radio Tromsø") == ["Radio", "3", "1", "0", "1", "0", "0"]
    assert row_cells(page, "No campaign") == ["–", "0", "0", "0", "0", "0", "0"]
    assert ">Posters<" not in page
    book = load_workbook(io.BytesIO(client.get("/reports.xlsx", query_string=OCTOBER).data))
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["guides_signed_up"] == 4 and summary["guides_approved"] == "<3"
    sheet = list(book["Per campaign"].iter_rows(values_only=True))
    assert sheet[0] == ("campaign", "channel", "confirmed_male", "confirmed_female", "confirmed_other",
                        "approved_male", "approved_female", "approved_other")
    # Outside the branch, 1 or 2 people are "<3"; numbers stay number cells.
    assert sheet[1:] == [("Radio Tromsø", "radio", 3, "<3", 0, "<3", 0, 0),
                         ("(no campaign)", None, 0, 0, 0, 0, 0, 0)]
