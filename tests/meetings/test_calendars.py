"""Group meetings as calendar programs read them: invitations, updates, cancellations, series, answers.

Every .ics we produce is read back from the email as sent (Python's email
package, policy=default) and parsed by both icalendar and ical.js.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from guidematch import links
from guidematch.models import Attendance, AuditEvent, GroupMeeting, OutboxMessage
from guidematch.services import group_meetings, meeting_invitations, reminders
from guidematch.vocabulary import GuideStatus, PairingStatus, RefugeeStatus
from tests import factories
from tests.calendar_checks import both_parsers, calendar_part, parsed_email

NOW = datetime(2026, 10, 2, 10, tzinfo=timezone.utc)
HOST = "guides.example.org"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_BASE_URL": f"https://{HOST}"}


@pytest.fixture(autouse=True)
def freeze(monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: NOW.date())
    monkeypatch.setattr("guidematch.services.clock.now", lambda: NOW)


@pytest.fixture
def pairings(db, branch):
    """Two active pairings: four people to invite; the second refugee reads English."""
    return [factories.make_active_pairing(branch, start=date(2026, 9, 7), guide=factories.make_guide(
                branch, first_name="Kari", status=GuideStatus.PAIRED), refugee=factories.make_refugee(
                branch, first_name="Amal", status=RefugeeStatus.PAIRED)),
            factories.make_active_pairing(branch, start=date(2026, 9, 14), guide=factories.make_guide(
                branch, first_name="Ola", status=GuideStatus.PAIRED), refugee=factories.make_refugee(
                branch, first_name="Olena", status=RefugeeStatus.PAIRED, locale="en"))]


@pytest.fixture
def invited(db, branch, pairings):
    """A meeting on Thursday 5 November 2026 at 18:00 (Oslo) whose invitations are out."""
    meeting = group_meetings.schedule_one(branch, "Fellesmøte", date(2026, 11, 5), time(18, 0), 120,
                                          "Frivilligsentralen, 2. etasje")
    assert group_meetings.send_invitations(meeting) == 4
    db.session.commit()
    return meeting


def rows(db, template):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)
                              .order_by(OutboxMessage.id)).all()


def change_form(**fields):
    values = {"title": "Fellesmøte", "day": "2026-11-05", "at": "18:00", "duration": "120",
              "location": "Frivilligsentralen, 2. etasje", "description": ""}
    return {**values, **fields}


def expected_uid(meeting):
    return f"group-meeting.{meeting.id}.{meeting.created_at:%Y%m%d%H%M%S}@{HOST}"


def test_an_invitation_is_a_utf8_calendar_part_that_both_parsers_read(db, invited):
    sent = rows(db, "group_meeting_invitation")
    assert len(sent) == 4
    for row in sent:
        part = calendar_part(parsed_email(row))
        assert part.get_content_type() == "text/calendar"
        assert part.get_content_charset() == "utf-8" and part.get_param("method") == "REQUEST"
        assert "SUMMARY:Fellesmøte" in part.get_content()  # decoded right, not "Fellesm��te"
    for calendar, js in both_parsers(sent):
        [event] = calendar.walk("VEVENT")
        assert str(calendar["method"]) == js["method"] == "REQUEST"
        assert str(event["uid"]) == js["events"][0]["uid"] == expected_uid(invited)
        assert event["sequence"] == js["events"][0]["sequence"] == 0
        assert event.decoded("dtstart") == datetime(2026, 11, 5, 17, tzinfo=timezone.utc)
        assert js["events"][0]["start"] == "2026-11-05T17:00:00.000Z"
        assert js["events"][0]["summary"] == "Fellesmøte"
        assert js["events"][0]["location"] == "Frivilligsentralen, 2. etasje"


def test_uids_differ_between_deployments_and_stay_with_the_meeting(app, db, invited):
    first = meeting_invitations.uid(invited)
    app.config["PUBLIC_BASE_URL"] = "https://other.example.org"
    try:
        assert meeting_invitations.uid(invited) != first and "@other.example.org" in meeting_invitations.uid(invited)
    finally:
        app.config["PUBLIC_BASE_URL"] = f"https://{HOST}"
    invited.title = "Julemøte"
    assert meeting_invitations.uid(invited) == first


def test_a_change_sends_everyone_invited_an_update_in_their_language(db, client, logged_in, invited):
    response = client.post(f"/meetings/{invited.id}/change",
                           data=change_form(at="19:00", location="Rådhuset"))
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{invited.id}")
    db.session.expire_all()
    meeting = db.session.get(GroupMeeting, invited.id)
    assert meeting.sequence == 1 and meeting.location == "Rådhuset"
    updates = rows(db, "group_meeting_update")
    invitations = rows(db, "group_meeting_invitation")
    assert sorted(u.to_address for u in updates) == sorted(i.to_address for i in invitations)
    by_locale = {u.locale: u for u in updates}
    assert "Endret:" in by_locale["nb"].subject and by_locale["en"].subject.startswith("Changed:")
    assert "datoen og klokkeslettet, stedet" in by_locale["nb"].body_text
    assert "the date and time, the place" in by_locale["en"].body_text
    for calendar, js in both_parsers(updates):
        [event] = calendar.walk("VEVENT")
        assert str(calendar["method"]) == js["method"] == "REQUEST"
        assert str(event["uid"]) == js["events"][0]["uid"] == expected_uid(meeting)
        assert event["sequence"] == js["events"][0]["sequence"] == 1
        assert js["events"][0]["start"] == "2026-11-05T18:00:00.000Z" and js["events"][0]["location"] == "Rådhuset"
    # A second change goes up again; changing nothing sends nothing.
    client.post(f"/meetings/{invited.id}/change", data=change_form(at="19:00", location="Rådhuset", duration="90"))
    client.post(f"/meetings/{invited.id}/change", data=change_form(at="19:00", location="Rådhuset", duration="90"))
    db.session.expire_all()
    assert db.session.get(GroupMeeting, invited.id).sequence == 2
    assert len(rows(db, "group_meeting_update")) == 8
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "group_meeting.changed"))] == ["group_meeting.changed"] * 2


def test_a_change_before_the_invitations_sends_nothing(db, client, logged_in, branch, pairings):
    meeting = group_meetings.schedule_one(branch, "Fellesmøte", date(2026, 12, 3), time(18, 0))
    db.session.commit()
    assert client.post(f"/meetings/{meeting.id}/change", data=change_form(day="2026-12-10")).status_code == 302
    db.session.expire_all()
    meeting = db.session.get(GroupMeeting, meeting.id)
    assert meeting.sequence == 0 and meeting.starts_at == datetime(2026, 12, 10, 17, tzinfo=timezone.utc)
    assert rows(db, "group_meeting_update") == []


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"day": "2026-09-01"}, "day", "Choose a time in the future."),
    ({"duration": "5"}, "duration", "From 15 minutes to a day."),
    ({"title": ""}, "title", "Give the meeting a title."),
])
def test_a_bad_change_is_shown_next_to_its_field_and_keeps_what_was_typed(db, client, logged_in, invited,
                                                                          fields, field, message):
    client.post("/language", data={"locale": "en", "next": "/"})
    response = client.post(f"/meetings/{invited.id}/change", data=change_form(location="Biblioteket", **fields))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<div class="invalid-feedback d-block" id="{field}-error">([^<]*)</div>', html)
    assert error and message in error.group(1)
    assert 'value="Biblioteket"' in html
    db.session.expire_all()
    assert db.session.get(GroupMeeting, invited.id).sequence == 0
    assert rows(db, "group_meeting_update") == []


def test_cancelling_tells_everyone_invited_and_calendars_remove_it(db, client, logged_in, runner, invited):
    response = client.post(f"/meetings/{invited.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(GroupMeeting, invited.id)
    assert meeting.cancelled_at is not None and meeting.sequence == 1
    cancellations = rows(db, "group_meeting_cancelled")
    assert len(cancellations) == 4
    by_locale = {c.locale: c for c in cancellations}
    assert "avlyst" in by_locale["nb"].body_text and "We are sorry" in by_locale["en"].body_text
    for row in cancellations:
        assert calendar_part(parsed_email(row)).get_param("method") == "CANCEL"
    for calendar, js in both_parsers(cancellations):
        [event] = calendar.walk("VEVENT")
        assert str(calendar["method"]) == js["method"] == "CANCEL"
        assert str(event["status"]) == js["events"][0]["status"] == "CANCELLED"
        assert str(event["uid"]) == js["events"][0]["uid"] == expected_uid(meeting)
        assert js["events"][0]["sequence"] == 1
    # Nothing invites to it again, and it cannot be cancelled twice.
    reminders.send_due(date(2026, 10, 20))
    assert client.post(f"/meetings/{invited.id}/invite").status_code == 302
    assert client.post(f"/meetings/{invited.id}/cancel").status_code == 302
    assert len(rows(db, "group_meeting_invitation")) == 4 and len(rows(db, "group_meeting_cancelled")) == 4
    assert "avlyst" in client.get("/meetings").get_data(as_text=True)


def test_a_meeting_nobody_was_invited_to_is_removed_not_cancelled(db, client, logged_in, branch):
    meeting = group_meetings.schedule_one(branch, "Fellesmøte", date(2026, 12, 3), time(18, 0))
    db.session.commit()
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    assert db.session.get(GroupMeeting, meeting.id).cancelled_at is None
    assert client.post(f"/meetings/{meeting.id}/delete").status_code == 302
    assert db.session.get(GroupMeeting, meeting.id) is None


def test_a_series_is_separate_events_each_with_its_own_uid(db, client, logged_in, pairings):
    response = client.post("/meetings/series", data={
        "series-title": "Fellesmøte", "series-nth": "1", "series-weekday": "3", "series-at": "18:00",
        "series-first_month": "2026-11", "series-months": "3", "series-duration": "120",
        "series-location": "Frivilligsentralen"})
    assert response.status_code == 302
    meetings = db.session.scalars(select(GroupMeeting).order_by(GroupMeeting.starts_at)).all()
    assert len(meetings) == 3 and len({m.series_id for m in meetings}) == 1
    for meeting in meetings:
        group_meetings.send_invitations(meeting)
    db.session.commit()
    # One date changes on its own: only its invitees' calendars move that one event.
    client.post(f"/meetings/{meetings[1].id}/change", data=change_form(day="2026-12-10", location="Frivilligsentralen"))
    parsed = both_parsers(rows(db, "group_meeting_invitation") + rows(db, "group_meeting_update"))
    uids = {js["events"][0]["uid"] for _calendar, js in parsed}
    assert uids == {expected_uid(m) for m in meetings}
    assert all(js["events"][0]["rrule"] is None and "RRULE" not in calendar.walk("VEVENT")[0]
               for calendar, js in parsed)
    starts = sorted({js["events"][0]["start"] for _calendar, js in parsed})
    assert starts == ["2026-11-05T17:00:00.000Z", "2026-12-03T17:00:00.000Z", "2026-12-10T17:00:00.000Z",
                      "2027-01-07T17:00:00.000Z"]
    assert {js["events"][0]["sequence"] for _c, js in parsed if js["events"][0]["start"] == "2026-12-10T17:00:00.000Z"} == {1}


def _answer_path(row: OutboxMessage, answer: str) -> str:
    match = re.search(r"https?://[^/\s]+(/m/[^\s?]+\?answer=" + answer + r")", row.body_text)
    assert match, row.body_text
    return match.group(1)


def test_the_answer_links_record_who_will_come_and_the_page_counts_them(db, client, auth, coordinator, invited):
    sent = {row.to_address: row for row in rows(db, "group_meeting_invitation")}
    guide_row = next(r for r in sent.values() if r.to_name == "Kari")
    refugee_row = next(r for r in sent.values() if r.to_name == "Olena")
    yes = _answer_path(guide_row, "yes")
    # Opening the link records nothing (mail scanners open links too).
    page = client.get(yes)
    assert page.status_code == 200 and "Fellesmøte" in page.get_data(as_text=True)
    assert db.session.scalars(select(Attendance.coming).where(Attendance.coming.is_not(None))).all() == []
    token = yes.split("/m/")[1].split("?")[0]
    assert client.post(f"/m/{token}", data={"answer": "yes"}).status_code == 302
    no_token = _answer_path(refugee_row, "no").split("/m/")[1].split("?")[0]
    assert client.post(f"/m/{no_token}", data={"answer": "no"}).status_code == 302
    page = client.get(f"/m/{no_token}").get_data(as_text=True)
    assert "you cannot come" in page  # Olena reads English
    answers = {(a.guide_id, a.refugee_id): a.coming for a in db.session.scalars(select(Attendance))}
    assert sorted(answers.values(), key=str) == [False, None, None, True]
    # The coordinator sees the counts and each person's answer.
    assert auth.login().status_code == 302
    html = client.get(f"/meetings/{invited.id}").get_data(as_text=True)
    assert "1 kommer, 1 kan ikke komme, 2 har ikke svart." in html
    assert html.count("kommer</td>") == 1 and html.count("kan ikke komme</td>") == 1
    # The answer is the person's data: their data export carries it.
    kari = next(a.guide for a in db.session.scalars(select(Attendance)) if a.guide and a.guide.first_name == "Kari")
    data = client.get(f"/guides/{kari.id}/data.json").get_json()
    assert data["group_meetings"] == [{"starts_at": "2026-11-05T17:00:00+00:00", "invited_at": NOW.isoformat(),
                                       "coming": True, "attended": None}]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_foreign_answer_link_is_refused_without_an_error_page(db, client, app, invited, method,
                                                                              branch):
    row = rows(db, "group_meeting_invitation")[0]
    token = _answer_path(row, "yes").split("/m/")[1].split("?")[0]
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    outsider = factories.make_guide(branch, first_name="Nina")
    with app.test_request_context():
        not_invited = links.sign(meeting_invitations.ANSWER, m=invited.id, s="guide", who=outsider.id)
        wrong_purpose = links.sign("weekly-log", m=invited.id, s="guide", who=outsider.id)
    for bad in (tampered, not_invited, wrong_purpose, "nonsense"):
        response = getattr(client, method)(f"/m/{bad}", data={"answer": "yes"})
        assert response.status_code == 404, (bad, response.status_code)
    assert db.session.scalars(select(Attendance.coming).where(Attendance.coming.is_not(None))).all() == []


def test_answers_close_when_the_meeting_is_cancelled(db, client, invited):
    token = _answer_path(rows(db, "group_meeting_invitation")[0], "yes").split("/m/")[1].split("?")[0]
    group_meetings.cancel(invited)
    db.session.commit()
    response = client.post(f"/m/{token}", data={"answer": "yes"})
    assert response.status_code == 422 and "avlyst" in response.get_data(as_text=True)
    assert db.session.scalars(select(Attendance.coming).where(Attendance.coming.is_not(None))).all() == []


def test_the_attendance_list_holds_only_people_paired_on_the_meetings_day(db, client, logged_in, branch):
    def pairing(name, start, status=PairingStatus.ACTIVE, ended_on=None):
        guide = factories.make_guide(branch, first_name=f"G-{name}")
        refugee = factories.make_refugee(branch, first_name=f"R-{name}")
        if ended_on is None:
            return factories.make_active_pairing(branch, start=start, guide=guide, refugee=refugee)
        return factories.make_pairing(guide, refugee, status, start_date=start, ended_on=ended_on)

    pairing("then-and-now", date(2026, 8, 3))
    pairing("later", date(2026, 9, 21))
    pairing("ended-before", date(2026, 3, 2), PairingStatus.ENDED_EARLY, date(2026, 8, 31))
    pairing("ended-after", date(2026, 3, 2), PairingStatus.COMPLETED, date(2026, 9, 30))
    meeting = GroupMeeting(branch_id=branch.id, title="Fellesmøte",
                           starts_at=datetime(2026, 9, 10, 16, tzinfo=timezone.utc))
    db.session.add(meeting)
    db.session.commit()
    names = {row.first_name for row in group_meetings.attendance_list(meeting)}
    assert names == {"G-then-and-now", "R-then-and-now", "G-ended-after", "R-ended-after"}
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "G-then-and-now" in html and "G-ended-after" in html
    assert "G-later" not in html and "G-ended-before" not in html


def test_another_branchs_meeting_is_not_found_on_the_new_routes(db, client, logged_in):
    other = factories.make_branch(slug="bodo", name="Bodø")
    meeting = group_meetings.schedule_one(other, "Fellesmøte", date(2026, 12, 3), time(18, 0))
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}/change").status_code == 404
    assert client.post(f"/meetings/{meeting.id}/change", data=change_form(location="X")).status_code == 404
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(GroupMeeting, meeting.id).location == ""


def test_a_new_time_asks_again_while_a_new_place_keeps_the_answers(db, client, logged_in, invited):
    def answered():
        db.session.expire_all()
        return sorted(str(a.coming) for a in db.session.scalars(select(Attendance)))

    for attendance in invited.attendances:
        attendance.coming = True
    db.session.commit()
    client.post(f"/meetings/{invited.id}/change", data=change_form(location="Rådhuset"))
    assert answered() == ["True"] * 4
    assert "fortelle oss igjen" not in rows(db, "group_meeting_update")[0].body_text
    client.post(f"/meetings/{invited.id}/change", data=change_form(location="Rådhuset", at="19:30"))
    assert answered() == ["None"] * 4
    asked = [row for row in rows(db, "group_meeting_update") if row.locale == "nb"][-1]
    assert "fortelle oss igjen" in asked.body_text and "/m/" in asked.body_text
