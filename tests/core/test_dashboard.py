"""The dashboard answers "who needs me today?": the gap in words, waiting times, what is late."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from guidematch import charts, programme
from guidematch.models import GapSnapshot, GroupMeeting, OutboxMessage
from guidematch.services import reminders
from guidematch.vocabulary import GuideStatus, OutboxStatus, PairingStatus, RefugeeStatus
from tests import factories

TODAY = date(2026, 11, 20)
NOON = datetime(2026, 11, 20, 11, 0, tzinfo=timezone.utc)


@pytest.fixture
def english(db, branch):
    return factories.make_user(email="coordinator@example.org", branch=branch, locale="en")


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def _text(page: str) -> str:
    """The page's words with tags dropped and spaces collapsed, as a reader sees them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def men_waiting_for_men(branch, n: int, since: date = date(2026, 6, 1)):
    return [factories.make_refugee(branch, gender="male", gender_preference="same", first_name=f"Omar{i}",
                                   waiting_since=since) for i in range(n)]


def test_the_gap_is_said_in_words_and_numbers(client, auth, english, branch, at_noon):
    men_waiting_for_men(branch, 3)
    factories.make_refugee(branch, gender="male", gender_preference="any")  # any guide will do
    factories.make_guide(branch, gender="male", capacity=1)  # one free place with a man
    factories.make_guide(branch, gender="female", capacity=2)
    auth.login()
    page = _text(client.get("/").get_data(as_text=True))
    assert ("3 men wait for a male guide; 1 place with a male guide is free: "
            "recruit 2 male guides.") in page


def test_no_recruiting_is_asked_for_when_the_places_suffice(client, auth, english, branch, at_noon):
    men_waiting_for_men(branch, 1)
    factories.make_guide(branch, gender="male", capacity=2)
    auth.login()
    page = _text(client.get("/").get_data(as_text=True))
    assert "1 man waits for a male guide; 2 places with male guides are free: no male guides to recruit now." in page


def test_waiting_times_are_counted_in_bands_by_gender(client, auth, english, branch, at_noon):
    for since in (date(2026, 11, 1), date(2026, 8, 21), date(2026, 8, 20), date(2025, 11, 20)):
        factories.make_refugee(branch, gender="male", waiting_since=since)
    factories.make_refugee(branch, gender="female", waiting_since=date(2026, 5, 1))
    factories.make_refugee(branch, gender="male", status=RefugeeStatus.PAIRED)  # not waiting
    auth.login()
    page = client.get("/").get_data(as_text=True)
    table = _text(page.split("Waiting times as a table")[1].split("</table>")[0])
    # Men, women per band: 19 days; 2 months and 30 days; 3 months exactly; 6 months+; a year.
    assert "Under 1 month 1 0 " in table
    assert "1–3 months 1 0 " in table and "3–6 months 1 0 " in table
    assert "6–12 months 0 1 " in table and "12 months or more 1 0 " in table
    assert "5 refugees wait for a guide: Men: 4 · Women: 1." in _text(page)
    assert page.count("<svg class=\"chart") == 2


def test_the_trend_reads_what_the_daily_run_recorded(client, auth, english, branch, db):
    men_waiting_for_men(branch, 2)
    for day in (date(2026, 8, 3), date(2026, 8, 28)):  # August: the last record counts
        reminders.send_due(day)
    factories.make_refugee(branch, gender="male", gender_preference="male")
    reminders.send_due(date(2026, 8, 28))  # the same day again: overwritten, not doubled
    db.session.commit()
    assert db.session.query(GapSnapshot).count() == 2
    with time_machine.travel(NOON, tick=False):
        auth.login()
        page = _text(client.get("/").get_data(as_text=True))
    trend = page.split("The trend as a table")[1]
    assert "August 2026 3 0 3" in trend
    assert "July 2026 not recorded" in trend and "October 2026 not recorded" in trend
    assert "November 2026 3 0 3" in trend  # this month: today's gap, live
    assert "December 2025 not recorded" in trend  # twelve months back, this one included
    assert "November 2025" not in trend and "December 2026" not in trend


def test_what_is_late_is_listed_with_full_names(client, auth, english, branch, db, at_noon):
    late = factories.make_pairing(
        factories.make_guide(branch, first_name="Solveig", last_name="Brattvoll", status=GuideStatus.PAIRED),
        factories.make_refugee(branch, first_name="Zahra", last_name="Qasemi", status=RefugeeStatus.PAIRED),
        PairingStatus.AWAITING_AGREEMENT, confirmed_at=NOON - timedelta(days=8))
    factories.make_pairing(
        factories.make_guide(branch, first_name="Ola", last_name="Recent", status=GuideStatus.PAIRED),
        factories.make_refugee(branch, first_name="Ali", last_name="Recent", status=RefugeeStatus.PAIRED),
        PairingStatus.AWAITING_AGREEMENT, confirmed_at=NOON - timedelta(days=6))
    silent = factories.make_active_pairing(
        branch, start=date(2026, 9, 7),
        guide=factories.make_guide(branch, first_name="Knut", last_name="Hamsun", status=GuideStatus.PAIRED))
    db.session.add_all([
        GroupMeeting(branch_id=branch.id, title="Julemøte", starts_at=NOON + timedelta(days=20)),
        GroupMeeting(branch_id=branch.id, title="Desembermøte", starts_at=NOON + timedelta(days=10)),
        GroupMeeting(branch_id=branch.id, title="Avlyst", starts_at=NOON + timedelta(days=2),
                     cancelled_at=NOON),
        OutboxMessage(branch_id=branch.id, to_address="x@example.org", subject="s", body_text="b",
                      status=OutboxStatus.FAILED)])
    db.session.commit()
    auth.login()
    page = _text(client.get("/").get_data(as_text=True))
    agreements = page.split("Agreements unanswered after 7 days")[1].split("Evaluations")[0]
    assert "Solveig Brattvoll – Zahra Qasemi" in agreements and "Recent" not in agreements
    assert "sent Nov 12, 2026" in agreements
    at_risk = page.split("Pairings to call")[1].split("Agreements")[0]
    assert f"Knut Hamsun – {silent.refugee.full_name}" in at_risk and "days without a log" in at_risk
    meeting = page.split("Next group meeting")[1]
    assert "Desembermøte" in meeting and "Avlyst" not in meeting
    assert "Emails that failed 1" in page
    assert f'href="/pairings/{late.id}"' in client.get("/").get_data(as_text=True)


def test_another_branchs_people_are_not_counted(client, auth, english, branch, at_noon):
    other = factories.make_branch(slug="other")
    men_waiting_for_men(other, 4)
    factories.make_guide(other, gender="male")
    auth.login()
    page = _text(client.get("/").get_data(as_text=True))
    assert "0 men wait for a male guide; 0 places with male guides are free" in page


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 2000))
def test_a_wait_band_never_goes_down_as_time_passes(since, days):
    today = since + timedelta(days=days)
    band = programme.wait_band(since, today)
    assert 0 <= band <= 4
    assert programme.wait_band(since, today + timedelta(days=1)) >= band
    assert (band == 0) == (programme.add_months(since, 1) > today)


@given(st.integers(0, 500), st.integers(0, 500))
def test_the_guides_to_recruit_cover_the_gap_and_never_go_negative(needing, free):
    recruit = programme.guides_to_recruit(needing, free)
    assert recruit >= 0 and free + recruit >= needing
    assert recruit == 0 or free + recruit == needing


def test_bars_are_as_long_as_their_values_and_lines_break_where_nothing_was_recorded():
    chart = charts.grouped_bars(["a", "b"], [[4, 2], [0, 1]])
    first, second = chart.rows
    assert first.bars[0].width == 2 * second.bars[0].width == 4 * second.bars[1].width
    assert first.bars[1].width == 0
    line = charts.lines(["jan", "feb", "mar", "apr"], [[1, None, 3, 4]]).lines[0]
    assert [len(s) for s in line.segments] == [1, 2]
    assert [p.value for p in line.points] == [1, 3, 4]


def test_a_long_list_stops_at_five_and_links_to_the_rest(client, auth, english, branch, at_noon):
    for i in range(6):
        factories.make_pairing(
            factories.make_guide(branch, first_name=f"Guide{i}", status=GuideStatus.PAIRED),
            factories.make_refugee(branch, status=RefugeeStatus.PAIRED),
            PairingStatus.AWAITING_AGREEMENT, confirmed_at=NOON - timedelta(days=9))
    auth.login()
    page = client.get("/").get_data(as_text=True)
    agreements = page.split('id="agreements-heading"')[1].split('aria-labelledby="evaluations-heading"')[0]
    assert agreements.count('href="/pairings/') == 5
    assert '<a href="/pairings?tab=awaiting_agreement">and 1 more</a>' in agreements
