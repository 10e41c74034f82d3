"""A matching run as saved: when, how big, and why each refugee it left waiting waits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from guidematch.models.base import Model, UTCDateTime
from guidematch.services import clock


class MatchRun(Model):
    """One run of the matching in a branch; the newest one explains the waiting list."""

    __tablename__ = "match_runs"
    __table_args__ = (Index("ix_match_runs_branch_ran", "branch_id", "ran_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"))
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    refugees: Mapped[int] = mapped_column(default=0, server_default="0")
    guides: Mapped[int] = mapped_column(default=0, server_default="0")
    proposed: Mapped[int] = mapped_column(default=0, server_default="0")
    milliseconds: Mapped[int] = mapped_column(default=0, server_default="0")


class MatchRunWaiting(Model):
    """Why a refugee a run left without a proposal waits (written once, when the run is saved).

    `details` holds ids and codes only, never names: the page puts them into
    words in the reader's language, and an erased person disappears with the
    cascade rather than living on in a copy of their name.
    """

    __tablename__ = "match_run_waiting"

    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"),
                                        primary_key=True)
    refugee_id: Mapped[int] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(32))
    fitting: Mapped[int] = mapped_column(default=0, server_default="0")
    rule: Mapped[int | None] = mapped_column(SmallInteger)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
