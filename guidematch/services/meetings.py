"""Meeting logs and pauses of a pairing, its weeks against the minimum, and who is at risk.

Two kinds of log: the guide's answer for an ISO week (by one-click link or the
short form; one row per pairing and week, `quick_week`, so a second answer
corrects the first instead of adding to it), and logs a coordinator enters or
corrects on the pairing page (any day of the pairing). A week's minutes are the
sum of its logs: a coordinator who logs the same meeting the guide answered for
sees both on the page and corrects one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import programme, unit_of_work
from guidematch.extensions import db
from guidematch.models import MeetingLog, Pairing, Pause
from guidematch.programme import Risk, Span, Week
from guidematch.services import audit, clock
from guidematch.services.errors import DomainError
from guidematch.vocabulary import (
    MAX_LOG_MINUTES, MEETING_ACTIVITIES, PairingStatus, PauseReason,
)

FOLLOWED = (PairingStatus.ACTIVE, PairingStatus.COMPLETED, PairingStatus.ENDED_EARLY)


def pairing_days(pairing: Pairing, today: date) -> tuple[date, date]:
    """Return the first and last day meetings can be logged for (the last is never after today)."""
    if pairing.start_date is None or pairing.status not in FOLLOWED:
        raise DomainError(_("Meetings can be logged once the pairing has started."))
    last = min(today, pairing.ended_on) if pairing.ended_on else today
    return pairing.start_date, last


def _check(pairing: Pairing, met_on: date, minutes: int, activities, today: date,
           first: date | None = None, last: date | None = None) -> list[str]:
    if minutes is None or not 0 <= minutes <= MAX_LOG_MINUTES:
        raise DomainError(_("Minutes must be between 0 and %(max)s (a whole day).", max=MAX_LOG_MINUTES),
                          "minutes")
    start, end = pairing_days(pairing, today)
    first, last = max(first or start, start), min(last or end, end)
    if met_on is None or not first <= met_on <= last:
        raise DomainError(_("Choose a day from %(first)s to %(last)s: the pairing's days up to today.",
                            first=first.isoformat(), last=last.isoformat()), "met_on")
    activities = list(dict.fromkeys(activities or ()))
    if any(a not in MEETING_ACTIVITIES for a in activities):
        raise DomainError(_("Choose what you did from the list."), "activities")
    return activities


def add_log(pairing: Pairing, met_on: date, minutes: int, activities=(), note: str = "",
            today: date | None = None) -> MeetingLog:
    """Log a meeting for a pairing (a coordinator's entry)."""
    activities = _check(pairing, met_on, minutes, activities, today or clock.today())
    log = MeetingLog(pairing_id=pairing.id, met_on=met_on, minutes=minutes, activities=activities,
                     note=note.strip(), logged_by="coordinator")
    db.session.add(log)
    db.session.flush()
    audit.record("meeting_log.added", log, branch_id=pairing.branch_id, pairing_id=pairing.id)
    return log


def add_logs(pairing: Pairing, entries, today: date | None = None) -> list[MeetingLog]:
    """Log many meetings of a pairing at once (paper records, a data set), by `add_log`'s rules."""
    today = today or clock.today()
    logs = [MeetingLog(pairing_id=pairing.id, met_on=met_on, minutes=minutes,
                       activities=_check(pairing, met_on, minutes, activities, today),
                       note=note.strip(), logged_by="coordinator")
            for met_on, minutes, activities, note in entries]
    db.session.add_all(logs)
    db.session.flush()
    audit.record("meeting_log.added", pairing, branch_id=pairing.branch_id, pairing_id=pairing.id,
                 count=len(logs))
    return logs


def update_log(log: MeetingLog, met_on: date, minutes: int, activities=(), note: str = "",
               today: date | None = None) -> MeetingLog:
    """Correct a log. A guide's weekly answer moved to another week stops being that week's answer."""
    log.activities = _check(log.pairing, met_on, minutes, activities, today or clock.today())
    if log.quick_week and programme.week_key(met_on) != log.quick_week:
        log.quick_week = None
    log.met_on, log.minutes, log.note = met_on, minutes, note.strip()
    db.session.flush()
    audit.record("meeting_log.corrected", log, branch_id=log.pairing.branch_id, pairing_id=log.pairing_id)
    return log


def delete_log(log: MeetingLog) -> None:
    audit.record("meeting_log.deleted", log, branch_id=log.pairing.branch_id, pairing_id=log.pairing_id)
    db.session.delete(log)
    db.session.flush()


def weekly_answer(pairing: Pairing, week: str) -> MeetingLog | None:
    """Return the guide's answer for `week`, if any."""
    return db.session.scalar(select(MeetingLog).where(
        MeetingLog.pairing_id == pairing.id, MeetingLog.quick_week == week))


def week_bounds(pairing: Pairing, week: str, today: date) -> tuple[date, date]:
    """Return the days of `week` that belong to the pairing up to today, or raise DomainError."""
    monday, sunday = programme.week_days(week)
    start, last = pairing_days(pairing, today)
    first, end = max(monday, start), min(sunday, last)
    if first > end:
        raise DomainError(_("Week %(week)s is not part of the pairing (yet).", week=week))
    return first, end


def answer_week(pairing: Pairing, week: str, minutes: int, met_on: date | None = None,
                activities=None, note: str | None = None, today: date | None = None
                ) -> tuple[MeetingLog, int | None]:
    """Record the guide's answer for `week` (one click or the form); return it and the answer it replaced."""
    today = today or clock.today()
    first, last = week_bounds(pairing, week, today)
    met_on = met_on or last
    checked = _check(pairing, met_on, minutes, activities or (), today, first, last)
    log = weekly_answer(pairing, week)
    previous = log.minutes if log else None
    if log is None:
        try:
            with unit_of_work.savepoint():
                log = MeetingLog(pairing_id=pairing.id, quick_week=week, met_on=met_on, minutes=minutes,
                                 activities=checked, note=(note or "").strip(), logged_by="guide")
                db.session.add(log)
                db.session.flush()
        except IntegrityError:  # a double click that raced: the other one won; correct it
            log = weekly_answer(pairing, week)
            previous = log.minutes
    log.minutes, log.met_on = minutes, met_on
    if activities is not None:
        log.activities = checked
    if note is not None:
        log.note = note.strip()
    db.session.flush()
    audit.record("meeting_log.weekly_answer", log, branch_id=pairing.branch_id, actor="guide link",
                 pairing_id=pairing.id, week=week, minutes=minutes, corrected=previous is not None)
    return log, previous


# ---------------------------------------------------------------- pauses

def add_pause(pairing: Pairing, starts_on: date, ends_on: date, reason: PauseReason, note: str = "",
              *, by_guide: bool = False) -> Pause:
    """Declare a break (holiday, illness): its weeks don't count against the minimum.

    A coordinator declares it on the pairing page, or the guide on the page their
    weekly email links to (`by_guide`); the rule is the same.
    """
    if pairing.status != PairingStatus.ACTIVE:
        raise DomainError(_("Pauses can be declared for active pairings."))
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise DomainError(_("The pause must end on or after the day it starts."), "ends_on")
    if starts_on < pairing.start_date or (pairing.planned_end and ends_on > pairing.planned_end):
        raise DomainError(_("The pause must lie within the pairing (%(first)s to %(last)s).",
                            first=pairing.start_date.isoformat(),
                            last=(pairing.planned_end or ends_on).isoformat()), "starts_on")
    overlapping = db.session.scalar(select(Pause.id).where(
        Pause.pairing_id == pairing.id, Pause.starts_on <= ends_on, Pause.ends_on >= starts_on))
    if overlapping:
        raise DomainError(_("This overlaps a pause declared already."), "starts_on")
    pause = Pause(pairing_id=pairing.id, starts_on=starts_on, ends_on=ends_on,
                  reason=PauseReason(reason), note=note.strip(), declared_by_guide=by_guide)
    db.session.add(pause)
    db.session.flush()
    audit.record("pause.added", pause, branch_id=pairing.branch_id, actor="guide link" if by_guide else "",
                 pairing_id=pairing.id, reason=str(reason))
    return pause


def pauses_of(pairing: Pairing) -> list[Pause]:
    """Return the pairing's pauses, earliest first."""
    return list(db.session.scalars(select(Pause).where(Pause.pairing_id == pairing.id)
                                   .order_by(Pause.starts_on)))


def delete_pause(pause: Pause) -> None:
    audit.record("pause.deleted", pause, branch_id=pause.pairing.branch_id, pairing_id=pause.pairing_id)
    db.session.delete(pause)
    db.session.flush()


# ---------------------------------------------------------------- weeks and risk

@dataclass
class Follow:
    """A pairing's weeks against the minimum, and why it is at risk (if it is)."""

    pairing: Pairing
    weeks: list[Week]
    risks: list[Risk]
    last_log: date | None


def _follow(pairing: Pairing, logs: list[tuple[date, int]], pauses: list[Span], today: date) -> Follow:
    if pairing.start_date is None:
        return Follow(pairing, [], [], None)
    ended = pairing.ended_on is not None
    last_day = pairing.ended_on if ended else today
    weeks = programme.pairing_weeks(pairing.start_date, last_day, today, logs, pauses,
                                    pairing.branch.weekly_minutes, ended=ended)
    last_log = max((day for day, _m in logs if day <= last_day), default=None)
    risks = []
    if pairing.status == PairingStatus.ACTIVE:
        risks = programme.risks(weeks, pairing.start_date, today, last_log, pauses)
    return Follow(pairing, weeks, risks, last_log)


def follow(pairing: Pairing, today: date | None = None) -> Follow:
    """Return the weeks and risks of one pairing."""
    return follow_many([pairing], today)[0]


def follow_many(pairings: list[Pairing], today: date | None = None) -> list[Follow]:
    """Return the weeks and risks of many pairings with two queries."""
    today = today or clock.today()
    ids = [p.id for p in pairings]
    logs: dict[int, list[tuple[date, int]]] = defaultdict(list)
    pauses: dict[int, list[Span]] = defaultdict(list)
    if ids:
        for pid, day, minutes in db.session.execute(select(
                MeetingLog.pairing_id, MeetingLog.met_on, MeetingLog.minutes).where(MeetingLog.pairing_id.in_(ids))):
            logs[pid].append((day, minutes))
        for pid, first, last in db.session.execute(select(
                Pause.pairing_id, Pause.starts_on, Pause.ends_on).where(Pause.pairing_id.in_(ids))):
            pauses[pid].append(Span(first, last))
    return [_follow(p, logs[p.id], pauses[p.id], today) for p in pairings]


def at_risk(pairings: list[Pairing], today: date | None = None) -> list[Follow]:
    """Return the active pairings among `pairings` that need a call, longest silence first."""
    follows = [f for f in follow_many([p for p in pairings if p.status == PairingStatus.ACTIVE], today) if f.risks]
    return sorted(follows, key=lambda f: (f.last_log or date.min, f.pairing.id))
