"""The programme's calendar: ISO weeks, months, due dates and the weekly minimum.

The one module that computes "weeks", "months" and "due". Pure functions on
plain `date`s (and the odd time zone name): no Flask, no database, so every rule
here is tested on its own.

The weekly rule, as DESIGN.md states it and as decided here where it is silent:

- A week is an ISO week (Monday to Sunday), keyed "2026-W47" from
  `date.isocalendar()`: so 2026-12-31 is in "2026-W53" and 2027-01-01 too.
- A week *meets* the rule when the minutes logged on its days reach the minimum
  (a branch setting, 120 by default), whatever else is true of it.
- A week with at least one day inside a declared pause is *paused*: it does not
  count against the minimum. (Holidays and illness rarely start on a Monday; a
  pair away for part of a week should not be flagged for it. A week that meets
  the minimum anyway is shown as met.)
- The week the pairing starts or ends in, when the pairing covers only part of
  it, is *partial*, and the week of today is *current* (not over yet): neither
  counts.
- Every other week is a *full* week; under the minimum it is *under*.
- A pairing is *at risk* when its last two full weeks, in a row on the calendar,
  were both under the minimum (a paused or partial week between them breaks the
  row: after a holiday the pair starts afresh), or when 14 days that were not
  paused have passed since the last log (or since the start, with no log yet).
  A logged answer of 0 minutes still counts as a log: someone answered.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

from guidematch.vocabulary import (
    AT_RISK_DAYS_WITHOUT_LOG, AT_RISK_WEEKS_UNDER, DEFAULT_WEEKLY_MINUTES, QUICK_LOG_MINUTES,
)

ONE_DAY = timedelta(days=1)

# ---------------------------------------------------------------- weeks and months


def week_key(day: date) -> str:
    """Return the ISO week of `day` as "YYYY-Www" (e.g. "2026-W53")."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def parse_week_key(key: str) -> date:
    """Return the Monday of an ISO week key; ValueError for anything else."""
    try:
        year_part, week_part = key.split("-W")
        if len(year_part) != 4 or len(week_part) != 2:
            raise ValueError
        monday = date.fromisocalendar(int(year_part), int(week_part), 1)
    except (ValueError, TypeError):
        raise ValueError(f"not an ISO week: {key!r}") from None
    return monday


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(key: str) -> tuple[date, date]:
    """Return (Monday, Sunday) of an ISO week key."""
    monday = parse_week_key(key)
    return monday, monday + timedelta(days=6)


def add_months(day: date, months: int) -> date:
    """Return `day` moved by whole months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def whole_months(start: date, end: date) -> int:
    """Return the whole months from `start` to `end`: 9 from a start to its nine-month end."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


# The dashboard's waiting-time bands, in whole months waited: < 1, 1-3, 3-6, 6-12, 12 and more.
WAIT_BAND_LIMITS = (1, 3, 6, 12)


def wait_band(since: date, today: date) -> int:
    """Return the band (0 to 4) of someone waiting since `since`: 0 is under a month."""
    months = whole_months(since, today)
    return sum(months >= limit for limit in WAIT_BAND_LIMITS)


def guides_to_recruit(needing: int, free_places: int) -> int:
    """Return how many guides to recruit: those who wait for one, less the places already free."""
    return max(0, needing - free_places)


def end_dates(start: date, min_months: int, max_months: int) -> tuple[date, date]:
    """Return (earliest normal end, planned end) of a pairing that starts on `start`."""
    return add_months(start, min_months), add_months(start, max_months)


def evaluation_due(start: date, after_months: int) -> date:
    """Return the day the evaluation survey goes out."""
    return add_months(start, after_months)


def reminder_week(today: date) -> str:
    """Return the week whose weekly log email is due on `today`.

    The email asks about a week once it is nearly over: from its Friday on, and
    until the next Friday a run that missed days still sends it.
    """
    friday_or_later = today.weekday() >= 4
    return week_key(today if friday_or_later else today - timedelta(days=7))


def quick_answers(minimum: int, *also: int | None) -> tuple[int, ...]:
    """Return the weekly email's one-click answers in minutes: 0, 1, 2, 3+ hours and the minimum.

    The branch's minimum is always one of them (90 minutes: "1,5 hours"), so one
    click can say "we met the minimum"; the last is read as "or more". `also`
    keeps an answer from an older email valid after the minimum changed.
    """
    return tuple(sorted(set(QUICK_LOG_MINUTES) | {m for m in (minimum, *also) if m}))


# ---------------------------------------------------------------- pauses


@dataclass(frozen=True)
class Span:
    """Inclusive days from `start` to `end`."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def paused_days(spans: Iterable[Span], first: date, last: date) -> set[date]:
    """Return the days from `first` to `last` (inclusive) that fall inside a pause."""
    days: set[date] = set()
    for span in spans:
        day = max(span.start, first)
        while day <= min(span.end, last):
            days.add(day)
            day += ONE_DAY
    return days


# ---------------------------------------------------------------- the weekly rule


class WeekStatus(StrEnum):
    MET = "met"
    UNDER = "under"
    PAUSED = "paused"
    PARTIAL = "partial"   # the pairing covers only part of this week
    CURRENT = "current"   # the week of today, not over yet


COUNTED = frozenset({WeekStatus.MET, WeekStatus.UNDER})


@dataclass(frozen=True)
class Week:
    monday: date
    minutes: int
    status: WeekStatus
    paused_days: int = 0

    @property
    def key(self) -> str:
        return week_key(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def pairing_weeks(start: date, last_day: date, today: date, logs: Iterable[tuple[date, int]],
                  pauses: Iterable[Span] = (), minimum: int = DEFAULT_WEEKLY_MINUTES,
                  ended: bool = False, window: Span | None = None) -> list[Week]:
    """Return every ISO week from `start` to `last_day` with its minutes and status.

    `last_day` is the pairing's last day so far (today while it runs, its end
    day once ended); `logs` are (day, minutes); logs outside the span are ignored.
    `window` keeps only the weeks whose Monday falls inside it (a report's
    period): each judged as in the whole list, without walking the others.
    """
    if last_day < start:
        return []
    spans = list(pauses)
    minutes_by_monday: dict[date, int] = {}
    for day, minutes in logs:
        if start <= day <= last_day:
            monday = monday_of(day)
            minutes_by_monday[monday] = minutes_by_monday.get(monday, 0) + minutes
    monday, last_monday = monday_of(start), last_day
    if window is not None:
        monday = max(monday, window.start + timedelta(days=-window.start.weekday() % 7))
        last_monday = min(last_monday, window.end)
    weeks = []
    while monday <= last_monday:
        sunday = monday + timedelta(days=6)
        minutes = minutes_by_monday.get(monday, 0)
        paused = len(paused_days(spans, monday, sunday)) if spans else 0
        if minutes >= minimum:
            status = WeekStatus.MET
        elif paused:
            status = WeekStatus.PAUSED
        elif not ended and sunday >= today:
            status = WeekStatus.CURRENT
        elif monday < start or (ended and sunday > last_day):
            status = WeekStatus.PARTIAL
        else:
            status = WeekStatus.UNDER
        weeks.append(Week(monday, minutes, status, paused))
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Risk:
    """Why a pairing needs a call: `weeks_under` full weeks in a row, or `days_silent`."""

    kind: str  # "weeks_under" | "no_log"
    count: int


def trailing_weeks_under(weeks: list[Week]) -> int:
    """Return how many full weeks in a row, ending with the last full week, were under."""
    run = 0
    for week in reversed(weeks):
        if week.status == WeekStatus.CURRENT and run == 0:
            continue  # the week in progress neither counts nor breaks the row
        if week.status != WeekStatus.UNDER:
            break
        run += 1
    return run


def days_without_log(start: date, today: date, last_log: date | None,
                     pauses: Iterable[Span] = ()) -> int:
    """Return the days after the last log (or the start) up to today that were not paused."""
    since = last_log if last_log is not None and last_log >= start else start
    if today <= since:
        return 0
    total = (today - since).days
    return total - len(paused_days(pauses, since + ONE_DAY, today))


def risks(weeks: list[Week], start: date, today: date, last_log: date | None,
          pauses: Iterable[Span] = ()) -> list[Risk]:
    """Return the reasons an active pairing is at risk (empty: it is not)."""
    return _risks(trailing_weeks_under(weeks), days_without_log(start, today, last_log, pauses))


def _risks(under: int, silent: int) -> list[Risk]:
    found = []
    if under >= AT_RISK_WEEKS_UNDER:
        found.append(Risk("weeks_under", under))
    if silent >= AT_RISK_DAYS_WITHOUT_LOG:
        found.append(Risk("no_log", silent))
    return found


# ---------------------------------------------------------------- the same rule from a summary
# Lists and the dashboard judge every active pairing of a branch on each request.
# They do not walk its weeks: the database sums the minutes per ISO week and
# returns, per pairing, the Monday of the last week that met the minimum and the
# day of the last log. The rule above then reduces to arithmetic on Mondays:
# the row of under weeks runs back from the last full week to the latest week
# that breaks it (met, paused, or the partial first week). Tests check that both
# paths agree for every pairing (tests/pairings/test_compliance.py).


def weeks_under_in_a_row(start: date, today: date, last_met_monday: date | None,
                         pauses: Iterable[Span] = (),
                         minimum: int = DEFAULT_WEEKLY_MINUTES) -> int:
    """Return `trailing_weeks_under` of a running pairing from its last met week and pauses."""
    if minimum <= 0 or today < start:
        return 0  # with no minimum every week is met, even one without a log
    current = monday_of(today)
    current_sunday = current + timedelta(days=6)
    # A first week the pairing covers only in part is partial: it breaks the row.
    breaker = monday_of(start) if start.weekday() else start - timedelta(days=7)
    if last_met_monday is not None:
        breaker = max(breaker, last_met_monday)
    for span in pauses:
        if span.start <= current_sunday:
            breaker = max(breaker, monday_of(min(span.end, current_sunday)))
    last_full = current - timedelta(days=7)
    return max(0, (last_full - breaker).days // 7)


def summary_risks(start: date, today: date, last_met_monday: date | None, last_log: date | None,
                  pauses: Iterable[Span] = (),
                  minimum: int = DEFAULT_WEEKLY_MINUTES) -> list[Risk]:
    """Return `risks` of a running pairing from its summary (last met week, last log, pauses)."""
    spans = list(pauses)
    return _risks(weeks_under_in_a_row(start, today, last_met_monday, spans, minimum),
                  days_without_log(start, today, last_log, spans))


# ---------------------------------------------------------------- meetings and clocks


def today_in(tz_name: str, now: datetime) -> date:
    """Return the calendar day the moment `now` falls on in the time zone `tz_name`."""
    return now.astimezone(ZoneInfo(tz_name)).date()


def utc_to_local(moment: datetime, tz_name: str) -> tuple[date, time]:
    """Return the wall-clock day and time (to the minute) of a UTC moment in `tz_name`."""
    local = moment.astimezone(ZoneInfo(tz_name))
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


def local_to_utc(day: date, at: time, tz_name: str) -> datetime:
    """Return the UTC moment of wall-clock `at` on `day` in `tz_name`."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name)).astimezone(timezone.utc)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """Return the `nth` (1-4, or -1 for the last) `weekday` (0 = Monday) of a month."""
    if nth == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= nth <= 4:
        raise ValueError("nth must be 1-4 or -1")
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def monthly_series(first_month: date, months: int, weekday: int, nth: int, at: time,
                   tz_name: str) -> list[datetime]:
    """Return UTC start times: the `nth` `weekday` of `months` months from `first_month`, at `at`."""
    starts = []
    for offset in range(months):
        month = add_months(first_month.replace(day=1), offset)
        starts.append(local_to_utc(nth_weekday(month.year, month.month, weekday, nth), at, tz_name))
    return starts


def attendance_rate(marks: Iterable[bool | None]) -> tuple[int, int]:
    """Return (attended, recorded) over attendance marks; unrecorded (None) marks are left out."""
    recorded = [m for m in marks if m is not None]
    return sum(1 for m in recorded if m), len(recorded)
