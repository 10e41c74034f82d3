"""All branches side by side: each branch's `Report` and, where adding up means something, a total.

Every branch figure is `report_figures.figures()`'s, so no figure is computed another way
here; this module only decides the "All branches" column:

- counts (people or not) add up;
- a share or a rate is pooled from the branches' own numerator and denominator: the
  share of pairing-weeks that met the minimum over `pairing_weeks_counted`, the
  attendance rate over `group_meeting_attendances_recorded` (rate x denominator is the
  branch's numerator), so the total is the share of all weeks, never an average of shares;
- medians and percentiles have no total: the report keeps no branch's waiting days, and
  a median of medians is not the median of all (`NO_TOTAL`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.services import report_figures
from guidematch.services.report_figures import Figure, Report

# A pooled share: its name -> the count it is a share of.
POOLED = {"share_weeks_meeting_minimum": "pairing_weeks_counted",
          "group_meeting_attendance_rate": "group_meeting_attendances_recorded"}
NO_TOTAL_PREFIXES = ("median_", "p90_")


def has_total(name: str) -> bool:
    """Return whether the measure has an "All branches" total (not a median or percentile)."""
    return not name.startswith(NO_TOTAL_PREFIXES)


@dataclass(frozen=True)
class National:
    start: date
    end: date
    at_end: date
    branches: tuple[str, ...]          # names, in the order of the columns
    reports: tuple[Report, ...]        # one per branch, same order
    totals: tuple[Figure, ...]         # one per measure, in the report's order

    def sections(self) -> list[tuple[str, list[tuple[Figure, list[Figure]]]]]:
        """Return (section, [(total, the branches' figures)]) in the report's order."""
        by_branch = [{f.name: f for f in r.figures} for r in self.reports]
        return [(section, [(total, [figures[total.name] for figures in by_branch])
                           for total in self.totals if total.section == section])
                for section in report_figures.SECTIONS]

    def rows(self, outside: bool = False) -> list[list[object]]:
        """Return [measure, each branch's value..., total] per measure; `outside` hides 1-2 people.

        Outside the branches a total is left empty when a branch's count in it is hidden:
        the total minus the other branches would give the hidden count away.
        """
        out = []
        for total, figures in (row for _, rows in self.sections() for row in rows):
            values = [f.shown_outside() if outside else f.value for f in figures]
            if outside and report_figures.SMALL_COUNT in values:
                shown_total = None
            else:
                shown_total = total.shown_outside() if outside else total.value
            out.append([total.name, *values, shown_total])
        return out


def national(start: date, end: date, today: date | None = None) -> National:
    """Return every branch's figures for the period (branches by name) and their totals."""
    report_figures.check_period(start, end)
    branches = db.session.scalars(select(Branch).order_by(Branch.name, Branch.id)).all()
    # One `figures()` per branch: its queries are per branch, so the page's queries grow
    # with the number of branches (a handful), never with the people in them.
    reports = tuple(report_figures.figures(b, start, end, today) for b in branches)
    at_end = reports[0].at_end if reports else min(end, today or end)
    return National(start, end, at_end, tuple(b.name for b in branches), reports,
                    _totals(reports))


def _totals(reports: tuple[Report, ...]) -> tuple[Figure, ...]:
    if not reports:
        return ()
    totals = []
    for figure in reports[0].figures:
        totals.append(Figure(figure.name, _total(figure.name, reports), figure.section,
                             figure.people))
    return tuple(totals)


def _total(name: str, reports: tuple[Report, ...]) -> int | float | None:
    if not has_total(name):
        return None
    if name in POOLED:
        base = POOLED[name]
        denominator = sum(r.value(base) or 0 for r in reports)
        if not denominator:
            return None
        # Each branch's numerator back from its share: a whole number of weeks or marks.
        numerator = sum(round(r.value(name) * r.value(base)) for r in reports if r.value(base))
        return numerator / denominator
    return sum(r.value(name) or 0 for r in reports)
