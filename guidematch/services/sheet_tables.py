"""A branch's pairings, group-meeting attendance and evaluations as tables for CSV and XLSX.

Each function returns (header, rows) with typed cells (dates as dates, numbers as
numbers) in the reader's language; `spreadsheets` writes them. Every query is
limited to one branch.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from guidematch import labels
from guidematch.extensions import db
from guidematch.models import Branch, Evaluation, GroupMeeting, MeetingLog, Pairing
from guidematch.services import clock
from guidematch.services.group_meetings import attendance_list
from guidematch.vocabulary import Respondent

Table = tuple[list[str], list[list[object]]]


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(clock.timezone_name())).replace(tzinfo=None)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def hours_a_week(minutes: int, start: date | None, last_day: date) -> float | None:
    """Return the mean logged hours a week from `start` to `last_day` (one week at least)."""
    if start is None or last_day < start:
        return None
    weeks = max(1.0, ((last_day - start).days + 1) / 7)
    return round(minutes / 60 / weeks, 1)


def pairings(branch: Branch, today: date) -> Table:
    """Return every pairing of the branch: who, status, dates, hours a week, last log."""
    minutes = dict(db.session.execute(
        select(MeetingLog.pairing_id, func.coalesce(func.sum(MeetingLog.minutes), 0))
        .join(Pairing).where(Pairing.branch_id == branch.id).group_by(MeetingLog.pairing_id)).all())
    last_log = dict(db.session.execute(
        select(MeetingLog.pairing_id, func.max(MeetingLog.met_on))
        .join(Pairing).where(Pairing.branch_id == branch.id).group_by(MeetingLog.pairing_id)).all())
    chosen = db.session.scalars(select(Pairing).where(Pairing.branch_id == branch.id)
                                .order_by(Pairing.start_date.desc(), Pairing.id.desc()))
    header = [_("Guide"), _("Refugee"), _("Status"), _("Start"), _("Earliest end"),
              _("Planned end"), _("Ended"), _("End reason"), _("Hours a week (mean since start)"),
              _("Minutes logged"), _("Last log"), _("Score")]
    rows = []
    for p in chosen:
        logged = int(minutes.get(p.id, 0))
        rows.append([p.guide.full_name, p.refugee.full_name, labels.label(p.status),
                     p.start_date, p.earliest_end, p.planned_end, p.ended_on,
                     labels.label(p.end_reason) if p.end_reason else "",
                     hours_a_week(logged, p.start_date, min(p.ended_on or today, today)),
                     logged, last_log.get(p.id),
                     round(p.score, 1) if p.score is not None else None])
    return header, rows


def attendance(branch: Branch, meetings: Sequence[GroupMeeting] | None = None) -> Table:
    """Return who was invited to the branch's group meetings (or the given ones), their answer, who came."""
    if meetings is None:
        meetings = list(db.session.scalars(select(GroupMeeting)
                                           .where(GroupMeeting.branch_id == branch.id)
                                           .order_by(GroupMeeting.starts_at)))
    header = [_("Meeting"), _("Starts"), _("Place"), _("Name"), _("Guide or refugee"),
              _("Invited"), _("Will come"), _("Came")]
    rows = []
    for meeting in meetings:
        if meeting.branch_id != branch.id:
            raise ValueError("attendance of another branch's meeting")
        for row in attendance_list(meeting):
            side = row.side
            rows.append([meeting.title, _local(meeting.starts_at), meeting.location,
                         row.full_name, _("Guide") if side == Respondent.GUIDE else _("Refugee"),
                         _yes_no(row.invited), _yes_no(row.coming), _yes_no(row.came)])
    return header, rows


def evaluations(branch: Branch) -> Table:
    """Return the branch's 3-month evaluations: who answered what, and when."""
    chosen = db.session.scalars(
        select(Evaluation).join(Pairing).where(Pairing.branch_id == branch.id)
        .order_by(Evaluation.answered_at.desc().nulls_last(), Evaluation.id))
    header = [_("Guide"), _("Refugee"), _("Answered by"), _("Sent"), _("Answered"),
              _("Satisfaction (1-5)"), _("How often they meet"), _("Wants to continue"),
              _("What works well"), _("What could be better")]
    rows = []
    for e in chosen:
        rows.append([e.pairing.guide.full_name, e.pairing.refugee.full_name,
                     _("Guide") if e.respondent == Respondent.GUIDE else _("Refugee"),
                     _local(e.sent_at) if e.sent_at else None,
                     _local(e.answered_at) if e.answered_at else None, e.satisfaction,
                     labels.label(e.meeting_frequency) if e.meeting_frequency else "",
                     _yes_no(e.wants_to_continue), e.works_well, e.could_improve])
    return header, rows
