"""Who of a branch's active pairings is at risk, from sums per ISO week in SQL.

The dashboard, the pairings tabs and the at-risk list judge every active pairing
of a branch. Loading each pairing's logs and walking its weeks in Python grew
with the months a branch has run; here the database sums the minutes per ISO
week (GROUP BY pairing and Monday) and returns one row per pairing: the Monday
of its last week that met the minimum and the day of its last log. The rule
itself stays in `programme` (`summary_risks`, which tests hold equal to `risks`).
Two queries for a branch, whatever its size.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, func, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from guidematch import programme
from guidematch.extensions import db
from guidematch.models import Branch, MeetingLog, Pairing, Pause
from guidematch.programme import Risk, Span
from guidematch.vocabulary import PairingStatus


class iso_monday(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """The Monday of the ISO week of a date column, in SQL."""

    type = Date()
    inherit_cache = True


@compiles(iso_monday, "postgresql")
def _monday_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(iso_monday)
def _monday_sqlite(element, compiler, **kw):
    # 'weekday 0' moves to the next Sunday (or stays on one); six days back is its Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@dataclass(frozen=True)
class Summary:
    """What the weekly rule needs of one running pairing, read without its logs."""

    pairing_id: int
    start: date
    last_met_monday: date | None
    last_log: date | None
    pauses: tuple[Span, ...] = ()

    def risks(self, today: date, minimum: int) -> list[Risk]:
        return programme.summary_risks(self.start, today, self.last_met_monday, self.last_log,
                                       self.pauses, minimum)


def _active(branch_id: int):
    return (Pairing.branch_id == branch_id, Pairing.status == PairingStatus.ACTIVE,
            Pairing.start_date.is_not(None))


def summaries(branch: Branch, today: date) -> list[Summary]:
    """Return a summary of every active pairing of the branch (two queries)."""
    branch_id, minimum = branch.id, branch.weekly_minutes
    monday = iso_monday(MeetingLog.met_on)
    met_weeks = (select(MeetingLog.pairing_id, monday.label("monday"))
                 .join(Pairing, Pairing.id == MeetingLog.pairing_id)
                 .where(*_active(branch_id), MeetingLog.met_on >= Pairing.start_date,
                        MeetingLog.met_on <= today)
                 .group_by(MeetingLog.pairing_id, monday)
                 .having(func.sum(MeetingLog.minutes) >= minimum).subquery())
    last_met = (select(met_weeks.c.pairing_id,
                       type_coerce(func.max(met_weeks.c.monday), Date).label("monday"))
                .group_by(met_weeks.c.pairing_id).subquery())
    last_log = (select(MeetingLog.pairing_id, func.max(MeetingLog.met_on).label("day"))
                .join(Pairing, Pairing.id == MeetingLog.pairing_id)
                .where(*_active(branch_id), MeetingLog.met_on <= today)
                .group_by(MeetingLog.pairing_id).subquery())
    rows = db.session.execute(
        select(Pairing.id, Pairing.start_date, last_met.c.monday, last_log.c.day)
        .outerjoin(last_met, last_met.c.pairing_id == Pairing.id)
        .outerjoin(last_log, last_log.c.pairing_id == Pairing.id)
        .where(*_active(branch_id)).order_by(Pairing.id)).all()
    pauses: dict[int, list[Span]] = defaultdict(list)
    for pairing_id, first, last in db.session.execute(
            select(Pause.pairing_id, Pause.starts_on, Pause.ends_on)
            .join(Pairing, Pairing.id == Pause.pairing_id).where(*_active(branch_id))):
        pauses[pairing_id].append(Span(first, last))
    return [Summary(pid, start, met, last, tuple(pauses.get(pid, ())))
            for pid, start, met, last in rows]


@dataclass(frozen=True)
class AtRisk:
    """An active pairing that needs a call, and why."""

    pairing_id: int
    risks: list[Risk]
    last_log: date | None


def at_risk(branch: Branch, today: date) -> list[AtRisk]:
    """Return the branch's active pairings that need a call, longest silence first."""
    found = []
    for summary in summaries(branch, today):
        risks = summary.risks(today, branch.weekly_minutes)
        if risks:
            found.append(AtRisk(summary.pairing_id, risks, summary.last_log))
    return sorted(found, key=lambda r: (r.last_log or date.min, r.pairing_id))


def risks_by_pairing(branch: Branch, today: date) -> dict[int, list[Risk]]:
    """Return the reasons each active pairing of the branch is at risk (absent: it is not)."""
    return {r.pairing_id: r.risks for r in at_risk(branch, today)}
