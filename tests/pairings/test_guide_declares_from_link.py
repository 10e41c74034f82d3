"""From the page of the weekly email, a guide declares a pause and updates their free times."""
from __future__ import annotations

import re
from datetime import date

import pytest

from guidematch.models import AuditEvent, Guide, OutboxMessage, Pause
from guidematch.services import meetings, reminders
from guidematch.programme import WeekStatus
from tests import factories

START = date(2026, 9, 7)  # a Monday
TODAY = date(2026, 10, 2)  # a Friday: the email for 2026-W40 is due


@pytest.fixture
def pairing(db, branch):
    guide = factories.make_guide(branch, first_name="Kari", last_name="Nordmann", locale="nb",
                                 availability=["mon_evening"])
    return factories.make_active_pairing(branch, start=START, guide=guide)


@pytest.fixture
def page(db, client, pairing, monkeypatch):
    """The one-click page the weekly email links to (its first answer's link)."""
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    reminders.weekly_log_request(pairing, "2026-W40", TODAY)
    db.session.commit()
    message = db.session.query(OutboxMessage).filter_by(template="weekly_log_request").one()
    return re.findall(r"http://localhost(/log/[^/\s]+)", message.body_text)[0]


def pause_data(starts_on: str, ends_on: str, reason="holiday", note="Påskeferie") -> dict:
    return {"pause-starts_on": starts_on, "pause-ends_on": ends_on, "pause-reason": reason,
            "pause-note": note}


def test_the_weekly_page_links_to_the_pause_and_the_free_times(client, page):
    html = client.get(page).get_data(as_text=True)
    assert f'href="{page}/pause"' in html and f'href="{page}/free-times"' in html


def test_a_guide_declares_a_pause_the_coordinator_sees_and_the_weekly_rule_skips(
        db, client, auth, coordinator, pairing, page):
    response = client.post(f"{page}/pause", data=pause_data("2026-10-12", "2026-10-25"))
    assert response.status_code == 302 and response.location.endswith(f"{page}/pause")
    [pause] = db.session.query(Pause).all()
    assert (pause.starts_on, pause.ends_on, pause.note, pause.declared_by_guide) == (
        date(2026, 10, 12), date(2026, 10, 25), "Påskeferie", True)
    event = db.session.query(AuditEvent).filter_by(action="pause.added").one()
    assert event.actor == "guide link" and event.user_id is None
    assert "Takk! Pausen er lagret" in client.get(f"{page}/pause").get_data(as_text=True)
    # The weekly rule skips the two weeks, as it does for the coordinator's pauses.
    weeks = {week.key: week.status for week in meetings.follow(pairing, date(2026, 10, 26)).weeks}
    assert weeks["2026-W42"] == weeks["2026-W43"] == WeekStatus.PAUSED
    assert weeks["2026-W41"] == WeekStatus.UNDER
    assert reminders.weekly_log_request(pairing, "2026-W43", date(2026, 10, 23)) == 0
    auth.login()
    detail = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "registrert av Kari Nordmann (guide)" in detail


@pytest.mark.parametrize("data, field, message", [
    (pause_data("2026-10-25", "2026-10-12"), "pause-ends_on", "samme dag"),
    (pause_data("2026-08-01", "2026-08-10"), "pause-starts_on", "innenfor"),
    (pause_data("", "2026-10-12"), "pause-starts_on", "første dag"),
])
def test_a_wrong_pause_is_refused_next_to_its_field_and_keeps_what_was_typed(
        db, client, page, data, field, message):
    response = client.post(f"{page}/pause", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'id="{field}-error"[^>]*>[^<]*{message}', html), html[-3000:]
    assert "Påskeferie</textarea>" in html  # what was typed is kept
    assert db.session.query(Pause).count() == 0


def test_an_overlapping_pause_is_refused(db, client, page):
    client.post(f"{page}/pause", data=pause_data("2026-10-12", "2026-10-25"))
    response = client.post(f"{page}/pause", data=pause_data("2026-10-20", "2026-10-30"))
    assert response.status_code == 200 and "overlapper" in response.get_data(as_text=True)
    assert db.session.query(Pause).count() == 1


def test_a_guide_updates_their_free_times_the_matching_reads(db, client, pairing, page):
    form = client.get(f"{page}/free-times").get_data(as_text=True)
    assert re.search(r'value="mon_evening"[^>]*checked|checked[^>]*value="mon_evening"', form)
    response = client.post(f"{page}/free-times",
                           data={"availability": ["tue_evening", "sat_day"]})
    assert response.status_code == 302
    guide = db.session.get(Guide, pairing.guide_id)
    assert sorted(guide.availability) == ["sat_day", "tue_evening"]
    event = db.session.query(AuditEvent).filter_by(action="guide_updated").one()
    assert event.actor == "guide link" and event.details["fields"] == ["availability"]


def test_a_slot_that_does_not_exist_is_refused_and_nothing_changes(db, client, pairing, page):
    response = client.post(f"{page}/free-times", data={"availability": ["tue_evening", "sun_3am"]})
    assert response.status_code == 200
    assert list(db.session.get(Guide, pairing.guide_id).availability) == ["mon_evening"]
    assert db.session.query(AuditEvent).filter_by(action="guide_updated").count() == 0


@pytest.mark.parametrize("suffix", ["/pause", "/free-times"])
def test_a_forged_link_finds_nothing(db, client, page, suffix):
    forged = page[:-3] + ("xyz" if not page.endswith("xyz") else "abc")
    assert client.get(forged + suffix).status_code == 404
    assert client.post(forged + suffix, data=pause_data("2026-10-12", "2026-10-25")).status_code == 404
    assert db.session.query(Pause).count() == 0
