"""Monthly group meetings: scheduling one or a series, changing and cancelling, attendance.

A series is separate meetings, each with its own calendar UID (the reasons are in
services/meeting_invitations.py): one date can be changed or cancelled alone.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from flask_babel import gettext as _
from sqlalchemy import or_, select

from guidematch import programme
from guidematch.extensions import db
from guidematch.models import Attendance, Branch, GroupMeeting, Guide, Pairing, Refugee
from guidematch.services import audit, clock
from guidematch.services import meeting_invitations as invitations
from guidematch.services.errors import DomainError
from guidematch.vocabulary import STARTED_PAIRING_STATUSES, Respondent

MAX_SERIES_MONTHS = 12


def _new_meeting(branch: Branch, title: str, starts_at: datetime, duration: int, location: str,
                 description: str, series_id: str | None = None) -> GroupMeeting:
    if not 15 <= duration <= 1440:
        raise DomainError(_("A meeting lasts from 15 minutes to a day."), "duration")
    meeting = GroupMeeting(branch_id=branch.id, title=title.strip(), starts_at=starts_at,
                           duration_minutes=duration, location=location.strip(),
                           description=description.strip(), series_id=series_id)
    db.session.add(meeting)
    return meeting


def schedule_one(branch: Branch, title: str, day: date, at: time, duration: int = 120,
                 location: str = "", description: str = "", now: datetime | None = None) -> GroupMeeting:
    """Schedule one group meeting at a local day and time."""
    starts_at = programme.local_to_utc(day, at, clock.timezone_name())
    if starts_at <= (now or clock.now()):
        raise DomainError(_("Choose a time in the future."), "day")
    meeting = _new_meeting(branch, title, starts_at, duration, location, description)
    db.session.flush()
    audit.record("group_meeting.scheduled", meeting)
    return meeting


def schedule_series(branch: Branch, title: str, first_month: date, months: int, weekday: int, nth: int,
                    at: time, duration: int = 120, location: str = "", description: str = "",
                    now: datetime | None = None) -> list[GroupMeeting]:
    """Schedule a monthly series ("the first Thursday at 18:00"); dates already past are left out."""
    if not 1 <= months <= MAX_SERIES_MONTHS:
        raise DomainError(_("A series runs for 1 to %(max)s months.", max=MAX_SERIES_MONTHS), "months")
    now = now or clock.now()
    starts = [s for s in programme.monthly_series(first_month, months, weekday, nth, at, clock.timezone_name())
              if s > now]
    if not starts:
        raise DomainError(_("Every date of this series is in the past."), "first_month")
    series_id = str(uuid.uuid4())
    meetings = [_new_meeting(branch, title, s, duration, location, description, series_id) for s in starts]
    db.session.flush()
    audit.record("group_meeting.series_scheduled", meetings[0], series_id=series_id, count=len(meetings))
    return meetings


def remove(meeting: GroupMeeting) -> None:
    """Remove a meeting nobody has been invited to yet."""
    if meeting.invitations_sent_at is not None:
        raise DomainError(_("Invitations to this meeting have gone out; cancel it instead."))
    audit.record("group_meeting.removed", meeting)
    db.session.delete(meeting)
    db.session.flush()


# The fields a change can touch, in the order the update email lists them.
CHANGEABLE = ("title", "starts_at", "duration", "location", "description")


def change(meeting: GroupMeeting, title: str, day: date, at: time, duration: int, location: str = "",
           description: str = "", now: datetime | None = None) -> list[str]:
    """Change a coming meeting; once invitations are out, everyone invited gets an update.

    Return what changed (CHANGEABLE names), empty when nothing did. The update keeps
    the UID and raises the SEQUENCE, so calendars replace the entry they hold. A new
    date or time clears the invitees' answers; the update asks them again.
    """
    now = now or clock.now()
    invitations.refuse_unless_open(meeting, now)
    starts_at = programme.local_to_utc(day, at, clock.timezone_name())
    if starts_at <= now:
        raise DomainError(_("Choose a time in the future."), "day")
    if not 15 <= duration <= 1440:
        raise DomainError(_("A meeting lasts from 15 minutes to a day."), "duration")
    before = {"title": meeting.title, "starts_at": meeting.starts_at, "duration": meeting.duration_minutes,
              "location": meeting.location, "description": meeting.description}
    after = {"title": title.strip(), "starts_at": starts_at, "duration": duration,
             "location": location.strip(), "description": description.strip()}
    changes = [name for name in CHANGEABLE if before[name] != after[name]]
    if not changes:
        return []
    meeting.title, meeting.starts_at, meeting.duration_minutes = after["title"], starts_at, duration
    meeting.location, meeting.description = after["location"], after["description"]
    if "starts_at" in changes:
        # An answer was given for the old time: ask again rather than count it for the new one.
        for attendance in meeting.attendances:
            attendance.coming, attendance.answered_at = None, None
    sent = 0
    if meeting.invitations_sent_at is not None:
        meeting.sequence += 1
        sent = invitations.send_updates(meeting, changes, before)
    db.session.flush()
    audit.record("group_meeting.changed", meeting, changes=changes, sequence=meeting.sequence, updates=sent)
    return changes


def cancel(meeting: GroupMeeting, now: datetime | None = None) -> int:
    """Cancel a coming meeting whose invitations are out: everyone invited is told; return how many."""
    invitations.refuse_unless_open(meeting, now or clock.now())
    if meeting.invitations_sent_at is None:
        raise DomainError(_("Nobody is invited yet; remove the meeting instead."))
    meeting.cancelled_at = clock.now()
    meeting.sequence += 1
    sent = invitations.send_cancellations(meeting)
    db.session.flush()
    audit.record("group_meeting.cancelled", meeting, sequence=meeting.sequence, cancellations=sent)
    return sent


# Invitations live in meeting_invitations; these names are the ones callers know.
invitees = invitations.invitees
ics = invitations.ics
send_invitations = invitations.send_invitations


# ---------------------------------------------------------------- attendance

@dataclass(frozen=True)
class AttendanceRow:
    """One person to tick for a meeting: by name only, as the list prints them."""

    side: Respondent
    person_id: int
    first_name: str
    last_name: str
    came: bool | None
    invited: bool
    coming: bool | None = None  # their own answer by link

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


SIDES = ((Respondent.GUIDE, Guide, Attendance.guide_id, Pairing.guide_id),
         (Respondent.REFUGEE, Refugee, Attendance.refugee_id, Pairing.refugee_id))


def meeting_day(meeting: GroupMeeting) -> date:
    """Return the local calendar day of the meeting."""
    return clock.day_of(meeting.starts_at)


def attendance_list(meeting: GroupMeeting) -> list[AttendanceRow]:
    """Return everyone to tick for a meeting: the people in a pairing on its day.

    A pairing counts when it had started by the meeting's day and had not ended
    before it, whatever its status now; people paired later, or whose pairing
    ended before, are not listed, unless the coordinator already ticked them as
    present (a tick is never hidden).
    """
    day = meeting_day(meeting)
    rows: dict[tuple[Respondent, int], AttendanceRow] = {}
    # Names only, four queries: a big branch has thousands to list, their profiles are not shown.
    for side, model, attendance_column, pairing_column in SIDES:
        paired = {person_id: (first, last) for person_id, first, last in db.session.execute(
            select(model.id, model.first_name, model.last_name).distinct()
            .join(Pairing, pairing_column == model.id)
            .where(Pairing.branch_id == meeting.branch_id,
                   Pairing.status.in_(STARTED_PAIRING_STATUSES), Pairing.start_date <= day,
                   or_(Pairing.ended_on.is_(None), Pairing.ended_on >= day)))}
        for person_id, first, last, came, invited_at, coming in db.session.execute(
                select(model.id, model.first_name, model.last_name, Attendance.attended,
                       Attendance.invited_at, Attendance.coming)
                .join(Attendance, attendance_column == model.id)
                .where(Attendance.meeting_id == meeting.id)):
            if person_id in paired or came:
                rows[(side, person_id)] = AttendanceRow(side, person_id, first, last, came,
                                                        invited_at is not None, coming)
        for person_id, (first, last) in paired.items():
            rows.setdefault((side, person_id), AttendanceRow(side, person_id, first, last, None, False))
    return sorted(rows.values(),
                  key=lambda r: (r.side != Respondent.GUIDE, r.first_name.lower(), r.person_id))


@dataclass(frozen=True)
class Expected:
    """The answers to a meeting's invitation: how many will come, will not, have not answered."""

    coming: int
    not_coming: int
    no_answer: int


def expected(rows: list[AttendanceRow]) -> Expected:
    """Count the answers of the people invited among `rows`."""
    invited = [row for row in rows if row.invited]
    coming = sum(1 for row in invited if row.coming is True)
    not_coming = sum(1 for row in invited if row.coming is False)
    return Expected(coming, not_coming, len(invited) - coming - not_coming)


def named(rows: list[AttendanceRow], q: str) -> list[AttendanceRow]:
    """Return the rows whose full name holds every word of `q` (any case)."""
    words = q.casefold().split()
    return [row for row in rows if all(w in row.full_name.casefold() for w in words)]


def record_attendance(meeting: GroupMeeting, present: set[tuple[Respondent, int]],
                      listed: set[tuple[Respondent, int]]) -> None:
    """Tick who came: everyone `listed` is marked present or absent."""
    existing = {(Respondent.GUIDE if a.guide_id else Respondent.REFUGEE, a.guide_id or a.refugee_id): a
                for a in meeting.attendances}
    for side, person_id in listed:
        attendance = existing.get((side, person_id))
        if attendance is None:
            attendance = Attendance(meeting=meeting, **{f"{side}_id": person_id})
            db.session.add(attendance)
        attendance.attended = (side, person_id) in present
    db.session.flush()
    audit.record("group_meeting.attendance", meeting, present=len(present), listed=len(listed))


def attendance_rate(side: Respondent, person_id: int, since: date | None = None) -> tuple[int, int]:
    """Return (attended, recorded) group meetings of one person, from `since` on."""
    column = Attendance.guide_id if side == Respondent.GUIDE else Attendance.refugee_id
    stmt = select(Attendance.attended).join(GroupMeeting).where(column == person_id)
    if since is not None:
        stmt = stmt.where(GroupMeeting.starts_at >= datetime.combine(since, time(0), tzinfo=timezone.utc))
    return programme.attendance_rate(db.session.scalars(stmt))
