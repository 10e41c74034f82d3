"""The audit log page: each filter narrows exactly, pages, branch isolation, a person's History."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from guidematch.models import AuditEvent
from guidematch.vocabulary import PairingStatus, Role
from tests import factories
from tests.audit.conftest import event


def rows(page: str) -> list[str]:
    """Return the text of each row of the log's table (none when there is no table)."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)] if body else []


def get(client, query: str = "") -> str:
    response = client.get("/audit" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def world(db, branch, english):
    """Two coordinators' events about a guide, a refugee and their pairing, and the system's."""
    other = factories.make_user(email="per@example.org", branch=branch, name="Per Olsen")
    guide = factories.make_guide(branch, first_name="Kari", last_name="Nordmann")
    refugee = factories.make_refugee(branch, first_name="Amal", last_name="Haddad")
    stranger = factories.make_guide(branch, first_name="Ola", last_name="Hansen")
    pairing = factories.make_pairing(guide, refugee, PairingStatus.ACTIVE)
    event("guide_approved", guide, by=english, at=datetime(2026, 11, 2, 9, tzinfo=timezone.utc))
    event("refugee_updated", refugee, by=other, at=datetime(2026, 11, 10, 9, tzinfo=timezone.utc),
          fields=["district", "phone"])
    event("pairing.status", pairing, by=other, at=datetime(2026, 11, 15, 9, tzinfo=timezone.utc),
          before="awaiting_agreement", after="active")
    event("guide_updated", stranger, by=english, at=datetime(2026, 11, 20, 9, tzinfo=timezone.utc),
          fields=["phone"])
    # 23:30 UTC on 30 November is 00:30 on 1 December in Oslo, the programme's time zone.
    event("unconfirmed_purged", None, branch=branch, actor="cli", count=3,
          at=datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc))
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.action == "login"))
    db.session.commit()
    return {"me": english, "other": other, "guide": guide, "refugee": refugee,
            "stranger": stranger, "pairing": pairing}


def test_the_log_shows_every_event_newest_first_with_who_what_and_which(client, world):
    page = get(client)
    shown = rows(page)
    assert len(shown) == 5
    assert shown[0].startswith("12/1/26") and "System" in shown[0]
    assert "Unconfirmed sign-ups deleted" in shown[0] and "Number: 3" in shown[0]
    assert "Test Coordinator" in shown[1] and "Guide changed" in shown[1] and "Ola Hansen" in shown[1]
    assert "Per Olsen" in shown[2] and "Kari Nordmann – Amal Haddad" in shown[2]
    assert "Awaiting agreement → Active" in shown[2]
    assert "Refugee changed" in shown[3] and "Fields: district, phone" in shown[3]
    assert "Guide approved" in shown[4]
    assert f'href="/pairings/{world["pairing"].id}"' in page
    assert f'href="/guides/{world["guide"].id}"' in page
    assert f'href="/refugees/{world["refugee"].id}"' in page


def test_who_shows_only_that_coordinators_events(client, world):
    page = get(client)
    assert '<option value="' + str(world["other"].id) + '">Per Olsen</option>' in page
    shown = rows(get(client, f"?who={world['other'].id}"))
    assert len(shown) == 2 and all("Per Olsen" in row for row in shown)


def test_who_can_be_the_system_or_a_person_by_their_link(client, db, world, branch):
    # Who acted without an account is chosen by the name the log's rows show.
    event("meeting_log.weekly_answer", world["pairing"], branch=branch, actor="guide link",
          at=datetime(2026, 11, 25, 9, tzinfo=timezone.utc))
    event("person_purged", None, branch=branch, at=datetime(2026, 11, 26, 5, tzinfo=timezone.utc))
    page = get(client)
    assert '<option value="system">System</option>' in page
    assert '<option value="guide link">The guide, by their link</option>' in page
    assert '<option value="refugee link">' not in page  # no such event in this branch's log
    system = rows(get(client, "?who=system"))
    assert len(system) == 2 and all("System" in row for row in system)  # the CLI's purge too
    by_link = rows(get(client, "?who=guide+link"))
    assert len(by_link) == 1 and "The guide, by their link" in by_link[0]


def test_what_shows_only_that_kind_of_event(client, world):
    shown = rows(get(client, "?what=guide_updated"))
    assert len(shown) == 1 and "Ola Hansen" in shown[0]


def test_from_and_to_are_the_programmes_local_days(client, world):
    assert len(rows(get(client, "?first=2026-12-01"))) == 1  # the 23:30 UTC event is Oslo's 1 December
    assert len(rows(get(client, "?last=2026-11-30"))) == 4
    shown = rows(get(client, "?first=2026-11-10&last=2026-11-15"))
    assert len(shown) == 2 and "Refugee changed" in shown[1] and "Pairing status changed" in shown[0]


def test_a_persons_history_is_their_events_and_their_pairings(client, world):
    guide = get(client, f"?guide={world['guide'].id}")
    assert "History of Kari Nordmann" in guide
    shown = rows(guide)
    assert len(shown) == 2 and "Pairing status changed" in shown[0] and "Guide approved" in shown[1]
    shown = rows(get(client, f"?refugee={world['refugee'].id}&what=refugee_updated"))
    assert len(shown) == 1 and "Refugee changed" in shown[0]
    # the filter form keeps the person while other filters change
    assert f'name="refugee" type="hidden" value="{world["refugee"].id}"' in get(
        client, f"?refugee={world['refugee'].id}")


def test_the_history_link_on_a_persons_page_opens_their_log(client, world):
    for kind, path in (("guide", "guides"), ("refugee", "refugees")):
        person = world[kind]
        page = client.get(f"/{path}/{person.id}").get_data(as_text=True)
        link = f"/audit?{kind}={person.id}"
        assert f'href="{link}"' in page and "History" in page
        assert f"History of {person.full_name}" in get(client, link[len("/audit"):])


def test_a_meeting_log_about_the_pairing_is_in_both_peoples_history(client, db, world, branch):
    from guidematch.models import MeetingLog
    from datetime import date
    log = MeetingLog(pairing_id=world["pairing"].id, met_on=date(2026, 11, 3), minutes=90)
    db.session.add(log)
    db.session.commit()
    event("meeting_log.added", log, by=world["me"], branch=branch, pairing_id=world["pairing"].id)
    for kind in ("guide", "refugee"):
        shown = rows(get(client, f"?{kind}={world[kind].id}&what=meeting_log.added"))
        assert len(shown) == 1 and "Kari Nordmann – Amal Haddad" in shown[0]
    assert rows(get(client, f"?guide={world['stranger'].id}&what=meeting_log.added")) == []


def test_a_gone_or_anonymised_person_is_named_by_kind_and_id(client, db, world, branch):
    gone = factories.make_refugee(branch, first_name="Gone", last_name="Away")
    gone_id = gone.id
    event("person_erased", gone, branch=branch)
    db.session.delete(gone)
    world["stranger"].first_name, world["stranger"].anonymised_at = "Anonymous", datetime.now(timezone.utc)
    db.session.commit()
    page = get(client)
    assert f"Refugee {gone_id}" in page and "Gone Away" not in page
    shown = rows(get(client, "?what=guide_updated"))
    assert f"Guide {world['stranger'].id}" in shown[0] and "Anonymous" not in shown[0]


@pytest.mark.parametrize("query, field", [
    ("?first=2026-12-01&last=2026-11-01", "last"),
    ("?first=yesterday", "first"),
    ("?last=2026-13-45", "last"),
    ("?what=no_such_kind", "what"),
    ("?who=99999", "who"),
    ("?who=abc", "who"),
])
def test_bad_filters_show_an_error_next_to_the_field(client, world, query, field):
    page = get(client, query)
    assert f'id="{field}-error"' in page
    assert rows(page) == []


def test_the_log_comes_in_pages(client, db, world, branch):
    for n in range(60):
        event("outbox_retry", None, branch=branch, attempts=n,
              at=datetime(2026, 10, 1, 12, n, tzinfo=timezone.utc))
    first = get(client, "?what=outbox_retry")
    assert len(rows(first)) == 50 and "1–50 of 60 events" in first
    assert 'href="/audit?what=outbox_retry&amp;page=2"' in first
    assert len(rows(get(client, "?what=outbox_retry&page=2"))) == 10
    # a page past the end shows the last page, as every list here does
    assert len(rows(get(client, "?what=outbox_retry&page=99"))) == 10


def test_another_branchs_events_and_people_are_never_shown(client, db, world):
    elsewhere = factories.make_branch()
    their_coordinator = factories.make_user(email="else@example.org", branch=elsewhere, name="Else Berg")
    their_guide = factories.make_guide(elsewhere, first_name="Secret", last_name="Person")
    event("guide_approved", their_guide, by=their_coordinator)
    page = get(client)
    assert "Secret Person" not in page and "Else Berg" not in page and len(rows(page)) == 5
    assert client.get(f"/audit?guide={their_guide.id}").status_code == 404
    assert client.get("/audit?refugee=abc").status_code == 404
    page = get(client, f"?who={their_coordinator.id}")  # not a choice here: an error, no rows
    assert 'id="who-error"' in page and rows(page) == []


def test_an_admin_sees_the_branch_they_work_in(client, db, world, branch, auth):
    admin = factories.make_user(email="admin@example.org", role=Role.ADMIN, name="Ada Admin", locale="en")
    auth.logout()
    auth.login(email="admin@example.org")
    elsewhere = factories.make_branch(name="Vadsø")  # after Tromsø: not the first
    event("guide_approved", factories.make_guide(elsewhere, first_name="Alta", last_name="Guide"),
          by=admin)
    page = get(client)
    assert "Ola Hansen" in page and "Alta Guide" not in page
    assert client.post("/branch", data={"branch_id": elsewhere.id}).status_code == 302
    page = get(client)
    assert "Alta Guide" in page and "Ola Hansen" not in page


def test_events_written_through_the_services_appear(client, db, branch, english):
    guide = factories.make_guide(branch, first_name="Ola", last_name="Hansen", status="applied")
    guide.interview_on = guide.intro_course_on = guide.confidentiality_signed_on = None
    db.session.commit()
    client.post(f"/applicants/{guide.id}/approve", data={
        "interview_on": "2026-01-10", "intro_course_on": "2026-01-20",
        "confidentiality_signed_on": "2026-01-20", "police_certificate_on": ""})
    assert db.session.scalar(select(AuditEvent.user_id).where(AuditEvent.action == "guide_approved")) == english.id
    shown = rows(get(client, f"?guide={guide.id}"))
    assert len(shown) == 1 and "Guide approved" in shown[0] and "Test Coordinator" in shown[0]
    assert "Logged in" in get(client, "?what=login")


def test_the_page_needs_a_login(client):
    assert client.get("/audit").status_code == 302


def test_a_campaign_and_the_branch_are_named_by_their_names(client, english, branch, db):
    from guidematch.services import audit, campaigns
    from guidematch.vocabulary import CampaignChannel

    campaign = campaigns.create_campaign(branch, campaigns.CampaignValues("Radio Tromsø", CampaignChannel.RADIO))
    audit.record("branch_settings_changed", branch, fields=["weekly_minutes"])  # as branches.py does
    db.session.commit()
    shown = rows(get(client))
    assert any("Recruitment campaign created Radio Tromsø" in r for r in shown)
    assert any("Branch settings changed Tromsø" in r for r in shown)
    assert f'href="/campaigns/{campaign.id}"' in get(client)
