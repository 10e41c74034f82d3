"""A sign-up through a campaign's link or QR code records the campaign; a wrong code loses nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from guidematch.models import Guide
from tests import factories
from tests.campaigns.conftest import campaign
from tests.signup.conftest import guide_form


@pytest.fixture
def radio(branch):
    return campaign(branch, "Radio")


def test_the_short_link_leads_to_the_branchs_sign_up_with_the_code(client, branch, radio):
    factories.make_branch(slug="bodo", name="Bodø")  # two branches: the link must choose
    response = client.get(f"/c/{radio.code.upper()}")
    assert response.status_code == 302
    assert response.location == f"/signup/guide?branch=tromso&campaign={radio.code}"
    page = client.get(response.location).get_data(as_text=True)
    assert f'name="campaign" type="hidden" value="{radio.code}"' in page


def test_a_sign_up_through_the_link_records_the_campaign(client, db, branch, radio):
    form = client.get(f"/signup/guide?branch=tromso&campaign={radio.code}").get_data(as_text=True)
    assert radio.code in form
    response = client.post(f"/signup/guide?branch=tromso&campaign={radio.code}",
                           data=guide_form(campaign=radio.code))
    assert response.status_code == 302 and response.location.startswith("/signup/thanks")
    guide = db.session.scalar(select(Guide).where(Guide.email == "kari@example.org"))
    assert guide.campaign_id == radio.id


@pytest.mark.parametrize("code", ["unknown1", "", "x" * 300, "<script>", "bodo"])
def test_an_unknown_or_foreign_code_is_ignored_and_the_sign_up_kept(client, db, branch, radio, code):
    foreign = campaign(factories.make_branch(slug="bodo", name="Bodø"), "Bodø radio")
    code = foreign.code if code == "bodo" else code
    assert client.get(f"/signup/guide?branch=tromso&campaign={code}").status_code == 200
    response = client.post("/signup/guide?branch=tromso", data=guide_form(campaign=code))
    assert response.status_code == 302 and response.location.startswith("/signup/thanks")
    guide = db.session.scalar(select(Guide).where(Guide.email == "kari@example.org"))
    assert guide is not None and guide.campaign_id is None


def test_an_unknown_short_link_still_leads_to_the_sign_up(client, branch):
    for code in ("abcdefgh", "no-such-code", "x" * 200):
        response = client.get(f"/c/{code}")
        assert response.status_code == 302 and response.location == "/signup/guide"
