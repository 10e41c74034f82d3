"""The coordinator's pairing and meeting pages, and the evaluation survey by link."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from guidematch.models import (
    Attendance, AuditEvent, Evaluation, GroupMeeting, MeetingLog, OutboxMessage, Pairing, Pause,
    Refugee,
)
from guidematch.services import evaluations, meetings, pairings
from guidematch.vocabulary import GuideStatus, PairingStatus, RefugeeStatus, Respondent
from tests import factories
from tests.html_ids import duplicate_ids, read_ids

TODAY = date(2026, 10, 2)


@pytest.fixture(autouse=True)
def freeze(monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    monkeypatch.setattr("guidematch.services.clock.now", lambda: datetime(2026, 10, 2, 10, tzinfo=timezone.utc))


@pytest.fixture
def active(db, branch):
    return factories.make_active_pairing(branch, start=date(2026, 9, 7), guide=factories.make_guide(
        branch, first_name="Kari", status=GuideStatus.PAIRED), refugee=factories.make_refugee(
        branch, first_name="Amal", status=RefugeeStatus.PAIRED, waiting_since=date(2025, 11, 3)))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_pairing_page_shows_the_weeks_against_the_minimum(db, client, logged_in, active):
    meetings.add_log(active, date(2026, 9, 8), 150, ["fishing"], today=TODAY)
    meetings.add_log(active, date(2026, 9, 15), 45, today=TODAY)
    db.session.commit()
    html = page(client, f"/pairings/{active.id}")
    assert "Kari" in html and "Amal" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<rect") >= 4  # one bar per week so far
    assert "stroke-dasharray" in svg  # the minimum's line
    assert "2026-W37" in html and "150" in html  # the table fallback


def test_the_pairing_page_of_another_branch_is_a_404(db, client, logged_in, active):
    other = factories.make_branch()
    foreign = factories.make_active_pairing(other)
    assert client.get(f"/pairings/{foreign.id}").status_code == 404
    response = client.post(f"/pairings/{foreign.id}/logs",
                           data={"log-met_on": "2026-09-10", "log-minutes": "60"})
    assert response.status_code == 404
    log = MeetingLog(pairing_id=foreign.id, met_on=date(2026, 9, 10), minutes=60)
    db.session.add(log)
    db.session.commit()
    assert client.get(f"/pairings/{active.id}/logs/{log.id}").status_code == 404  # a log of another pairing


def test_the_at_risk_tab_says_who_needs_a_call_and_why(db, client, logged_in, branch, active):
    fine = factories.make_active_pairing(branch, start=date(2026, 9, 7), guide=factories.make_guide(
        branch, first_name="Ola"))
    for week in range(4):
        meetings.add_log(fine, date(2026, 9, 8) + timedelta(days=7 * week), 130, today=TODAY)
    db.session.commit()
    html = page(client, "/pairings?tab=at_risk")
    assert "Kari" in html and "Ola" not in html
    assert "3" in html and ("without a log" in html or "uten logg" in html or "days" in html)


def test_a_coordinator_logs_a_meeting_and_bad_minutes_are_refused(db, client, logged_in, active):
    response = client.post(f"/pairings/{active.id}/logs", data={
        "log-met_on": "2026-09-20", "log-minutes": "2000", "log-activities": ["walk"]})
    assert response.status_code == 422
    assert "1440" in response.get_data(as_text=True)
    response = client.post(f"/pairings/{active.id}/logs",
                           data={"log-met_on": "2026-09-01", "log-minutes": "60"})
    assert response.status_code == 422 and "2026-09-07" in response.get_data(as_text=True)
    assert db.session.query(MeetingLog).count() == 0
    response = client.post(f"/pairings/{active.id}/logs", data={
        "log-met_on": "2026-09-20", "log-minutes": "90", "log-activities": ["walk", "cafe"]})
    assert response.status_code == 302
    log = db.session.query(MeetingLog).one()
    assert (log.minutes, log.activities, log.logged_by) == (90, ["walk", "cafe"], "coordinator")
    response = client.post(f"/pairings/{active.id}/logs/{log.id}",
                           data={"log-met_on": "2026-09-21", "log-minutes": "100"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingLog, log.id).minutes == 100


def test_a_pause_is_declared_and_removed(db, client, logged_in, active):
    response = client.post(f"/pairings/{active.id}/pauses", data={
        "pause-starts_on": "2026-10-05", "pause-ends_on": "2026-10-18", "pause-reason": "holiday"})
    assert response.status_code == 302
    pause = db.session.query(Pause).one()
    assert (pause.starts_on, pause.ends_on, pause.reason) == (date(2026, 10, 5), date(2026, 10, 18), "holiday")
    response = client.post(f"/pairings/{active.id}/pauses", data={
        "pause-starts_on": "2026-10-10", "pause-ends_on": "2026-10-08", "pause-reason": "illness"})
    assert response.status_code == 422  # ends before it starts
    assert client.post(f"/pairings/{active.id}/pauses/{pause.id}/delete").status_code == 302
    assert db.session.query(Pause).count() == 0


def test_confirm_from_the_page_and_a_full_guide_gets_a_clear_message(db, client, logged_in, branch):
    guide = factories.make_guide(branch, first_name="Per")
    first = factories.make_pairing(guide, factories.make_refugee(branch))
    second = factories.make_pairing(guide, factories.make_refugee(branch))
    assert client.post(f"/pairings/{first.id}/confirm").status_code == 302
    response = client.post(f"/pairings/{second.id}/confirm", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Per" in html and ("no free place" in html or "ingen ledig" in html)
    db.session.expire_all()
    assert db.session.get(Pairing, second.id).status == PairingStatus.PROPOSED


def test_paper_agreement_from_the_page_starts_the_pairing(db, client, logged_in, branch):
    pairing = factories.make_pairing(factories.make_guide(branch), factories.make_refugee(branch, email=None))
    pairings.confirm(pairing)
    db.session.commit()
    assert db.session.query(OutboxMessage).count() == 1  # the refugee has no email: only the guide's
    client.post(f"/pairings/{pairing.id}/paper-agreement")
    db.session.expire_all()
    pairing = db.session.get(Pairing, pairing.id)
    assert pairing.status == PairingStatus.ACTIVE and pairing.start_date == TODAY and pairing.paper_agreement


def test_ending_early_from_the_page(db, client, logged_in, active):
    response = client.post(f"/pairings/{active.id}/end", data={"end-reason": "", "end-note": ""})
    assert response.status_code == 422
    response = client.post(f"/pairings/{active.id}/end",
                           data={"end-reason": "no_contact", "end-note": "Svarer ikke"})
    assert response.status_code == 302
    db.session.expire_all()
    pairing = db.session.get(Pairing, active.id)
    assert pairing.status == PairingStatus.ENDED_EARLY and pairing.end_reason == "no_contact"
    assert pairing.refugee.status == RefugeeStatus.WAITING and pairing.refugee.waiting_since == date(2025, 11, 3)
    assert pairing.guide.status == GuideStatus.APPROVED  # the box was not ticked
    # the page of an ended pairing offers no end any more
    assert "/end" not in page(client, f"/pairings/{active.id}")


def test_group_meeting_series_then_attendance_rate_on_the_pairing(db, client, logged_in, branch, active):
    response = client.post("/meetings/series", data={
        "series-title": "Fellesmøte", "series-nth": "1", "series-weekday": "3", "series-at": "18:00",
        "series-first_month": "2026-11", "series-months": "3", "series-duration": "120",
        "series-location": "Frivilligsentralen"})
    assert response.status_code == 302
    starts = [m.starts_at for m in db.session.query(GroupMeeting).order_by(GroupMeeting.starts_at)]
    assert starts == [datetime(2026, 11, 5, 17, tzinfo=timezone.utc), datetime(2026, 12, 3, 17, tzinfo=timezone.utc),
                      datetime(2027, 1, 7, 17, tzinfo=timezone.utc)]
    first = db.session.query(GroupMeeting).order_by(GroupMeeting.starts_at).first()
    html = page(client, f"/meetings/{first.id}")
    assert "Kari" in html and "Amal" in html
    client.post(f"/meetings/{first.id}", data={"present": [f"guide:{active.guide_id}"]})
    marks = {(a.guide_id, a.refugee_id, a.attended) for a in db.session.query(Attendance)}
    assert marks == {(active.guide_id, None, True), (None, active.refugee_id, False)}
    html = page(client, f"/pairings/{active.id}")
    assert "1 of 1" in html or "1 av 1" in html
    assert "0 of 1" in html or "0 av 1" in html


def test_a_meeting_in_the_past_is_refused(db, client, logged_in):
    response = client.post("/meetings/one", data={"one-title": "Møte", "one-day": "2026-01-01", "one-at": "18:00",
                                                  "one-duration": "120"})
    assert response.status_code == 422
    assert db.session.query(GroupMeeting).count() == 0


def test_the_evaluation_survey_by_link_and_a_low_score_is_flagged(db, client, logged_in, active):
    evaluations.send_requests(active)
    db.session.commit()
    message = db.session.query(OutboxMessage).filter_by(to_address=active.refugee.email).one()
    url = re.search(r"http://localhost(/e/\S+)", message.body_text).group(1)
    assert db.session.query(Evaluation).filter(Evaluation.answered_at.isnot(None)).count() == 0
    response = client.post(url, data={"satisfaction": "9", "meeting_frequency": "monthly", "wants_to_continue": "no"})
    assert response.status_code == 200 and db.session.query(Evaluation).filter(
        Evaluation.answered_at.isnot(None)).count() == 0
    response = client.post(url, data={"satisfaction": "2", "meeting_frequency": "monthly", "wants_to_continue": "no",
                                      "works_well": "Turene", "could_improve": "Oftere"})
    assert response.status_code == 302
    answer = evaluations.evaluation_of(active, Respondent.REFUGEE)
    assert (answer.satisfaction, answer.wants_to_continue, answer.could_improve) == (2, False, "Oftere")
    assert evaluations.needs_attention(answer)
    event = db.session.query(AuditEvent).filter_by(action="evaluation.answered").one()
    assert event.actor == "refugee link" and "Oftere" not in str(event.details)
    html = page(client, f"/pairings/{active.id}")
    assert "Oftere" in html and "text-bg-danger" in html


def test_the_pairing_page_says_why_the_two_were_paired(db, client, logged_in, active):
    active.score = 72.4
    active.reasons = [{"key": "language", "params": {"languages": ["ar"]}}]
    db.session.commit()
    logged_in.locale = "en"
    db.session.commit()
    html = page(client, f"/pairings/{active.id}")
    assert "72 / 100" in html
    assert "common language: Arabic" in html


def test_the_pairing_pages_forms_keep_their_fields_apart(db, client, logged_in, active):
    """The log, pause and end forms each post their own fields, and every label names its own."""
    html = page(client, f"/pairings/{active.id}")
    found = read_ids(html)
    assert duplicate_ids(html) == []
    assert {"log-note", "pause-note", "end-note", "pause-reason", "end-reason"} <= set(found.fields)
    for target in found.label_targets:
        assert target in found.fields, f"a label names {target!r}, which is no field of the page"
    assert found.fields["pause-note"] == "pause-note" and found.fields["end-reason"] == "end-reason"


def test_a_long_attendance_list_comes_a_page_at_a_time_and_saves_only_that_page(db, client, logged_in,
                                                                                branch):
    from guidematch.meetings.views import ATTENDANCE_PAGE

    for n in range(ATTENDANCE_PAGE // 2 + 5):  # two people a pairing: more than one page of names
        factories.make_active_pairing(
            branch, guide=factories.make_guide(branch, first_name=f"Guide{n:03d}", status=GuideStatus.PAIRED),
            refugee=factories.make_refugee(branch, first_name=f"Ref{n:03d}", last_name="Nasser",
                                           status=RefugeeStatus.PAIRED))
    meeting = GroupMeeting(branch_id=branch.id, title="Fellesmøte",
                           starts_at=datetime(2026, 10, 1, 16, tzinfo=timezone.utc))
    db.session.add(meeting)
    db.session.commit()
    first, second = page(client, f"/meetings/{meeting.id}"), page(client, f"/meetings/{meeting.id}?page=2")
    assert "Guide000 Nordmann" in first and "Ref044 Nasser" in first  # guides first, full names
    assert "Ref045" not in first and "Ref054 Nasser" in second and "Guide000" not in second
    assert f"{2 * (ATTENDANCE_PAGE // 2 + 5)} to tick" in first or "å krysse av" in first
    # Saving page 2 marks page 2's people only; nobody on page 1 is marked absent.
    ref = db.session.scalar(select(Refugee.id).where(Refugee.first_name == "Ref054"))
    response = client.post(f"/meetings/{meeting.id}?page=2", data={"present": [f"refugee:{ref}"]})
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{meeting.id}?page=2")
    marks = db.session.scalars(select(Attendance.attended)).all()
    assert len(marks) == 10 and marks.count(True) == 1
    found = page(client, f"/meetings/{meeting.id}?q=ref054+nasser")
    assert "Ref054 Nasser" in found and "Ref053" not in found and "Guide000" not in found
