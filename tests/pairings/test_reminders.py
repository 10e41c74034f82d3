"""`flask reminders send`: what is due goes out once, however often it runs."""
from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar
import pytest

from guidematch.models import Evaluation, GroupMeeting, OutboxMessage, Pairing
from guidematch.services import group_meetings, reminders
from guidematch.vocabulary import PairingStatus, RefugeeStatus
from tests import factories


def outbox(db, template=None):
    query = db.session.query(OutboxMessage)
    if template:
        query = query.filter_by(template=template)
    return query.order_by(OutboxMessage.id).all()


def run(runner, day: str):
    result = runner.invoke(args=["reminders", "send", "--today", day])
    assert result.exit_code == 0, result.output
    return result.output


def test_running_twice_the_same_day_sends_nothing_twice(db, runner, branch):
    factories.make_user(email="coord2@example.org", branch=branch, locale="en")
    factories.make_user(email="coord1@example.org", branch=branch)
    # due today (2027-06-11, a Friday): a weekly log, an evaluation, a may-end notice, an invitation
    nine = factories.make_active_pairing(branch, start=date(2026, 9, 7))
    new = factories.make_active_pairing(branch, start=date(2027, 3, 1))
    db.session.add(GroupMeeting(branch_id=branch.id, title="Juni-møte", location="Frivilligsentralen",
                                starts_at=datetime(2027, 6, 17, 16, tzinfo=timezone.utc)))
    db.session.commit()

    first = run(runner, "2027-06-11")
    rows = len(outbox(db))
    assert "weekly log requests: 2" in first
    assert "may-end notices to coordinators: 2" in first
    assert "evaluation surveys: 4" in first  # both pairings are past three months
    assert "group meeting invitations: 4" in first
    # The pairing begun in March has no log: the digest tells both coordinators.
    assert "weekly digests to coordinators: 2" in first
    assert rows == 2 + 2 + 4 + 4 + 2

    second = run(runner, "2027-06-11")
    assert len(outbox(db)) == rows
    assert "weekly log requests: 0" in second and "group meeting invitations: 0" in second
    assert {m.to_address for m in outbox(db, "pairing_may_end")} == {"coord1@example.org", "coord2@example.org"}
    assert {m.locale for m in outbox(db, "pairing_may_end")} == {"nb", "en"}
    assert db.session.query(Evaluation).filter(Evaluation.sent_at.isnot(None)).count() == 4
    assert nine.status == new.status == PairingStatus.ACTIVE


def test_the_next_week_brings_the_next_weekly_email(db, runner, branch):
    factories.make_active_pairing(branch, start=date(2026, 9, 7))
    run(runner, "2026-10-02")
    run(runner, "2026-10-05")  # Monday: still last week's, already sent
    run(runner, "2026-10-09")
    keys = [m.dedupe_key for m in outbox(db, "weekly_log_request")]
    assert keys == ["weekly-log:1:2026-W40", "weekly-log:1:2026-W41"]


def test_weekly_emails_cross_the_new_year_by_iso_week(db, runner, branch):
    factories.make_active_pairing(branch, start=date(2026, 12, 14))
    for day in ("2026-12-25", "2027-01-01", "2027-01-04", "2027-01-08"):
        run(runner, day)
    keys = [m.dedupe_key.rsplit(":", 1)[1] for m in outbox(db, "weekly_log_request")]
    assert keys == ["2026-W52", "2026-W53", "2027-W01"]


def test_at_twelve_months_the_pairing_completes_once(db, runner, branch):
    pairing = factories.make_active_pairing(branch, start=date(2026, 1, 5))
    output = run(runner, "2027-01-05")
    assert "pairings completed at their planned end: 1" in output
    db.session.expire_all()
    pairing = db.session.get(Pairing, pairing.id)
    assert pairing.status == PairingStatus.COMPLETED and pairing.ended_on == date(2027, 1, 5)
    assert pairing.refugee.status == RefugeeStatus.DONE
    assert len(outbox(db, "pairing_completed")) == 2
    assert outbox(db, "weekly_log_request") == []  # a completed pairing is not asked about its week
    assert "pairings completed at their planned end: 0" in run(runner, "2027-01-05")
    assert len(outbox(db, "pairing_completed")) == 2


def test_the_evaluation_goes_out_three_months_after_the_start(db, runner, branch):
    factories.make_active_pairing(branch, start=date(2026, 9, 7))
    run(runner, "2026-12-06")
    assert outbox(db, "evaluation_request") == []
    run(runner, "2026-12-07")
    assert len(outbox(db, "evaluation_request")) == 2


def test_invitations_carry_a_calendar_file(db, runner, branch):
    pairing = factories.make_active_pairing(branch, start=date(2026, 9, 7), refugee=factories.make_refugee(
        branch, status=RefugeeStatus.PAIRED, locale="ar"))
    meeting = GroupMeeting(branch_id=branch.id, title="Desember-møte", location="Rådhuset",
                           starts_at=datetime(2026, 12, 3, 17, tzinfo=timezone.utc), duration_minutes=90)
    db.session.add(meeting)
    db.session.commit()
    run(runner, "2026-11-20")
    invitations = outbox(db, "group_meeting_invitation")
    assert {m.to_address for m in invitations} == {pairing.guide.email, pairing.refugee.email}
    to_refugee = next(m for m in invitations if m.to_address == pairing.refugee.email)
    assert to_refugee.locale == "ar"
    [attachment] = to_refugee.attachments
    assert attachment["filename"] == "moete.ics" and attachment["content_type"].startswith("text/calendar")
    import base64
    calendar = icalendar.Calendar.from_ical(base64.b64decode(attachment["data"]))
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 12, 3, 17, tzinfo=timezone.utc)
    assert event.decoded("dtend") == datetime(2026, 12, 3, 18, 30, tzinfo=timezone.utc)
    assert str(event["summary"]) == "Desember-møte" and str(event["location"]) == "Rådhuset"
    assert str(event["attendee"]) == f"mailto:{pairing.refugee.email}"
    db.session.expire_all()
    assert db.session.get(GroupMeeting, meeting.id).invitations_sent_at is not None


def test_meetings_far_ahead_are_not_invited_yet(db, runner, branch):
    factories.make_active_pairing(branch, start=date(2026, 9, 7))
    db.session.add(GroupMeeting(branch_id=branch.id, title="Senere",
                                starts_at=datetime(2027, 2, 4, 17, tzinfo=timezone.utc)))
    db.session.commit()
    run(runner, "2026-11-20")
    assert outbox(db, "group_meeting_invitation") == []


def test_someone_paired_after_the_invitations_gets_one_too(db, branch):
    factories.make_active_pairing(branch, start=date(2026, 9, 7))
    meeting = GroupMeeting(branch_id=branch.id, title="Møte", starts_at=datetime(2026, 12, 3, 17, tzinfo=timezone.utc))
    db.session.add(meeting)
    db.session.flush()
    assert group_meetings.send_invitations(meeting) == 2
    factories.make_active_pairing(branch, start=date(2026, 11, 16))
    assert group_meetings.send_invitations(meeting) == 2
    assert group_meetings.send_invitations(meeting) == 0


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday"])
def test_a_bad_date_is_refused(runner, day):
    result = runner.invoke(args=["reminders", "send", "--today", day])
    assert result.exit_code != 0 and "today" in result.output.lower()


def test_summary_counts_match_the_outbox(db, branch):
    factories.make_active_pairing(branch, start=date(2026, 9, 7))
    summary = reminders.send_due(date(2026, 10, 2))
    assert summary.as_dict() == {"completed": 0, "may_end_notices": 0, "evaluations": 0,
                                 "weekly_logs": 1, "invitations": 0, "digests": 0,
                                 "gaps_recorded": 1}
