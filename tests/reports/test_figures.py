"""Every report figure of a branch with known data, exactly; another branch never counts."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidematch.services import meetings, report_figures
from guidematch.vocabulary import EndReason, PairingStatus
from tests import factories
from tests.reports import known_branch
from tests.reports.known_branch import END, EXPECTED, START, TODAY

PART_4 = ("pairings_started", "pairings_completed", "pairings_ended_early", "pairings_active_at_end",
          "refugees_waiting_at_end", "refugees_waiting_male_at_end", "waiting_needing_male_guide",
          "free_places_male_guides", "guides_approved", "median_wait_days_male",
          "median_wait_days_female", "share_weeks_meeting_minimum",
          "group_meeting_attendance_rate", "evaluations_answered")


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def known(db, branch, today):
    return known_branch.build(branch)


def test_every_measure_of_the_known_branch_is_exact(branch, known):
    report = report_figures.figures(branch, START, END, TODAY)
    got = dict(report.rows())
    assert set(got) == set(EXPECTED)
    for name, value in EXPECTED.items():
        assert got[name] == pytest.approx(value), name
    assert set(PART_4) <= set(got)


def test_another_branchs_data_never_counts(branch, known):
    other = factories.make_branch(slug="other")
    known_branch.build(other)
    factories.make_active_pairing(other, start=date(2026, 10, 12))
    got = dict(report_figures.figures(branch, START, END, TODAY).rows())
    for name, value in EXPECTED.items():
        assert got[name] == pytest.approx(value), name


def test_outside_the_branch_one_or_two_people_show_as_less_than_three(branch, known):
    report = report_figures.figures(branch, START, END, TODAY)
    outside = dict(report.rows(outside=True))
    assert outside["pairings_started"] == "<3"
    assert outside["refugees_waiting_at_end"] == 6
    assert outside["pairings_ended_early_other"] == 0
    assert outside["free_places_male_guides"] == 3  # places, not people
    assert outside["median_wait_days_male"] == 107.0


def test_a_period_ending_in_the_future_counts_to_today(branch, known):
    report = report_figures.figures(branch, date(2026, 11, 1), date(2026, 12, 31), TODAY)
    assert report.at_end == TODAY
    assert report.value("pairings_active_at_end") == 2  # P1 and P4; P6 ended on 10 November


def test_a_period_counts_the_weeks_whose_monday_it_holds_with_all_their_days(db, branch):
    # Wednesday 7 to Saturday 31 October: the week of Monday 5 October is not the period's,
    # the week of Monday 26 October is, with its Sunday in November.
    pairing = factories.make_active_pairing(branch, start=date(2026, 10, 5))
    for day, minutes in ((date(2026, 10, 8), 200), (date(2026, 10, 27), 60), (date(2026, 11, 1), 60)):
        meetings.add_log(pairing, day, minutes, today=date(2026, 11, 30))
    db.session.commit()
    report = report_figures.figures(branch, date(2026, 10, 7), date(2026, 10, 31), date(2026, 11, 30))
    assert report.value("pairing_weeks_counted") == 3  # 12, 19 and 26 October
    assert report.value("share_weeks_meeting_minimum") == pytest.approx(1 / 3)
    assert report.value("median_minutes_per_week") == 0


def test_the_months_of_a_period_cover_it_exactly():
    assert report_figures.months(date(2026, 10, 15), date(2027, 1, 3)) == [
        (date(2026, 10, 15), date(2026, 10, 31)), (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 1, 3))]
    with pytest.raises(ValueError):
        report_figures.figures(None, date(2026, 2, 1), date(2026, 1, 1))


FLOWS = ("started", "completed", "ended_early")
DAY = st.integers(min_value=0, max_value=120).map(lambda n: date(2026, 1, 1) + timedelta(days=n))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spans=st.lists(st.tuples(DAY, st.integers(0, 90), st.sampled_from(["active", "completed", "early"])),
                      max_size=6),
       first=DAY, cut=st.integers(0, 60), length=st.integers(0, 60))
def test_counts_over_two_adjacent_periods_add_up_to_their_union(db, branch, spans, first, cut, length):
    made = []
    for start, days, kind in spans:
        fields = {}
        if kind != "active":
            fields = {"status": PairingStatus.COMPLETED if kind == "completed" else PairingStatus.ENDED_EARLY,
                      "ended_on": start + timedelta(days=days),
                      "end_reason": EndReason.COMPLETED if kind == "completed" else EndReason.MOVED}
        pairing = factories.make_active_pairing(branch, start=start)
        for key, value in fields.items():
            setattr(pairing, key, value)
        made.append(pairing)
    db.session.commit()
    middle, last = first + timedelta(days=cut), first + timedelta(days=cut + 1 + length)
    today = date(2026, 12, 31)
    a = report_figures.figures(branch, first, middle, today)
    b = report_figures.figures(branch, middle + timedelta(days=1), last, today)
    union = report_figures.figures(branch, first, last, today)
    for flow in FLOWS:
        name = f"pairings_{flow}"
        assert a.value(name) + b.value(name) == union.value(name), name
    for pairing in made:
        db.session.delete(pairing)
    db.session.commit()
