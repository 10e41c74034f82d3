"""A coordinator creates and changes campaigns, and sees each one's guides by gender."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from guidematch.models import AuditEvent, Branch, Campaign
from guidematch.vocabulary import CampaignChannel, Gender
from tests import factories
from tests.campaigns.conftest import campaign, row_cells


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_campaign_is_saved_with_a_code_and_audited(client, db, english, branch):
    response = client.post("/campaigns/new", data={
        "name": "  Radio   Tromsø ", "channel": "radio", "seeks_gender": "male",
        "seeks_language": "ar", "seeks_district": ""})
    made = db.session.scalar(select(Campaign))
    assert response.status_code == 302 and response.location == f"/campaigns/{made.id}"
    assert (made.name, made.channel, made.seeks_gender, made.seeks_language, made.seeks_district) == (
        "Radio Tromsø", CampaignChannel.RADIO, Gender.MALE, "ar", None)
    assert len(made.code) == 8 and made.branch_id == branch.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign_created"))
    assert event.object_id == made.id and event.user_id == english.id
    page = client.get(response.location).get_data(as_text=True)
    assert "The campaign is created" in page and f"http://localhost/c/{made.code}" in page


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "channel": "radio"}, "name", "Give the campaign a name."),
    ({"name": "Radio", "channel": ""}, "channel", "Choose a channel."),
    ({"name": "Radio", "channel": "television"}, "channel", "Not a valid choice"),
    ({"name": "Radio", "channel": "radio", "seeks_language": "xx"}, "seeks_language", "Not a valid choice"),
    ({"name": "Radio", "channel": "radio", "seeks_district": "Atlantis"}, "seeks_district",
     "Not a valid choice"),
    ({"name": "Taken", "channel": "radio"}, "name", "The branch has a campaign with this name already."),
])
def test_bad_input_is_shown_next_to_the_field_kept_and_nothing_is_written(
        client, db, english, branch, data, field, message):
    branch.districts = ["Sentrum", "Kroken"]
    campaign(branch, "Taken")
    before = _count(db, Campaign), _count(db, AuditEvent)
    response = client.post("/campaigns/new", data={"seeks_gender": "male", **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert 'selected value="male"' in page
    if data["name"]:
        assert f'value="{data["name"]}"' in page
    assert (_count(db, Campaign), _count(db, AuditEvent)) == before


def test_a_change_keeps_the_link_and_bad_input_changes_nothing(client, db, english, branch):
    made = campaign(branch, "Posters", CampaignChannel.POSTER)
    code = made.code
    page = client.get(f"/campaigns/{made.id}/edit").get_data(as_text=True)
    assert 'value="Posters"' in page and 'selected value="poster"' in page
    response = client.post(f"/campaigns/{made.id}/edit", data={"name": "", "channel": "event"})
    assert response.status_code == 422 and 'selected value="event"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, made.id).channel == CampaignChannel.POSTER

    response = client.post(f"/campaigns/{made.id}/edit", data={"name": "Posters at the pool",
                                                               "channel": "event", "seeks_gender": "male"})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Campaign, made.id)
    assert (changed.name, changed.channel, changed.seeks_gender, changed.code) == (
        "Posters at the pool", CampaignChannel.EVENT, Gender.MALE, code)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign_changed"))
    assert event.details["changes"] == ["name", "channel", "seeks_gender"]


def test_the_list_counts_each_campaigns_guides_by_gender(client, english, known):
    page = client.get("/campaigns").get_data(as_text=True)
    # Columns: channel, then signed up, confirmed, approved, paired, each men / women / other.
    assert row_cells(page, "Radio Tromsø, autumn") == [
        "Radio", "3", "1", "0", "2", "1", "0", "1", "0", "0", "1", "0", "0"]
    assert row_cells(page, "Posters at the library") == [
        "Poster", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert row_cells(page, "No campaign") == [
        "–", "0", "1", "0", "0", "1", "0", "0", "1", "0", "0", "0", "0"]
    detail = client.get(f"/campaigns/{known['radio'].id}").get_data(as_text=True)
    assert row_cells(detail, "Radio Tromsø, autumn")[1:] == [
        "3", "1", "0", "2", "1", "0", "1", "0", "0", "1", "0", "0"]
    assert "Posters at the library" not in detail


@pytest.fixture
def elsewhere(db):
    return campaign(factories.make_branch(slug="bodo", name="Bodø"), "Bodø's radio")


@pytest.mark.parametrize("path", ["/campaigns/{id}", "/campaigns/{id}/edit", "/campaigns/{id}/poster"])
def test_another_branchs_campaign_is_not_found(client, english, elsewhere, path):
    assert client.get(path.format(id=elsewhere.id)).status_code == 404


def test_another_branchs_campaign_cannot_be_changed_or_seen_in_the_list(client, db, english, elsewhere):
    response = client.post(f"/campaigns/{elsewhere.id}/edit", data={"name": "Mine", "channel": "radio"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Campaign, elsewhere.id).name == "Bodø's radio"
    assert "Bodø's radio" not in client.get("/campaigns").get_data(as_text=True)


def test_the_list_asks_as_many_queries_for_ten_campaigns_as_for_one(client, db, english, branch):
    from sqlalchemy import event

    def queries() -> int:
        seen = []
        db.session.remove()
        listener = lambda *_args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/campaigns").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    branch_id = branch.id
    first = campaign(branch, "One")
    factories.make_guide(branch, campaign_id=first.id)
    client.get("/campaigns")
    one = queries()
    branch = db.session.get(Branch, branch_id)  # the count's fresh session let it go
    for n in range(9):
        more = campaign(branch, f"More {n}")
        factories.make_guide(branch, gender="male", campaign_id=more.id)
    assert queries() == one
