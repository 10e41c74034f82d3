"""Pairings, group-meeting attendance and evaluations as workbooks with typed cells, per branch."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from guidematch.extensions import db as _db
from guidematch.models import Attendance, Evaluation, GroupMeeting, MeetingLog
from guidematch.services import clock
from guidematch.services.sheet_tables import hours_a_week
from guidematch.vocabulary import MeetingFrequency, Respondent
from tests import factories


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    return [{name: cell for name, cell in zip(header, row)} for row in sheet.iter_rows(min_row=2)]


@pytest.fixture
def pairing(branch, db):
    guide = factories.make_guide(branch, first_name="Øystein", last_name="Ødegård")
    refugee = factories.make_refugee(branch, first_name="أمل", last_name="الحداد")
    pairing = factories.make_active_pairing(branch, start=date(2026, 9, 7), guide=guide,
                                            refugee=refugee)
    _db.session.add_all([MeetingLog(pairing_id=pairing.id, met_on=date(2026, 9, 8), minutes=120),
                         MeetingLog(pairing_id=pairing.id, met_on=date(2026, 9, 15), minutes=180)])
    _db.session.commit()
    return pairing


def test_the_pairings_workbook_has_names_status_dates_and_hours_a_week(client, english, pairing):
    other = factories.make_branch(slug="bodo")
    factories.make_active_pairing(other, guide=factories.make_guide(other, first_name="Hidden"))
    rows = _sheet(client.get("/pairings.xlsx"))
    assert len(rows) == 1  # only the coordinator's branch
    row = rows[0]
    assert (row["Guide"].value, row["Refugee"].value, row["Status"].value) == (
        "Øystein Ødegård", "أمل الحداد", "Active")
    assert row["Start"].is_date and row["Start"].value.date() == date(2026, 9, 7)
    assert row["Planned end"].value.date() == pairing.planned_end
    assert row["Minutes logged"].value == 300 and row["Last log"].value.date() == date(2026, 9, 15)
    assert row["Hours a week (mean since start)"].value == hours_a_week(300, date(2026, 9, 7),
                                                                       clock.today())

    text = client.get("/pairings.csv").get_data(as_text=True)
    assert text.startswith("\ufeffGuide,Refugee,Status,Start") and "2026-09-07" in text


def test_hours_a_week_count_whole_weeks_from_the_start():
    assert hours_a_week(240, date(2026, 9, 7), date(2026, 9, 20)) == 2.0
    assert hours_a_week(60, date(2026, 9, 7), date(2026, 9, 7)) == 1.0  # a week at least
    assert hours_a_week(60, None, date(2026, 9, 7)) is None


def test_the_attendance_workbook_lists_the_invited_and_who_came(client, english, branch, pairing):
    meeting = GroupMeeting(branch_id=branch.id, title="Fellesmøte", location="Tromsø bibliotek",
                           starts_at=datetime(2026, 12, 3, 17, tzinfo=timezone.utc))
    _db.session.add(meeting)
    _db.session.flush()
    _db.session.add_all([
        Attendance(meeting_id=meeting.id, guide_id=pairing.guide_id, attended=True, coming=True,
                   invited_at=datetime(2026, 11, 26, tzinfo=timezone.utc)),
        Attendance(meeting_id=meeting.id, refugee_id=pairing.refugee_id, attended=False,
                   invited_at=datetime(2026, 11, 26, tzinfo=timezone.utc))])
    _db.session.commit()
    for url in ("/meetings/attendance.xlsx", f"/meetings/{meeting.id}/attendance.xlsx"):
        rows = _sheet(client.get(url))
        assert [(r["Name"].value, r["Guide or refugee"].value, r["Will come"].value, r["Came"].value)
                for r in rows] == [("Øystein Ødegård", "Guide", "yes", "yes"), ("أمل الحداد", "Refugee", None, "no")]
        assert rows[0]["Starts"].value == datetime(2026, 12, 3, 18, 0)  # Oslo time, a date cell
        assert rows[0]["Meeting"].value == "Fellesmøte"


def test_the_evaluations_workbook_has_the_answers(client, english, pairing):
    _db.session.add(Evaluation(pairing_id=pairing.id, respondent=Respondent.REFUGEE,
                               sent_at=datetime(2026, 12, 7, 8, tzinfo=timezone.utc),
                               answered_at=datetime(2026, 12, 8, 8, tzinfo=timezone.utc),
                               satisfaction=4, meeting_frequency=MeetingFrequency.WEEKLY_OR_MORE,
                               works_well="=1+1 we cook", wants_to_continue=True))
    _db.session.commit()
    rows = _sheet(client.get("/evaluations.xlsx"))
    row = rows[0]
    assert (row["Answered by"].value, row["Satisfaction (1-5)"].value,
            row["Wants to continue"].value) == ("Refugee", 4, "yes")
    assert (row["What works well"].value, row["What works well"].data_type) == ("=1+1 we cook", "s")
    assert row["Answered"].is_date


def test_the_pages_link_their_downloads(client, english, branch, pairing):
    assert "/pairings.xlsx" in client.get("/pairings").get_data(as_text=True)
    assert "/evaluations.xlsx" in client.get("/pairings").get_data(as_text=True)
    assert "/meetings/attendance.xlsx" in client.get("/meetings").get_data(as_text=True)
    assert "/guides.xlsx" in client.get("/guides").get_data(as_text=True)
    assert "/refugees.xlsx" in client.get("/refugees").get_data(as_text=True)
