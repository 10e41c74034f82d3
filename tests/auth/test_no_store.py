"""No page that may show someone's data is kept by a browser or proxy: a walk over the url map."""
from __future__ import annotations

from datetime import date, datetime, timezone

from guidematch.extensions import db as _db
from guidematch.models import Campaign, GroupMeeting, MeetingLog, OutboxMessage, Pause
from guidematch.services import person_links
from guidematch.vocabulary import CampaignChannel, PauseReason, Respondent
from tests import factories


def _own_records(branch) -> tuple[dict, object]:
    pairing = factories.make_active_pairing(branch, start=date(2026, 1, 5))
    guide, refugee = pairing.guide, pairing.refugee
    meeting = GroupMeeting(branch_id=branch.id, title="Monthly meeting",
                           starts_at=datetime(2026, 12, 3, 17, tzinfo=timezone.utc))
    message = OutboxMessage(branch_id=branch.id, to_address="x@example.org", subject="s",
                            body_text="b")
    log = MeetingLog(pairing_id=pairing.id, met_on=date(2026, 1, 6), minutes=90)
    pause = Pause(pairing_id=pairing.id, starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 8),
                  reason=PauseReason.HOLIDAY)
    campaign = Campaign(branch_id=branch.id, name="Radio", channel=CampaignChannel.RADIO)
    _db.session.add_all([meeting, message, log, pause, campaign])
    _db.session.commit()
    return ({"guide_id": guide.id, "refugee_id": refugee.id, "pairing_id": pairing.id,
             "meeting_id": meeting.id, "message_id": message.id, "log_id": log.id,
             "pause_id": pause.id, "token": "not-a-real-token", "filename": "css/app.css",
             "campaign_id": campaign.id, "code": campaign.code},
            pairing)


def test_every_page_but_static_files_says_no_store(app, client, logged_in, branch):
    values, _ = _own_records(branch)
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        files = {"filename": "css/bootstrap.min.css"} if rule.endpoint == "bootstrap.static" else {}
        url = app.url_for(rule.endpoint, **{k: {**values, **files}[k] for k in rule.arguments})
        response = client.get(url)
        cache = response.headers.get("Cache-Control", "")
        if rule.endpoint in ("static", "bootstrap.static"):
            assert response.status_code == 200 and "no-store" not in cache, url
        else:
            assert cache == "no-store", f"GET {url} ({response.status_code}) sent {cache!r}"
            walked += 1
    assert walked >= 30


def test_a_persons_link_page_says_no_store(app, client, branch):
    _, pairing = _own_records(branch)
    response = client.get(person_links.agreement_url(pairing, Respondent.GUIDE))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_form_and_a_logged_out_page_say_no_store(client, coordinator):
    response = client.post("/login", data={"email": coordinator.email, "password": "wrong"})
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
