"""The recruitment gap over time: written once a day by `reminders send`, read by the dashboard.

A month's figure is the last one recorded in it (for the month under way: today's,
computed live), so the trend reads "where we stood at the end of each month".
A month with no record shows as a gap in the chart, never as a guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch, GapSnapshot
from guidematch.programme import add_months
from guidematch.services import report_figures
from guidematch.services.report_figures import Gap

TREND_MONTHS = 12


@dataclass(frozen=True)
class Month:
    first_day: date
    gap: Gap | None  # None: nothing was recorded that month


def record(branch: Branch, today: date) -> int:
    """Write the branch's gap of `today` (again, if already written today); return 1."""
    gap = report_figures.waiting_now(branch.id, today).gap
    row = db.session.scalar(select(GapSnapshot).where(GapSnapshot.branch_id == branch.id,
                                                      GapSnapshot.day == today))
    if row is None:
        row = GapSnapshot(branch_id=branch.id, day=today)
        db.session.add(row)
    row.needing_male_guide = gap.needing_male_guide
    row.free_places_male_guides = gap.free_places_male_guides
    db.session.flush()
    return 1


def trend(branch: Branch, today: date, now: Gap) -> list[Month]:
    """Return the last `TREND_MONTHS` months, oldest first, ending with today's gap `now`."""
    this_month = today.replace(day=1)
    first = add_months(this_month, 1 - TREND_MONTHS)
    rows = db.session.execute(
        select(GapSnapshot.day, GapSnapshot.needing_male_guide, GapSnapshot.free_places_male_guides)
        .where(GapSnapshot.branch_id == branch.id, GapSnapshot.day >= first,
               GapSnapshot.day < this_month)
        .order_by(GapSnapshot.day)).all()
    last_of_month = {day.replace(day=1): Gap(needing, free) for day, needing, free in rows}
    months = [add_months(first, i) for i in range(TREND_MONTHS - 1)]
    return [Month(m, last_of_month.get(m)) for m in months] + [Month(this_month, now)]
