"""Everything scheduled that is due on a given day: one idempotent run for cron.

Each email carries a dedupe key (`weekly-log:{pairing}:{week}`,
`evaluation:{pairing}:{side}`, `nine-months:{pairing}:{coordinator}` (named
when every branch ended at nine months: kept, so no notice goes out twice),
`invite:{meeting}:{side}:{person}`, `completed:{pairing}:{side}`,
`digest:{branch}:{week}:{coordinator}`), so running
twice the same day, or on two hosts at once, sends nothing twice; completion at
the planned end is a state change, done once by nature. Every date comes from
the pairing's own ends and the branch's settings. Each item runs in a
savepoint: one that fails (another host won the race) leaves the rest standing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import programme, unit_of_work
from guidematch.extensions import db
from guidematch.links import external_url
from guidematch.models import Branch, GroupMeeting, Pairing, Pause
from guidematch.services import clock, digest, evaluations, gap_history, group_meetings, meetings, notify, pairings, person_links
from guidematch.services.errors import DomainError
from guidematch.vocabulary import INVITE_DAYS_AHEAD, PairingStatus

log = logging.getLogger(__name__)


@dataclass
class Summary:
    completed: int = 0
    may_end_notices: int = 0
    evaluations: int = 0
    weekly_logs: int = 0
    invitations: int = 0
    digests: int = 0
    gaps_recorded: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _safely(step: Callable[[], int]) -> int:
    """Run one item in a savepoint; an item another run did at the same moment counts as 0."""
    try:
        with unit_of_work.savepoint():
            return step()
    except (IntegrityError, DomainError) as error:
        log.info("reminders: item skipped (%s)", type(error).__name__)
        return 0


def _active() -> list[Pairing]:
    return list(db.session.scalars(select(Pairing).where(Pairing.status == PairingStatus.ACTIVE).order_by(Pairing.id)))


def send_due(today: date | None = None, now: datetime | None = None) -> Summary:
    """Send what is due on `today`, in every branch; the caller commits."""
    today = today or clock.today()
    now = now or programme.local_to_utc(today, time(0), clock.timezone_name())
    summary = Summary()
    for pairing in _active():
        if pairing.planned_end and today >= pairing.planned_end:
            summary.completed += _safely(lambda p=pairing: bool(pairings.complete(p, today)))
    for pairing in _active():
        if pairing.earliest_end and today >= pairing.earliest_end:
            summary.may_end_notices += _safely(lambda p=pairing: may_end_notice(p))
        due = programme.evaluation_due(pairing.start_date, pairing.branch.evaluation_after_months)
        if today >= due:
            summary.evaluations += _safely(lambda p=pairing: evaluations.send_requests(p))
        summary.weekly_logs += _safely(lambda p=pairing: weekly_log_request(p, programme.reminder_week(today), today))
    upcoming = db.session.scalars(select(GroupMeeting).where(
        GroupMeeting.starts_at > now, GroupMeeting.starts_at <= now + timedelta(days=INVITE_DAYS_AHEAD),
        GroupMeeting.cancelled_at.is_(None),
    ).order_by(GroupMeeting.starts_at))
    for meeting in upcoming:
        summary.invitations += _safely(lambda m=meeting: group_meetings.send_invitations(m))
    # Last: the digest reads the state the steps above left (a pairing completed today is gone).
    for branch in db.session.scalars(select(Branch).order_by(Branch.id)):
        summary.digests += _safely(lambda b=branch: digest.send(b, today))
        # The dashboard's trend: the gap as it stands after today's steps.
        summary.gaps_recorded += _safely(lambda b=branch: gap_history.record(b, today))
    return summary


def may_end_notice(pairing: Pairing) -> int:
    """Tell the branch's coordinators that a pairing reached its earliest end; once to each."""
    # The pairing's own months: its ends were set from the branch's rules of the day it started.
    months = programme.whole_months(pairing.start_date, pairing.earliest_end)
    return len(notify.to_coordinators(
        pairing.branch_id, template="pairing_may_end", subject=_l("A pairing may now end"),
        dedupe_prefix=f"nine-months:{pairing.id}", pairing=pairing, months=months,
        pairing_url=external_url("pairings.detail", pairing_id=pairing.id)))


def weekly_log_request(pairing: Pairing, week: str, today: date) -> int:
    """Ask the guide how many hours the pair met in `week`, unless answered, paused or not yet begun."""
    try:
        first, last = meetings.week_bounds(pairing, week, today)
    except DomainError:
        return 0
    if meetings.weekly_answer(pairing, week) is not None:
        return 0
    spans = [programme.Span(p.starts_on, p.ends_on) for p in db.session.scalars(
        select(Pause).where(Pause.pairing_id == pairing.id))]
    if len(programme.paused_days(spans, first, last)) == (last - first).days + 1:
        return 0  # the whole week is a declared pause
    clicks, form_url = person_links.weekly_log_urls(pairing, week)
    monday, sunday = programme.week_days(week)
    message = notify.to_person(
        pairing.guide, template="weekly_log_request", subject=_l("How many hours did you meet this week?"),
        dedupe_key=f"weekly-log:{pairing.id}:{week}", pairing=pairing, week=week,
        week_number=int(week[-2:]), monday=monday, sunday=sunday, clicks=clicks, form_url=form_url,
        other_name=pairing.refugee.first_name, minimum=pairing.branch.weekly_minutes)
    return 1 if message is not None else 0
