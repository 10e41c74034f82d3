"""The programme's calendar: ISO weeks, months, due dates and the weekly rule."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidematch import programme as p
from guidematch.programme import Span, WeekStatus

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


# ---------------------------------------------------------------- ISO weeks

@pytest.mark.parametrize(("day", "key"), [
    (date(2026, 11, 16), "2026-W47"),
    (date(2026, 12, 28), "2026-W53"),   # 2026 has 53 ISO weeks
    (date(2026, 12, 31), "2026-W53"),
    (date(2027, 1, 3), "2026-W53"),     # a Sunday in January still belongs to 2026's last week
    (date(2027, 1, 4), "2027-W01"),
    (date(2025, 12, 29), "2026-W01"),   # a Monday in December already belongs to 2026
    (date(2020, 12, 31), "2020-W53"),
])
def test_week_key_follows_iso_weeks_across_year_boundaries(day, key):
    assert p.week_key(day) == key


@given(days)
def test_every_day_lies_in_the_week_its_key_names(day):
    monday, sunday = p.week_days(p.week_key(day))
    assert monday.weekday() == 0 and monday <= day <= sunday == monday + timedelta(days=6)


@given(days)
def test_consecutive_weeks_have_consecutive_keys(day):
    monday = p.monday_of(day)
    next_key = p.week_key(monday + timedelta(days=7))
    assert p.parse_week_key(next_key) == monday + timedelta(days=7)
    assert next_key > p.week_key(monday)  # keys sort in calendar order


@pytest.mark.parametrize("bad", ["2026-47", "2026-W54", "2027-W53", "W47", "", "2026-W4", "abcd-Wxy"])
def test_parse_week_key_refuses_what_is_not_a_week(bad):
    with pytest.raises(ValueError):
        p.parse_week_key(bad)


# ---------------------------------------------------------------- months and due dates

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 5, 31), 9, date(2027, 2, 28)),
    (date(2026, 3, 15), 12, date(2027, 3, 15)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 3, 15), -3, date(2025, 12, 15)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert p.add_months(day, months) == expected


@given(days, st.integers(min_value=0, max_value=24))
def test_add_months_moves_whole_months_and_never_past_the_month(day, months):
    moved = p.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


def test_a_pairing_may_end_after_nine_months_and_is_planned_for_twelve():
    assert p.end_dates(date(2026, 11, 30), 9, 12) == (date(2027, 8, 30), date(2027, 11, 30))
    assert p.evaluation_due(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(("today", "week"), [
    (date(2026, 11, 20), "2026-W47"),  # Friday: this week, nearly over
    (date(2026, 11, 22), "2026-W47"),  # Sunday
    (date(2026, 11, 23), "2026-W47"),  # Monday: still last week's (a missed run catches up)
    (date(2026, 11, 26), "2026-W47"),  # Thursday
    (date(2027, 1, 1), "2026-W53"),    # Friday 1 January is in 2026's week 53
    (date(2027, 1, 5), "2026-W53"),
    (date(2027, 1, 8), "2027-W01"),
])
def test_the_weekly_email_asks_about_the_week_that_is_nearly_or_just_over(today, week):
    assert p.reminder_week(today) == week


# ---------------------------------------------------------------- the weekly rule

def statuses(weeks):
    return [(w.key, w.minutes, w.status) for w in weeks]


def test_weeks_of_a_pairing_across_the_new_year():
    start = date(2026, 12, 21)  # Monday of 2026-W52
    logs = [(date(2026, 12, 22), 60), (date(2026, 12, 24), 60),  # W52: 120 met
            (date(2027, 1, 2), 90),                               # W53 (Saturday 2 Jan): under
            (date(2027, 1, 5), 200)]                              # 2027-W01: met
    weeks = p.pairing_weeks(start, date(2027, 1, 13), date(2027, 1, 13), logs)
    assert statuses(weeks) == [
        ("2026-W52", 120, WeekStatus.MET),
        ("2026-W53", 90, WeekStatus.UNDER),
        ("2027-W01", 200, WeekStatus.MET),
        ("2027-W02", 0, WeekStatus.CURRENT),
    ]


def test_119_minutes_is_under_and_120_meets_the_rule():
    start = date(2026, 11, 2)
    weeks = p.pairing_weeks(start, date(2026, 11, 20), date(2026, 11, 20),
                            [(date(2026, 11, 3), 119), (date(2026, 11, 10), 120)])
    assert [w.status for w in weeks] == [WeekStatus.UNDER, WeekStatus.MET, WeekStatus.CURRENT]


def test_a_branch_with_another_minimum_is_measured_by_its_own():
    weeks = p.pairing_weeks(date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 9),
                            [(date(2026, 11, 3), 90)], minimum=90)
    assert weeks[0].status == WeekStatus.MET


def test_first_week_started_midweek_is_partial_and_does_not_count():
    weeks = p.pairing_weeks(date(2026, 11, 4), date(2026, 11, 17), date(2026, 11, 17), [])
    assert [w.status for w in weeks] == [WeekStatus.PARTIAL, WeekStatus.UNDER, WeekStatus.CURRENT]


def test_last_week_of_an_ended_pairing_is_partial():
    weeks = p.pairing_weeks(date(2026, 11, 2), date(2026, 11, 11), date(2026, 12, 1), [], ended=True)
    assert [w.status for w in weeks] == [WeekStatus.UNDER, WeekStatus.PARTIAL]


def test_a_week_with_a_paused_day_is_paused_unless_met_anyway():
    pauses = [Span(date(2026, 11, 13), date(2026, 11, 17))]  # Friday W46 to Tuesday W47
    weeks = p.pairing_weeks(date(2026, 11, 2), date(2026, 11, 30), date(2026, 11, 30),
                            [(date(2026, 11, 17), 150)], pauses)
    assert statuses(weeks) == [
        ("2026-W45", 0, WeekStatus.UNDER),
        ("2026-W46", 0, WeekStatus.PAUSED),
        ("2026-W47", 150, WeekStatus.MET),
        ("2026-W48", 0, WeekStatus.UNDER),
        ("2026-W49", 0, WeekStatus.CURRENT),
    ]
    assert weeks[1].paused_days == 3


def test_logs_outside_the_pairing_do_not_count():
    weeks = p.pairing_weeks(date(2026, 11, 4), date(2026, 11, 10), date(2026, 11, 10),
                            [(date(2026, 11, 2), 500), (date(2026, 11, 11), 500)])
    assert [w.minutes for w in weeks] == [0, 0]


# ---------------------------------------------------------------- at risk

def at_risk(start, today, logs=(), pauses=(), last_log=None):
    weeks = p.pairing_weeks(start, today, today, logs, pauses)
    last = last_log or max((d for d, _ in logs), default=None)
    return p.risks(weeks, start, today, last, pauses)


def test_two_full_weeks_in_a_row_under_put_a_pairing_at_risk():
    start = date(2026, 11, 2)
    logs = [(date(2026, 11, 3), 60), (date(2026, 11, 10), 60), (date(2026, 11, 17), 30)]
    assert at_risk(start, date(2026, 11, 16), logs) == [p.Risk("weeks_under", 2)]
    # the current week in progress neither helps nor hurts until it is over
    assert at_risk(start, date(2026, 11, 18), logs) == [p.Risk("weeks_under", 2)]


def test_one_week_under_is_not_yet_at_risk():
    start = date(2026, 11, 2)
    logs = [(date(2026, 11, 3), 120), (date(2026, 11, 10), 60)]
    assert at_risk(start, date(2026, 11, 16), logs) == []


def test_a_good_current_week_takes_a_pairing_off_the_list():
    start = date(2026, 11, 2)
    logs = [(date(2026, 11, 3), 60), (date(2026, 11, 10), 60), (date(2026, 11, 17), 120)]
    assert at_risk(start, date(2026, 11, 18), logs) == []


def test_two_weeks_under_across_the_year_boundary():
    start = date(2026, 12, 14)
    logs = [(date(2026, 12, 15), 120), (date(2026, 12, 22), 120), (date(2026, 12, 29), 30),
            (date(2027, 1, 5), 30)]
    assert at_risk(start, date(2027, 1, 11), logs) == [p.Risk("weeks_under", 2)]


def test_a_pause_between_two_weeks_under_breaks_the_row():
    start = date(2026, 11, 2)
    logs = [(date(2026, 11, 3), 30), (date(2026, 11, 19), 30), (date(2026, 11, 30), 0)]
    pauses = [Span(date(2026, 11, 9), date(2026, 11, 15))]
    assert at_risk(start, date(2026, 11, 23), logs, pauses) == []


def test_fourteen_days_without_a_log_put_a_pairing_at_risk():
    start = date(2026, 11, 2)
    logs = [(date(2026, 11, 8), 180)]
    assert at_risk(start, date(2026, 11, 21), logs) == []
    # 14 days after the last log; the weeks are under too
    assert p.Risk("no_log", 14) in at_risk(start, date(2026, 11, 22), logs)


def test_a_new_pairing_without_any_log_is_at_risk_after_fourteen_days():
    start = date(2026, 11, 4)
    assert at_risk(start, date(2026, 11, 17)) == []
    assert at_risk(start, date(2026, 11, 18)) == [p.Risk("no_log", 14)]


def test_paused_days_do_not_count_as_days_without_a_log():
    start = date(2026, 11, 2)
    pauses = [Span(date(2026, 11, 9), date(2026, 11, 22))]
    logs = [(date(2026, 11, 8), 180)]
    assert p.days_without_log(start, date(2026, 11, 29), date(2026, 11, 8), pauses) == 7
    assert at_risk(start, date(2026, 11, 29), logs, pauses) == []


@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
       length=st.integers(min_value=0, max_value=120),
       minutes=st.lists(st.integers(min_value=0, max_value=400), min_size=0, max_size=20))
def test_weeks_cover_the_pairing_without_gaps_and_sum_its_logs(start, length, minutes):
    today = start + timedelta(days=length)
    logs = [(start + timedelta(days=(i * 5) % (length + 1)), m) for i, m in enumerate(minutes)]
    weeks = p.pairing_weeks(start, today, today, logs)
    assert weeks[0].monday <= start <= weeks[0].sunday
    assert weeks[-1].monday <= today <= weeks[-1].sunday
    for earlier, later in zip(weeks, weeks[1:]):
        assert later.monday - earlier.monday == timedelta(days=7)
        assert later.key > earlier.key
    assert len({w.key for w in weeks}) == len(weeks)
    assert sum(w.minutes for w in weeks) == sum(m for _, m in logs)
    for week in weeks:
        assert (week.status == WeekStatus.MET) == (week.minutes >= 120)
    assert weeks[-1].status in (WeekStatus.MET, WeekStatus.CURRENT)


@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
       length=st.integers(min_value=0, max_value=420), ended=st.booleans(),
       today_after=st.integers(min_value=0, max_value=30),
       window_from=st.integers(min_value=-60, max_value=480), window_days=st.integers(0, 200),
       logged=st.lists(st.tuples(st.integers(-10, 430), st.integers(0, 300)), max_size=40),
       paused=st.lists(st.tuples(st.integers(-10, 430), st.integers(0, 30)), max_size=3))
def test_a_window_keeps_the_weeks_of_the_whole_list_whose_monday_it_holds(
        start, length, ended, today_after, window_from, window_days, logged, paused):
    # A report asks for its period's weeks only: the same weeks, judged the same.
    last_day = start + timedelta(days=length)
    today = last_day + timedelta(days=today_after if ended else 0)
    logs = [(start + timedelta(days=d), m) for d, m in logged]
    pauses = [Span(start + timedelta(days=d), start + timedelta(days=d + n)) for d, n in paused]
    window = Span(start + timedelta(days=window_from),
                  start + timedelta(days=window_from + window_days))
    whole = p.pairing_weeks(start, last_day, today, logs, pauses, ended=ended)
    windowed = p.pairing_weeks(start, last_day, today, logs, pauses, ended=ended, window=window)
    assert windowed == [week for week in whole if week.monday in window]


@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
       pattern=st.lists(st.sampled_from([0, 60, 120]), min_size=3, max_size=12))
def test_at_risk_exactly_when_the_last_two_full_weeks_were_under(start, pattern):
    start = p.monday_of(start)
    logs = [(start + timedelta(days=7 * i + 2), m) for i, m in enumerate(pattern)]
    today = start + timedelta(days=7 * len(pattern))  # the Monday after the last full week
    weeks = p.pairing_weeks(start, today, today, logs)
    expected = pattern[-1] < 120 and pattern[-2] < 120
    assert (p.trailing_weeks_under(weeks) >= 2) == expected


@given(start=days, length=st.integers(0, 60), gap_start=st.integers(0, 60), gap_len=st.integers(0, 30))
def test_days_without_log_never_count_paused_days(start, length, gap_start, gap_len):
    today = start + timedelta(days=length)
    pause = Span(start + timedelta(days=gap_start), start + timedelta(days=gap_start + gap_len))
    plain = p.days_without_log(start, today, None)
    paused = p.days_without_log(start, today, None, [pause])
    assert plain == length
    assert paused == length - len(p.paused_days([pause], start + timedelta(days=1), today))


# ---------------------------------------------------------------- group meetings

def test_first_thursday_of_each_month_at_six_in_oslo():
    starts = p.monthly_series(date(2026, 3, 10), 3, weekday=3, nth=1, at=time(18, 0),
                              tz_name="Europe/Oslo")
    # 5 March is in winter time (UTC+1); 2 April and 7 May in summer time (UTC+2)
    assert [s.isoformat() for s in starts] == [
        "2026-03-05T17:00:00+00:00", "2026-04-02T16:00:00+00:00", "2026-05-07T16:00:00+00:00"]


@pytest.mark.parametrize(("year", "month", "weekday", "nth", "expected"), [
    (2026, 11, 3, 1, date(2026, 11, 5)),
    (2026, 10, 3, 1, date(2026, 10, 1)),
    (2026, 10, 3, -1, date(2026, 10, 29)),
    (2026, 12, 0, 4, date(2026, 12, 28)),
])
def test_nth_weekday_of_a_month(year, month, weekday, nth, expected):
    assert p.nth_weekday(year, month, weekday, nth) == expected


def test_attendance_rate_leaves_out_meetings_not_yet_ticked():
    assert p.attendance_rate([True, False, None, True]) == (2, 3)
    assert p.attendance_rate([]) == (0, 0)
