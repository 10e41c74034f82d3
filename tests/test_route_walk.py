"""Every coordinator route needs a login, and no route reaches another branch's records.

The walk covers every rule registered in the app, so a route added later is held
to the same rules without anyone remembering to write a test for it.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from werkzeug.routing import Rule

from guidematch.extensions import db as _db
from guidematch.models import Campaign, GroupMeeting, MeetingLog, OutboxMessage, Pause
from guidematch.vocabulary import CampaignChannel, PairingStatus, PauseReason, Role
from tests import factories

ALWAYS_OPEN = {"static", "bootstrap.static"}
ID_PARAMETERS = {"guide_id", "refugee_id", "pairing_id", "meeting_id", "message_id", "log_id", "pause_id",
                 "campaign_id"}
# A person's signed link, and a recruitment campaign's public code (/c/<code>): public routes.
PERSON_LINK_PARAMETERS = {"token", "code"}


def _rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def _is_public(app, rule: Rule) -> bool:
    return rule.endpoint in ALWAYS_OPEN or getattr(app.view_functions[rule.endpoint], "is_public", False)


def _methods(rule: Rule) -> list[str]:
    return [m for m in ("GET", "POST") if m in rule.methods]


@pytest.fixture
def other_branch_records(db):
    """One record of every kind, all in a branch the logged-in coordinator does not belong to."""
    other = factories.make_branch(slug="other", name="Other branch")
    guide = factories.make_guide(other)
    refugee = factories.make_refugee(other)
    pairing = factories.make_pairing(guide, refugee, status=PairingStatus.ACTIVE,
                                     start_date=date(2026, 1, 5))
    meeting = GroupMeeting(branch_id=other.id, title="Monthly meeting",
                           starts_at=datetime(2026, 12, 3, 17, tzinfo=timezone.utc))
    message = OutboxMessage(branch_id=other.id, to_address="x@example.org", subject="s", body_text="b")
    log = MeetingLog(pairing_id=pairing.id, met_on=date(2026, 1, 6), minutes=90)
    pause = Pause(pairing_id=pairing.id, starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 8),
                  reason=PauseReason.HOLIDAY)
    campaign = Campaign(branch_id=other.id, name="Radio", channel=CampaignChannel.RADIO)
    _db.session.add_all([meeting, message, log, pause, campaign])
    _db.session.commit()
    return {"guide_id": guide.id, "refugee_id": refugee.id, "pairing_id": pairing.id,
            "meeting_id": meeting.id, "message_id": message.id, "log_id": log.id, "pause_id": pause.id,
            "campaign_id": campaign.id}


def test_every_url_parameter_follows_the_naming_convention(app):
    for rule in _rules(app):
        unknown = set(rule.arguments) - ID_PARAMETERS - PERSON_LINK_PARAMETERS - {"filename"}
        assert not unknown, f"{rule.rule}: name record ids as one of {sorted(ID_PARAMETERS)}"
        if rule.arguments & PERSON_LINK_PARAMETERS:
            assert _is_public(app, rule), f"{rule.rule}: a person's link route must be @public"


def test_every_coordinator_route_needs_a_login(app, client, other_branch_records):
    checked = 0
    for rule in _rules(app):
        if _is_public(app, rule):
            continue
        url = app.url_for(rule.endpoint, **{k: other_branch_records[k] for k in rule.arguments})
        for method in _methods(rule):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401), f"{method} {url} answered {response.status_code} without login"
            if response.status_code == 302:
                assert response.location.startswith("/login"), f"{method} {url} redirected to {response.location}"
            checked += 1
    assert checked >= 1


def test_no_route_reaches_another_branchs_record(app, client, logged_in, other_branch_records):
    checked = 0
    for rule in _rules(app):
        if _is_public(app, rule) or not (rule.arguments & ID_PARAMETERS):
            continue
        url = app.url_for(rule.endpoint, **{k: other_branch_records[k] for k in rule.arguments})
        for method in _methods(rule):
            response = client.open(url, method=method, data={})
            assert response.status_code == 404, f"{method} {url} answered {response.status_code} for another branch's record"
            checked += 1
    # Stays meaningful as areas land: at least the guide and refugee pages are walked.
    if any(rule.arguments & ID_PARAMETERS for rule in _rules(app)):
        assert checked >= 1


def test_coordinator_pages_without_ids_answer_without_error(app, client, logged_in):
    for rule in _rules(app):
        if _is_public(app, rule) or rule.arguments or "GET" not in rule.methods:
            continue
        response = client.get(app.url_for(rule.endpoint))
        admin_only = getattr(app.view_functions[rule.endpoint], "admin_only", False)
        expected = (404,) if admin_only else (200, 302)
        assert response.status_code in expected, f"GET {rule.rule} answered {response.status_code}"


def test_admin_pages_open_for_admins(app, client, auth, branch):
    factories.make_user(email="admin@example.org", role=Role.ADMIN)
    auth.login("admin@example.org")
    for rule in _rules(app):
        if getattr(app.view_functions[rule.endpoint], "admin_only", False) and "GET" in rule.methods:
            assert client.get(app.url_for(rule.endpoint)).status_code == 200, rule.rule
