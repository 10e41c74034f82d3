"""The at-risk fast path (sums per ISO week in SQL) agrees with the weekly rule, case by case."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidematch import programme as p
from guidematch.models import MeetingLog, Pause
from guidematch.programme import Span
from guidematch.services import compliance, meetings
from guidematch.vocabulary import PauseReason
from tests import factories


def summary_of(start, today, logs, minimum):
    """Return (last met Monday, last log) as the SQL of `compliance.summaries` computes them."""
    sums: dict[date, int] = {}
    for day, minutes in logs:
        if start <= day <= today:
            sums[p.monday_of(day)] = sums.get(p.monday_of(day), 0) + minutes
    met = max((monday for monday, total in sums.items() if total >= minimum), default=None)
    last_log = max((day for day, _m in logs if day <= today), default=None)
    return met, last_log


def both_ways(start, today, logs=(), pauses=(), minimum=120):
    weeks = p.pairing_weeks(start, today, today, logs, pauses, minimum)
    met, last_log = summary_of(start, today, logs, minimum)
    by_rule = p.risks(weeks, start, today, last_log, pauses)
    fast = p.summary_risks(start, today, met, last_log, pauses, minimum)
    return by_rule, fast


# Every case the weekly rule's own tests (tests/pairings/test_programme.py) cover.
CASES = [
    (date(2026, 11, 2), date(2026, 11, 16),
     [(date(2026, 11, 3), 60), (date(2026, 11, 10), 60), (date(2026, 11, 17), 30)], []),
    (date(2026, 11, 2), date(2026, 11, 18),
     [(date(2026, 11, 3), 60), (date(2026, 11, 10), 60), (date(2026, 11, 17), 30)], []),
    (date(2026, 11, 2), date(2026, 11, 16), [(date(2026, 11, 3), 120), (date(2026, 11, 10), 60)], []),
    (date(2026, 11, 2), date(2026, 11, 18),
     [(date(2026, 11, 3), 60), (date(2026, 11, 10), 60), (date(2026, 11, 17), 120)], []),
    (date(2026, 12, 14), date(2027, 1, 11),
     [(date(2026, 12, 15), 120), (date(2026, 12, 22), 120), (date(2026, 12, 29), 30),
      (date(2027, 1, 5), 30)], []),
    (date(2026, 11, 2), date(2026, 11, 23),
     [(date(2026, 11, 3), 30), (date(2026, 11, 19), 30)], [Span(date(2026, 11, 9), date(2026, 11, 15))]),
    (date(2026, 11, 2), date(2026, 11, 21), [(date(2026, 11, 8), 180)], []),
    (date(2026, 11, 2), date(2026, 11, 22), [(date(2026, 11, 8), 180)], []),
    (date(2026, 11, 4), date(2026, 11, 17), [], []),
    (date(2026, 11, 4), date(2026, 11, 18), [], []),
    (date(2026, 11, 2), date(2026, 11, 29), [(date(2026, 11, 8), 180)],
     [Span(date(2026, 11, 9), date(2026, 11, 22))]),
    (date(2026, 9, 7), date(2026, 10, 2),
     [(date(2026, 9, 8), 120), (date(2026, 9, 15), 60), (date(2026, 9, 22), 30)], []),
    (date(2026, 9, 7), date(2026, 9, 28), [(date(2026, 9, 8), 120)],
     [Span(date(2026, 9, 14), date(2026, 9, 27))]),
]


@pytest.mark.parametrize(("start", "today", "logs", "pauses"), CASES)
@pytest.mark.parametrize("minimum", [0, 90, 120])
def test_the_fast_path_agrees_with_the_rule_on_every_known_case(start, today, logs, pauses, minimum):
    by_rule, fast = both_ways(start, today, logs, pauses, minimum)
    assert fast == by_rule


def test_the_known_cases_still_say_what_the_rule_says():
    start, today, logs, _ = CASES[0]
    assert both_ways(start, today, logs)[1] == [p.Risk("weeks_under", 2)]
    start, today, logs, _ = CASES[7]
    assert p.Risk("no_log", 14) in both_ways(start, today, logs)[1]


offsets = st.integers(min_value=-14, max_value=260)


@settings(max_examples=400, deadline=None)
@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
       length=st.integers(min_value=-3, max_value=250),
       logs=st.lists(st.tuples(offsets, st.sampled_from([0, 30, 60, 90, 120, 200])), max_size=40),
       pauses=st.lists(st.tuples(offsets, st.integers(min_value=0, max_value=30)), max_size=3),
       minimum=st.sampled_from([0, 1, 60, 90, 120, 300]))
def test_the_fast_path_agrees_with_the_rule_for_any_logs_and_pauses(start, length, logs, pauses,
                                                                    minimum):
    today = start + timedelta(days=length)
    day_logs = [(start + timedelta(days=d), m) for d, m in logs]
    spans = [Span(start + timedelta(days=d), start + timedelta(days=d + n)) for d, n in pauses]
    by_rule, fast = both_ways(start, today, day_logs, spans, minimum)
    assert fast == by_rule


TODAY = date(2026, 11, 19)  # a Thursday


def test_the_sql_summaries_agree_with_walking_the_weeks(db, branch):
    """Forty pairings with random logs and pauses: the branch's at-risk list is the same both ways."""
    rng = random.Random(11)
    pairings = []
    for n in range(40):
        start = TODAY - timedelta(days=rng.randint(0, 150))
        pairing = factories.make_active_pairing(branch, start=start)
        for _ in range(rng.randint(0, 25)):
            day = start + timedelta(days=rng.randint(0, (TODAY - start).days))
            db.session.add(MeetingLog(pairing_id=pairing.id, met_on=day, minutes=rng.choice([0, 30, 60, 120]),
                                      logged_by="coordinator"))
        if n % 4 == 0 and (TODAY - start).days > 10:
            first = start + timedelta(days=rng.randint(0, (TODAY - start).days - 5))
            db.session.add(Pause(pairing_id=pairing.id, starts_on=first,
                                 ends_on=first + timedelta(days=rng.randint(0, 20)),
                                 reason=PauseReason.HOLIDAY))
        pairings.append(pairing)
    db.session.commit()
    walked = {f.pairing.id: (f.risks, f.last_log) for f in meetings.at_risk(pairings, TODAY)}
    fast = {r.pairing_id: (r.risks, r.last_log) for r in compliance.at_risk(branch, TODAY)}
    assert fast == walked
    assert 5 < len(fast) < 40, "the data should hold pairings at risk and pairings not at risk"
    assert [r.pairing_id for r in compliance.at_risk(branch, TODAY)] == [
        f.pairing.id for f in meetings.at_risk(pairings, TODAY)]


def test_a_log_on_the_sunday_and_the_monday_fall_in_different_iso_weeks(db, branch):
    start = date(2026, 11, 2)  # Monday of 2026-W45
    pairing = factories.make_active_pairing(branch, start=start)
    for day, minutes in [(date(2026, 11, 8), 60), (date(2026, 11, 9), 60),   # Sun W45, Mon W46
                         (date(2026, 11, 15), 60), (date(2026, 11, 16), 60)]:  # Sun W46, Mon W47
        db.session.add(MeetingLog(pairing_id=pairing.id, met_on=day, minutes=minutes))
    db.session.commit()
    [summary] = compliance.summaries(branch, date(2026, 11, 23))
    assert summary.last_met_monday == date(2026, 11, 9)
    assert compliance.at_risk(branch, date(2026, 11, 23)) == []
    # W47 (60 minutes) and W48 (none) under; 14 days since the Monday of W47
    assert [r.risks for r in compliance.at_risk(branch, date(2026, 11, 30))] == [
        [p.Risk("weeks_under", 2), p.Risk("no_log", 14)]]
