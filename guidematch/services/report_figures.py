"""The steering group's figures for a branch and a period: the one module of report queries.

The page `/reports`, its CSV and XLSX downloads and `flask report` all print the
`Report` made here, so no figure is computed two ways. Every query is limited to
one branch and aggregates in SQL (GROUP BY); their number does not grow with the
branch (the monthly detail asks once per month of the period).

A period is from `start` to `end`, both days included, in the programme's time
zone. Events count by their date: a pairing's start or end date, a person's
creation, an approval's audit event, a group meeting's start, an evaluation's
answer. "At end" is `at_end` = the period's last day, or today if that is later
than today. How each "at end" figure is derived when the period ended in the past:

- `pairings_active_at_end`: from the pairings' dates (started on or before the
  day, not ended by then), so exact for any past day.
- `refugees_waiting_at_end` and the other waiting figures (by gender, needing a
  male guide, median and p90 days): the database keeps no history of who was on
  the waiting list, so these are today's waiting list (`eligibility`'s rule),
  keeping those whose `waiting_since` is on or before the day, with their waiting
  days counted to the day. Someone paired, withdrawn or erased since is missing.
- `free_places_*_guides`: as of now (places are not kept per day).

Recruitment campaigns (`campaign_counts`): the guides of each campaign of the branch
and of no campaign, by gender, for the period or for all time (the campaign pages).
The report's "guides signed up" and "guides approved" are these counts added up, so
a campaign's figures always add up to the branch's.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import repeat

import numpy as np
from sqlalchemy import and_, case, exists, func, or_, select

from guidematch import programme
from guidematch.extensions import db
from guidematch.matching.constraints import gender_wish_met
from guidematch.models import (
    Attendance, AuditEvent, Branch, Campaign, Evaluation, GroupMeeting, Guide, MeetingLog, Pairing,
    Pause, Refugee,
)
from guidematch.programme import COUNTED, WeekStatus
from guidematch.services import clock, eligibility
from guidematch.services.compliance import iso_monday
from guidematch.vocabulary import (
    CampaignChannel, EndReason, Gender, GuideStatus, PairingStatus, RefugeeStatus,
)

SECTIONS = ("guides", "refugees", "pairings", "hours", "group_meetings", "waiting", "evaluations")
EARLY_REASONS = tuple(r for r in EndReason if r != EndReason.COMPLETED)
STARTED = (PairingStatus.ACTIVE, PairingStatus.COMPLETED, PairingStatus.ENDED_EARLY)
GENDERS = tuple(Gender)
SMALL_COUNT = "<3"


@dataclass(frozen=True)
class Figure:
    """One measure: its name (the CSV's `measure`), value, section, and whether it counts people."""

    name: str
    value: int | float | None
    section: str
    people: bool = False

    def shown_outside(self) -> int | float | str | None:
        """Return the value for a file meant for outside the branch: 1 or 2 people is "<3"."""
        if self.people and self.value in (1, 2):
            return SMALL_COUNT
        return self.value


# What a campaign's guides did, in the order pages and files show it.
CAMPAIGN_MEASURES = ("signed_up", "confirmed", "approved", "paired")
# The report (and its files) shows these of each campaign; the campaign pages all four.
REPORT_CAMPAIGN_MEASURES = ("confirmed", "approved")
# Men first: the campaigns are there to find male guides (DOMAIN.md).
CAMPAIGN_GENDERS = (Gender.MALE, Gender.FEMALE, Gender.OTHER)


@dataclass(frozen=True)
class CampaignCounts:
    """A campaign's guides, each measure by gender; `campaign_id` None: through no campaign's link.

    signed_up: every sign-up, confirmed or not (unconfirmed ones go after 30 days);
    confirmed: not waiting for their email's confirmation (the report's "signed up");
    approved: approved (dated by the approval); paired: in a pairing that started.
    """

    campaign_id: int | None
    name: str
    channel: CampaignChannel | None
    counts: dict[str, Counter]

    def count(self, measure: str, gender: str | None = None) -> int:
        by_gender = self.counts[measure]
        return by_gender[gender] if gender else sum(by_gender.values())

    def figures(self, measures=REPORT_CAMPAIGN_MEASURES) -> tuple[Figure, ...]:
        """Return each measure by gender as figures of people (so files show 1 or 2 as "<3")."""
        return tuple(Figure(f"{m}_{g}", self.count(m, g), "campaigns", True)
                     for m in measures for g in CAMPAIGN_GENDERS)

    def any(self) -> bool:
        return any(self.count(m) for m in CAMPAIGN_MEASURES)


@dataclass(frozen=True)
class Report:
    branch_id: int
    start: date
    end: date
    at_end: date
    figures: tuple[Figure, ...]
    # Every campaign with a figure in the period, then the sign-ups of no campaign.
    campaigns: tuple[CampaignCounts, ...] = ()

    def value(self, name: str) -> int | float | None:
        return next(f.value for f in self.figures if f.name == name)

    def rows(self, outside: bool = False) -> list[tuple[str, object]]:
        """Return (measure, value) in order; `outside` hides counts of 1 or 2 people."""
        return [(f.name, f.shown_outside() if outside else f.value) for f in self.figures]

    def sections(self) -> list[tuple[str, list[Figure]]]:
        return [(s, [f for f in self.figures if f.section == s]) for s in SECTIONS]


def check_period(start: date, end: date) -> None:
    if start > end:
        raise ValueError("the period's first day is after its last")


def figures(branch: Branch, start: date, end: date, today: date | None = None) -> Report:
    """Return every figure of the branch for the period from `start` to `end` (inclusive)."""
    check_period(start, end)
    today = today or clock.today()
    at_end = min(end, today)
    out: list[Figure] = []

    def add(section: str, name: str, value, people: bool = False) -> None:
        out.append(Figure(name, value, section, people))

    begins, ends = clock.day_bounds(start, end)
    campaigns = campaign_counts(branch.id, start, end)
    signed_up, approved = (sum((c.counts[m] for c in campaigns), Counter())
                           for m in ("confirmed", "approved"))
    add("guides", "guides_signed_up", sum(signed_up.values()), True)
    for g in GENDERS:
        add("guides", f"guides_signed_up_{g}", signed_up[g], True)
    add("guides", "guides_approved", sum(approved.values()), True)
    for g in GENDERS:
        add("guides", f"guides_approved_{g}", approved[g], True)

    arrived = _refugees(branch.id, begins, ends)
    for kind in ("referred", "self_registered", "added_by_coordinator"):
        add("refugees", f"refugees_{kind}", arrived[kind], True)

    counts, early = _pairings(branch.id, start, end, at_end)
    add("pairings", "pairings_started", counts["started"], True)
    add("pairings", "pairings_completed", counts["completed"], True)
    add("pairings", "pairings_ended_early", sum(early.values()), True)
    for reason in EARLY_REASONS:
        add("pairings", f"pairings_ended_early_{reason}", early[reason], True)
    add("pairings", "pairings_active_at_end", counts["active_at_end"], True)

    minutes, met = _weeks(branch, start, end, today)
    add("hours", "pairing_weeks_counted", len(minutes))
    add("hours", "median_minutes_per_week", float(np.median(minutes)) if minutes else None)
    add("hours", "share_weeks_meeting_minimum", met / len(minutes) if minutes else None)

    held, attended, recorded = _group_meetings(branch.id, begins, ends, clock.now())
    add("group_meetings", "group_meetings_held", held)
    add("group_meetings", "group_meeting_attendances_recorded", recorded, True)
    add("group_meetings", "group_meeting_attendance_rate", attended / recorded if recorded else None)

    waits, needing_male = _waiting(branch.id, at_end)
    add("waiting", "refugees_waiting_at_end", sum(len(w) for w in waits.values()), True)
    for g in GENDERS:
        add("waiting", f"refugees_waiting_{g}_at_end", len(waits[g]), True)
    add("waiting", "waiting_needing_male_guide", needing_male, True)
    free = eligibility.free_places_by_gender(branch.id)
    for g in (Gender.MALE, Gender.FEMALE):
        add("waiting", f"free_places_{g}_guides", free.get(g, 0))
    for g in (Gender.MALE, Gender.FEMALE):
        add("waiting", f"median_wait_days_{g}", _percentile(waits[g], 50))
    for g in (Gender.MALE, Gender.FEMALE):
        add("waiting", f"p90_wait_days_{g}", _percentile(waits[g], 90))

    answers = _evaluations(branch.id, begins, ends)
    add("evaluations", "evaluations_answered", sum(answers.values()), True)
    for score in range(1, 6):
        add("evaluations", f"evaluations_satisfaction_{score}",
            sum(n for (s, _), n in answers.items() if s == score), True)
    for word, wish in (("yes", True), ("no", False), ("unsure", None)):
        add("evaluations", f"evaluations_continue_{word}",
            sum(n for (_, w), n in answers.items() if w is wish), True)
    return Report(branch.id, start, end, at_end, tuple(out),
                  tuple(c for c in campaigns if c.any() or c.campaign_id is None))


def months(start: date, end: date) -> list[tuple[date, date]]:
    """Return the calendar months of a period, each cut to the period: [(first, last), ...]."""
    check_period(start, end)
    spans, first = [], start
    while first <= end:
        following = programme.add_months(first.replace(day=1), 1)
        spans.append((first, min(end, following - timedelta(days=1))))
        first = following
    return spans


def monthly(branch: Branch, start: date, end: date, today: date | None = None) -> list[Report]:
    """Return the figures of each calendar month of the period (for the XLSX detail sheet)."""
    return [figures(branch, first, last, today) for first, last in months(start, end)]


# ---------------------------------------------------------------- the queries


def _percentile(values: list[int], q: float) -> float | None:
    """Return the q-th percentile (linear between ranks, as numpy's default); None for none."""
    return float(np.percentile(values, q)) if values else None


def campaign_counts(branch_id: int, start: date | None = None,
                    end: date | None = None) -> list[CampaignCounts]:
    """Return the guides of every campaign of the branch (newest first), then of no campaign.

    With a period, a sign-up counts by the day it was made, an approval by its audit
    event (`applicants.approve_guide` records it), a pairing by its start; without one,
    every guide there is. Five queries, however many campaigns.
    """
    within = clock.day_bounds(start, end) if start and end else None

    def created(column):
        return () if within is None else (column >= within[0], column < within[1])

    guide = (Guide.branch_id == branch_id,)
    group = (Guide.campaign_id, Guide.gender)
    rows = {
        "signed_up": select(*group, func.count()).where(*guide, *created(Guide.created_at)),
        "confirmed": select(*group, func.count()).where(
            *guide, *created(Guide.created_at), Guide.status != GuideStatus.UNCONFIRMED),
        "approved": select(*group, func.count(func.distinct(Guide.id)))
        .join(AuditEvent, and_(AuditEvent.object_id == Guide.id, AuditEvent.object_type == "guide",
                               AuditEvent.action == "guide_approved"))
        .where(*guide, AuditEvent.branch_id == branch_id, *created(AuditEvent.created_at)),
        "paired": select(*group, func.count(func.distinct(Guide.id)))
        .join(Pairing, Pairing.guide_id == Guide.id)
        .where(*guide, Pairing.status.in_(STARTED),
               *(() if within is None else (Pairing.start_date >= start, Pairing.start_date <= end))),
    }
    counts: dict[int | None, dict[str, Counter]] = {}
    for measure, query in rows.items():
        for campaign_id, gender, n in db.session.execute(query.group_by(*group)):
            by_measure = counts.setdefault(campaign_id, {m: Counter() for m in CAMPAIGN_MEASURES})
            by_measure[measure][str(gender)] += int(n)

    def of(campaign_id, name, channel) -> CampaignCounts:
        empty = {m: Counter() for m in CAMPAIGN_MEASURES}
        return CampaignCounts(campaign_id, name, channel, counts.get(campaign_id, empty))

    campaigns = db.session.execute(
        select(Campaign.id, Campaign.name, Campaign.channel).where(Campaign.branch_id == branch_id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())).all()
    return [of(*campaign) for campaign in campaigns] + [of(None, "", None)]


def _refugees(branch_id: int, begins, ends) -> Counter:
    """Return refugees added in the period: referred, self-registered (confirmed), by a coordinator."""
    registered = exists().where(AuditEvent.object_type == "refugee",
                                AuditEvent.object_id == Refugee.id,
                                AuditEvent.action == "refugee_registered")
    kind = case((Refugee.referred_by_email != "", "referred"),
                (registered, "self_registered"), else_="added_by_coordinator")
    rows = db.session.execute(
        select(kind, func.count())
        .where(Refugee.branch_id == branch_id, Refugee.status != RefugeeStatus.UNCONFIRMED,
               Refugee.created_at >= begins, Refugee.created_at < ends)
        .group_by(kind)).all()
    return Counter(dict(rows))


def _pairings(branch_id: int, start: date, end: date, at_end: date) -> tuple[dict, Counter]:
    """Return pairings started, completed and active at the end; ended early by reason."""
    def within(column):
        return and_(column >= start, column <= end)

    def count_of(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    started, completed, active = db.session.execute(
        select(count_of(within(Pairing.start_date)),
               count_of(and_(Pairing.status == PairingStatus.COMPLETED, within(Pairing.ended_on))),
               count_of(and_(Pairing.start_date <= at_end,
                             or_(Pairing.ended_on.is_(None), Pairing.ended_on > at_end))))
        .where(Pairing.branch_id == branch_id, Pairing.status.in_(STARTED))).one()
    early = db.session.execute(
        select(Pairing.end_reason, func.count())
        .where(Pairing.branch_id == branch_id, Pairing.status == PairingStatus.ENDED_EARLY,
               within(Pairing.ended_on))
        .group_by(Pairing.end_reason)).all()
    return ({"started": int(started), "completed": int(completed), "active_at_end": int(active)},
            Counter({str(reason): n for reason, n in early}))


def _overlapping(branch_id: int, start: date, end: date):
    return (Pairing.branch_id == branch_id, Pairing.status.in_(STARTED),
            Pairing.start_date.is_not(None), Pairing.start_date <= end,
            or_(Pairing.ended_on.is_(None), Pairing.ended_on >= start))


def _weeks(branch: Branch, start: date, end: date, today: date) -> tuple[list[int], int]:
    """Return the minutes of every counted pairing-week whose Monday is in the period, and how many met.

    The database sums the minutes per pairing and ISO week; `programme.pairing_weeks`
    judges each week (met, under, paused, partial, current) as the pairing page does.
    Only met and under weeks count, as in the at-risk rule.
    """
    where = _overlapping(branch.id, start, end)
    pairings = db.session.execute(
        select(Pairing.id, Pairing.start_date, Pairing.ended_on, Pairing.status)
        .where(*where)).all()
    monday = iso_monday(MeetingLog.met_on)
    # Only the weeks whose Monday is in the period are counted: their logs are all it needs.
    sums: dict[int, list[tuple[date, int]]] = {}
    for pairing_id, week_monday, first_day, minutes in db.session.execute(
            select(MeetingLog.pairing_id, monday, func.min(MeetingLog.met_on),
                   func.sum(MeetingLog.minutes))
            .join(Pairing, Pairing.id == MeetingLog.pairing_id)
            .where(*where, MeetingLog.met_on >= Pairing.start_date,
                   or_(Pairing.ended_on.is_(None), MeetingLog.met_on <= Pairing.ended_on),
                   MeetingLog.met_on >= start, MeetingLog.met_on <= end + timedelta(days=6))
            .group_by(MeetingLog.pairing_id, monday)):
        # One day of the week inside the pairing stands for the week's sum.
        sums.setdefault(pairing_id, []).append((first_day, int(minutes)))
    pauses: dict[int, list[programme.Span]] = {}
    for pairing_id, first, last in db.session.execute(
            select(Pause.pairing_id, Pause.starts_on, Pause.ends_on)
            .join(Pairing, Pairing.id == Pause.pairing_id).where(*where)):
        pauses.setdefault(pairing_id, []).append(programme.Span(first, last))
    minutes, met = [], 0
    period = programme.Span(start, end)
    for pairing_id, first, ended_on, status in pairings:
        ended = status != PairingStatus.ACTIVE
        last_day = ended_on if ended and ended_on else today
        for week in programme.pairing_weeks(first, last_day, today, sums.get(pairing_id, ()),
                                            pauses.get(pairing_id, ()), branch.weekly_minutes,
                                            ended=ended, window=period):
            if week.status in COUNTED:
                minutes.append(week.minutes)
                met += week.status == WeekStatus.MET
    return minutes, met


def _group_meetings(branch_id: int, begins, ends, now) -> tuple[int, int, int]:
    """Return group meetings held in the period, and (attended, recorded) over their attendance."""
    held = (GroupMeeting.branch_id == branch_id, GroupMeeting.starts_at >= begins,
            GroupMeeting.starts_at < ends, GroupMeeting.starts_at <= now)
    count = db.session.scalar(select(func.count()).select_from(GroupMeeting).where(*held)) or 0
    marks = db.session.execute(
        select(Attendance.attended, func.count())
        .join(GroupMeeting, GroupMeeting.id == Attendance.meeting_id)
        .where(*held).group_by(Attendance.attended)).all()
    attended, recorded = programme.attendance_rate(
        mark for value, n in marks for mark in repeat(value, n))
    return count, attended, recorded


def _waiting_rows(branch_id: int, at_end: date):
    """Return (gender, gender wish, waiting since, how many) of those waiting on `at_end`."""
    return db.session.execute(
        select(Refugee.gender, Refugee.gender_preference, Refugee.waiting_since, func.count())
        .where(Refugee.branch_id == branch_id, eligibility.waiting_clause(),
               Refugee.waiting_since <= at_end)
        .group_by(Refugee.gender, Refugee.gender_preference, Refugee.waiting_since)).all()


def _needs_male_guide(gender, preference) -> bool:
    """Whether the refugee's own wish allows only a male guide (`gender_wish_met`'s rule)."""
    allowed = {g for g in GENDERS if gender_wish_met(str(preference), str(gender), str(g))}
    return allowed == {Gender.MALE}


def _waiting(branch_id: int, at_end: date) -> tuple[dict[str, list[int]], int]:
    """Return the waiting days at `at_end` of each waiting refugee by gender, and how many
    allow only a male guide."""
    waits: dict[str, list[int]] = {str(g): [] for g in GENDERS}
    needing_male = 0
    for gender, preference, since, n in _waiting_rows(branch_id, at_end):
        waits[str(gender)].extend(repeat((at_end - since).days, n))
        needing_male += n if _needs_male_guide(gender, preference) else 0
    for days in waits.values():
        days.sort()
    return waits, needing_male


@dataclass(frozen=True)
class Gap:
    """The programme's main problem in two numbers: men who wait for a male guide, and the
    places with male guides free to take them."""

    needing_male_guide: int
    free_places_male_guides: int

    @property
    def to_recruit(self) -> int:
        return programme.guides_to_recruit(self.needing_male_guide, self.free_places_male_guides)


@dataclass(frozen=True)
class WaitingNow:
    """The waiting list today: how many wait in each band of months (`programme.wait_band`),
    by gender, and the gap; the free places of guides by gender."""

    bands: dict[str, list[int]]
    free_places: dict[str, int]
    gap: Gap

    def total(self, gender: str) -> int:
        return sum(self.bands[gender])


def waiting_now(branch_id: int, today: date) -> WaitingNow:
    """Return today's waiting list in bands, the free places and the gap (the dashboard's figures)."""
    waits, needing_male = _waiting(branch_id, today)
    bands = {gender: [0] * (len(programme.WAIT_BAND_LIMITS) + 1) for gender in waits}
    for gender, days in waits.items():
        for waited in days:
            bands[gender][programme.wait_band(today - timedelta(days=waited), today)] += 1
    free = eligibility.free_places_by_gender(branch_id)
    return WaitingNow(bands, free, Gap(needing_male, free.get(Gender.MALE, 0)))


def _evaluations(branch_id: int, begins, ends) -> Counter:
    """Return evaluations answered in the period, counted by (satisfaction, wish to continue)."""
    rows = db.session.execute(
        select(Evaluation.satisfaction, Evaluation.wants_to_continue, func.count())
        .join(Pairing, Pairing.id == Evaluation.pairing_id)
        .where(Pairing.branch_id == branch_id, Evaluation.answered_at >= begins,
               Evaluation.answered_at < ends)
        .group_by(Evaluation.satisfaction, Evaluation.wants_to_continue)).all()
    return Counter({(s, w): n for s, w, n in rows})


# ---------------------------------------------------------------- named periods

PERIODS = ("this_month", "last_quarter", "this_year")


def named_period(name: str, today: date) -> tuple[date, date]:
    """Return (first, last day) of this month, the last whole calendar quarter, or this year."""
    if name == "this_month":
        first = today.replace(day=1)
        return first, programme.add_months(first, 1) - timedelta(days=1)
    if name == "last_quarter":
        this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return programme.add_months(this_quarter, -3), this_quarter - timedelta(days=1)
    if name == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise ValueError(f"not a period: {name!r}")
