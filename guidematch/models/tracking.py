"""Following a pairing: meeting logs, pauses, group meetings and attendance, evaluations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, ForeignKey, Integer, SmallInteger, String, Text,
    UniqueConstraint, false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidematch import vocabulary as v
from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.models.pairing import Pairing
from guidematch.models.people import Guide, Refugee
from guidematch.services import clock


class MeetingLog(Model):
    """Time a pair spent together on one day, logged by the guide or a coordinator."""

    __tablename__ = "meeting_logs"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 0 AND 1440", name="minutes_range"),
        # A one-click weekly answer is one row per pairing and ISO week: a second
        # click corrects it instead of counting twice.
        UniqueConstraint("pairing_id", "quick_week", name="uq_meeting_logs_pairing_quick_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    quick_week: Mapped[str | None] = mapped_column(String(8))  # "2026-W47" for one-click answers
    logged_by: Mapped[str] = mapped_column(String(16), default="guide")  # guide | coordinator
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    pairing: Mapped[Pairing] = relationship()


class Pause(Model):
    """A declared break (holiday, illness): its weeks don't count against the minimum."""

    __tablename__ = "pauses"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[v.PauseReason] = mapped_column(enum_type(v.PauseReason))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # From the page of the guide's weekly email, not by a coordinator.
    declared_by_guide: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    pairing: Mapped[Pairing] = relationship()


class GroupMeeting(Model):
    """The monthly joint meeting for all guides and refugees of a branch."""

    __tablename__ = "group_meetings"
    __table_args__ = (CheckConstraint("duration_minutes BETWEEN 15 AND 1440", name="duration_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(SmallInteger, default=120, server_default="120")
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    invitations_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The iCalendar SEQUENCE: 0 as first invited, one up with each change or the cancellation.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True)


class Attendance(Model):
    """Whether one guide or one refugee came to one group meeting."""

    __tablename__ = "attendances"
    __table_args__ = (
        CheckConstraint("(guide_id IS NULL) <> (refugee_id IS NULL)", name="one_person"),
        UniqueConstraint("meeting_id", "guide_id", name="uq_attendances_meeting_guide"),
        UniqueConstraint("meeting_id", "refugee_id", name="uq_attendances_meeting_refugee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("group_meetings.id", ondelete="CASCADE"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    refugee_id: Mapped[int | None] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool | None]  # None until the coordinator ticks the list
    coming: Mapped[bool | None]  # the person's own answer by link; None until they answer
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[GroupMeeting] = relationship(back_populates="attendances")
    guide: Mapped[Guide | None] = relationship()
    refugee: Mapped[Refugee | None] = relationship()


class Evaluation(Model):
    """One side's answers to the evaluation three months into a pairing."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("pairing_id", "respondent", name="uq_evaluations_pairing_respondent"),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    respondent: Mapped[v.Respondent] = mapped_column(enum_type(v.Respondent))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    meeting_frequency: Mapped[v.MeetingFrequency | None] = mapped_column(enum_type(v.MeetingFrequency))
    works_well: Mapped[str] = mapped_column(Text, default="", server_default="")
    could_improve: Mapped[str] = mapped_column(Text, default="", server_default="")
    wants_to_continue: Mapped[bool | None]

    pairing: Mapped[Pairing] = relationship()
