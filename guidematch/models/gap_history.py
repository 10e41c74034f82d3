"""The recruitment gap as it stood on each day `reminders send` ran: the dashboard's trend.

The database keeps no history of who was waiting or which places were free, so
the gap of a past month cannot be computed again; it is written down the day it
is true (one row per branch and day, a second run the same day overwrites it).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from guidematch.models.base import Model


class GapSnapshot(Model):
    """On `day`: refugees whose own wish allows only a male guide, and free places with male guides."""

    __tablename__ = "gap_snapshots"
    __table_args__ = (UniqueConstraint("branch_id", "day", name="uq_gap_snapshots_branch_id_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    needing_male_guide: Mapped[int] = mapped_column(Integer)
    free_places_male_guides: Mapped[int] = mapped_column(Integer)
