"""Monthly group meetings: scheduling one or a series, invitations with .ics, attendance."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select

from guidematch import programme
from guidematch.extensions import db
from guidematch.mail import Attachment
from guidematch.models import Attendance, Branch, GroupMeeting, Guide, Pairing, Refugee
from guidematch.services import audit, clock, notify
from guidematch.services.errors import DomainError
from guidematch.vocabulary import PairingStatus, Respondent

MAX_SERIES_MONTHS = 12
ICS_FILENAME = "moete.ics"
ICS_CONTENT_TYPE = "text/calendar; method=REQUEST"


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


def cancel(meeting: GroupMeeting) -> None:
    """Remove a meeting nobody has been invited to yet."""
    if meeting.invitations_sent_at is not None:
        raise DomainError(_("Invitations to this meeting have gone out; it can no longer be removed."))
    audit.record("group_meeting.removed", meeting)
    db.session.delete(meeting)
    db.session.flush()


# ---------------------------------------------------------------- invitations

def invitees(branch_id: int) -> list[tuple[Respondent, Guide | Refugee]]:
    """Return every guide and refugee in an active pairing of the branch, each once."""
    active = list(db.session.scalars(select(Pairing).where(
        Pairing.branch_id == branch_id, Pairing.status == PairingStatus.ACTIVE).order_by(Pairing.id)))
    people: dict[tuple[Respondent, int], Guide | Refugee] = {}
    for pairing in active:
        people.setdefault((Respondent.GUIDE, pairing.guide_id), pairing.guide)
        people.setdefault((Respondent.REFUGEE, pairing.refugee_id), pairing.refugee)
    return [(side, person) for (side, _id), person in people.items()]


def ics(meeting: GroupMeeting, to_email: str = "", to_name: str = "") -> bytes:
    """Return the meeting as an iCalendar invitation (METHOD:REQUEST)."""
    cal = Calendar()
    cal.add("prodid", "-//Red Cross refugee guides//guidematch//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"group-meeting-{meeting.id}@guidematch")
    event.add("dtstamp", clock.now().replace(microsecond=0))
    event.add("dtstart", meeting.starts_at.astimezone(timezone.utc))
    event.add("dtend", meeting.starts_at.astimezone(timezone.utc) + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.description:
        event.add("description", meeting.description)
    organizer = vCalAddress(f"mailto:{_organizer_email(meeting)}")
    organizer.params["cn"] = vText(_("Red Cross refugee guide programme"))
    event["organizer"] = organizer
    if to_email:
        attendee = vCalAddress(f"mailto:{to_email}")
        attendee.params.update({"cn": vText(to_name or to_email), "role": "REQ-PARTICIPANT",
                                "partstat": "NEEDS-ACTION", "rsvp": "FALSE"})
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def _organizer_email(meeting: GroupMeeting) -> str:
    branch = db.session.get(Branch, meeting.branch_id)
    return (branch.contact_email if branch and branch.contact_email
            else current_app.config.get("MAIL_DEFAULT_SENDER") or "guidematch@localhost")


def send_invitations(meeting: GroupMeeting) -> int:
    """Invite every active guide and refugee not invited yet; return how many emails were queued."""
    existing = {(a.guide_id, a.refugee_id): a for a in meeting.attendances}
    sent = 0
    for side, person in invitees(meeting.branch_id):
        key = (person.id, None) if side == Respondent.GUIDE else (None, person.id)
        attendance = existing.get(key)
        if attendance is None:
            attendance = Attendance(meeting=meeting, guide_id=key[0], refugee_id=key[1])
            db.session.add(attendance)
        if attendance.invited_at is not None:
            continue
        calendar_file = (Attachment(ICS_FILENAME, ICS_CONTENT_TYPE, ics(meeting, person.email, person.first_name))
                         if notify.reachable(person) else None)
        message = notify.to_person(
            person, template="group_meeting_invitation",
            subject=_l("Invitation: group meeting for guides and refugees"),
            dedupe_key=f"invite:{meeting.id}:{side}:{person.id}", meeting=meeting,
            attachments=[calendar_file] if calendar_file else [])
        if message is not None:
            attendance.invited_at = clock.now()
            sent += 1
    if meeting.invitations_sent_at is None:
        meeting.invitations_sent_at = clock.now()
    db.session.flush()
    if sent:
        audit.record("group_meeting.invited", meeting, count=sent)
    return sent


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

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


SIDES = ((Respondent.GUIDE, Guide, Attendance.guide_id, Pairing.guide_id),
         (Respondent.REFUGEE, Refugee, Attendance.refugee_id, Pairing.refugee_id))


def attendance_list(meeting: GroupMeeting) -> list[AttendanceRow]:
    """Return everyone to tick for a meeting: those invited, and active people not invited (yet)."""
    rows: dict[tuple[Respondent, int], AttendanceRow] = {}
    # Names only, four queries: a big branch has thousands to list, their profiles are not shown.
    for side, model, attendance_column, pairing_column in SIDES:
        for person_id, first, last, came, invited_at in db.session.execute(
                select(model.id, model.first_name, model.last_name, Attendance.attended,
                       Attendance.invited_at)
                .join(Attendance, attendance_column == model.id)
                .where(Attendance.meeting_id == meeting.id)):
            rows[(side, person_id)] = AttendanceRow(side, person_id, first, last, came,
                                                    invited_at is not None)
        for person_id, first, last in db.session.execute(
                select(model.id, model.first_name, model.last_name).distinct()
                .join(Pairing, pairing_column == model.id)
                .where(Pairing.branch_id == meeting.branch_id,
                       Pairing.status == PairingStatus.ACTIVE)):
            rows.setdefault((side, person_id),
                            AttendanceRow(side, person_id, first, last, None, False))
    return sorted(rows.values(),
                  key=lambda r: (r.side != Respondent.GUIDE, r.first_name.lower(), r.person_id))


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
