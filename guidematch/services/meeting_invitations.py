"""Group meeting invitations as calendar programs read them, their updates and cancellations, and answers.

Every invitation carries an iCalendar file (RFC 5545, iTIP methods of RFC 5546)
whose UID is made from the meeting's row and the site's host name, so it is
unique per deployment and the same for the life of the meeting. A change sends
the same UID with SEQUENCE one up and METHOD:REQUEST, which calendar programs
take as a replacement of the entry they hold; a cancellation sends METHOD:CANCEL
with STATUS:CANCELLED. Updates and cancellations go to everyone invited before.

A monthly series is sent as separate events, each with its own UID, not as one
VEVENT with an RRULE: invitations go out some days before each date, to the
people in a pairing then (pairings start and end from one month to the next, so
the invitees differ per date); each date can be changed or cancelled on its own;
and attendance and answers are kept per date. One RRULE event would have to
reach everyone with every date at once, and every change of one date would be
an override (RECURRENCE-ID) sent to people never invited to that date.

Invitees answer "I will come" / "I cannot come" through signed links carrying
the meeting's id, the side and the person's id (never an email address).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select

from guidematch import links
from guidematch.extensions import db
from guidematch.mail import Attachment
from guidematch.models import Attendance, Branch, GroupMeeting, Guide, Pairing, Refugee
from guidematch.services import audit, clock, notify
from guidematch.services.errors import DomainError
from guidematch.services.outbox import site_host
from guidematch.vocabulary import MEETING_ANSWER_LINK_DAYS, PairingStatus, Respondent

ICS_FILENAME = "moete.ics"
REQUEST, CANCEL = "REQUEST", "CANCEL"
ANSWER = "group-meeting-answer"


def content_type(method: str) -> str:
    """Return the MIME type of an .ics part: the charset, so that mail readers decode it right."""
    return f"text/calendar; charset=utf-8; method={method}"


def uid(meeting: GroupMeeting) -> str:
    """Return the meeting's UID: its row (id and creation time) at this deployment's host."""
    return f"group-meeting.{meeting.id}.{meeting.created_at:%Y%m%d%H%M%S}@{site_host()}"


def ics(meeting: GroupMeeting, to_email: str = "", to_name: str = "", method: str = REQUEST) -> bytes:
    """Return the meeting as an iCalendar message: an invitation or update (REQUEST) or a CANCEL."""
    cal = Calendar()
    cal.add("prodid", "-//Red Cross refugee guides//guidematch//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", clock.now().astimezone(timezone.utc).replace(microsecond=0))
    start = meeting.starts_at.astimezone(timezone.utc)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.description:
        event.add("description", meeting.description)
    organizer = vCalAddress(f"mailto:{_organizer_email(meeting)}")
    organizer.params["cn"] = vText(_("Red Cross refugee guide programme"))
    event["organizer"] = organizer
    if to_email:
        attendee = vCalAddress(f"mailto:{to_email}")
        # RSVP=FALSE: answers come through the email's links, not as iTIP replies to the organizer.
        attendee.params.update({"cn": vText(to_name or to_email), "role": "REQ-PARTICIPANT",
                                "partstat": "NEEDS-ACTION", "rsvp": "FALSE"})
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def _organizer_email(meeting: GroupMeeting) -> str:
    branch = db.session.get(Branch, meeting.branch_id)
    return (branch.contact_email if branch and branch.contact_email
            else current_app.config.get("MAIL_DEFAULT_SENDER") or "guidematch@localhost")


def invitees(branch_id: int) -> list[tuple[Respondent, Guide | Refugee]]:
    """Return every guide and refugee in an active pairing of the branch, each once."""
    active = list(db.session.scalars(select(Pairing).where(
        Pairing.branch_id == branch_id, Pairing.status == PairingStatus.ACTIVE).order_by(Pairing.id)))
    people: dict[tuple[Respondent, int], Guide | Refugee] = {}
    for pairing in active:
        people.setdefault((Respondent.GUIDE, pairing.guide_id), pairing.guide)
        people.setdefault((Respondent.REFUGEE, pairing.refugee_id), pairing.refugee)
    return [(side, person) for (side, _id), person in people.items()]


def answer_urls(meeting: GroupMeeting, side: Respondent, person: Guide | Refugee) -> dict[str, str]:
    """Return the person's "I will come" and "I cannot come" links."""
    token = links.sign(ANSWER, m=meeting.id, s=str(side), who=person.id)
    return {"yes_url": links.external_url("links.meeting_answer", token=token, answer="yes"),
            "no_url": links.external_url("links.meeting_answer", token=token, answer="no")}


def _queue(meeting: GroupMeeting, side: Respondent, person: Guide | Refugee, *, template: str, subject,
           dedupe_key: str, method: str = REQUEST, **context):
    calendar_file = Attachment(ICS_FILENAME, content_type(method), ics(meeting, person.email, person.first_name,
                                                                       method))
    extra = answer_urls(meeting, side, person) if method == REQUEST else {}
    return notify.to_person(person, template=template, subject=subject, dedupe_key=dedupe_key,
                            meeting=meeting, attachments=[calendar_file], **extra, **context)


def send_invitations(meeting: GroupMeeting) -> int:
    """Invite every active guide and refugee not invited yet; return how many emails were queued."""
    if meeting.cancelled_at is not None:
        raise DomainError(_("This meeting is cancelled."))
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
        message = _queue(meeting, side, person, template="group_meeting_invitation",
                         subject=_l("Invitation: group meeting for guides and refugees"),
                         dedupe_key=f"invite:{meeting.id}:{side}:{person.id}")
        if message is not None:
            attendance.invited_at = clock.now()
            sent += 1
    if meeting.invitations_sent_at is None:
        meeting.invitations_sent_at = clock.now()
    db.session.flush()
    if sent:
        audit.record("group_meeting.invited", meeting, count=sent)
    return sent


def _invited(meeting: GroupMeeting) -> list[tuple[Respondent, Guide | Refugee]]:
    rows = db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.invited_at.is_not(None)).order_by(Attendance.id))
    return [(Respondent.GUIDE, a.guide) if a.guide_id else (Respondent.REFUGEE, a.refugee) for a in rows]


def send_updates(meeting: GroupMeeting, changes: list[str], before: dict) -> int:
    """Send the changed meeting (same UID, its new SEQUENCE) to everyone invited; return how many."""
    sent = 0
    for side, person in _invited(meeting):
        if _queue(meeting, side, person, template="group_meeting_update",
                  subject=_l("Changed: group meeting for guides and refugees"),
                  dedupe_key=f"update:{meeting.id}:{meeting.sequence}:{side}:{person.id}",
                  changes=changes, before=before) is not None:
            sent += 1
    return sent


def send_cancellations(meeting: GroupMeeting) -> int:
    """Tell everyone invited that the meeting is cancelled (METHOD:CANCEL); return how many."""
    sent = 0
    for side, person in _invited(meeting):
        if _queue(meeting, side, person, template="group_meeting_cancelled",
                  subject=_l("Cancelled: group meeting for guides and refugees"),
                  dedupe_key=f"cancel:{meeting.id}:{side}:{person.id}", method=CANCEL) is not None:
            sent += 1
    return sent


# ---------------------------------------------------------------- answers by link

@dataclass(frozen=True)
class AnswerLink:
    """A verified answer link: the meeting, and the invited person it was made for."""

    meeting: GroupMeeting
    side: Respondent
    person: Guide | Refugee
    attendance: Attendance


def read_answer_link(token: str) -> AnswerLink:
    """Return whose answer link this is, or raise links.LinkError (tampered, not invited, too old)."""
    payload = links.verify(ANSWER, token, timedelta(days=MEETING_ANSWER_LINK_DAYS))
    try:
        side = Respondent(payload["s"])
        meeting = db.session.get(GroupMeeting, int(payload["m"]))
        person_id = int(payload["who"])
    except (KeyError, TypeError, ValueError):
        raise links.LinkError("malformed") from None
    if meeting is None:
        raise links.LinkError("gone")
    column = Attendance.guide_id if side == Respondent.GUIDE else Attendance.refugee_id
    attendance = db.session.scalar(select(Attendance).where(
        Attendance.meeting_id == meeting.id, column == person_id, Attendance.invited_at.is_not(None)))
    person = (attendance.guide if side == Respondent.GUIDE else attendance.refugee) if attendance else None
    if person is None or person.anonymised_at is not None:
        raise links.LinkError("not invited")
    return AnswerLink(meeting, side, person, attendance)


def is_open(meeting: GroupMeeting, now: datetime | None = None) -> bool:
    """Whether the meeting can still be changed, cancelled and answered: coming, not cancelled."""
    return meeting.cancelled_at is None and meeting.starts_at > (now or clock.now())


def refuse_unless_open(meeting: GroupMeeting, now: datetime | None = None) -> None:
    """Refuse a change, a cancellation or an answer once the meeting is cancelled or begun."""
    if meeting.cancelled_at is not None:
        raise DomainError(_("This meeting is cancelled."))
    if not is_open(meeting, now):
        raise DomainError(_("This meeting has already taken place."))


def answer(link: AnswerLink, coming: bool) -> bool | None:
    """Record whether the person will come; return their earlier answer (None if none)."""
    refuse_unless_open(link.meeting)
    previous = link.attendance.coming
    link.attendance.coming = coming
    link.attendance.answered_at = clock.now()
    db.session.flush()
    return previous
