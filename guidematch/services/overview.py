"""The dashboard's answer to "who needs me today?": one call, a bounded number of queries.

Every figure is read from the module that owns it, so the dashboard cannot say
something the report, the pairings page or the digest says differently: the
waiting list and the gap from `report_figures`, the trend from `gap_history`,
at risk from `compliance`, overdue agreements and evaluations from `digest`.
Lists stop at `LISTED`; the count says how many more there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from guidematch.extensions import db
from guidematch.models import Branch, GroupMeeting, Guide, OutboxMessage, Pairing
from guidematch.programme import Risk
from guidematch.services import (
    clock, compliance, digest, eligibility, gap_history, pairing_names, report_figures,
)
from guidematch.vocabulary import GuideStatus, OutboxStatus, PairingStatus

LISTED = 5


@dataclass(frozen=True)
class Listed:
    """The first `LISTED` items of a list and how many there are in all."""

    items: list
    total: int

    @classmethod
    def of(cls, items: list) -> Listed:
        return cls(items[:LISTED], len(items))


@dataclass(frozen=True)
class Risky:
    """An at-risk pairing to call: the pairing (with names), why, and its last logged meeting."""

    pairing: Pairing
    risks: tuple[Risk, ...]
    last_log: date | None


@dataclass(frozen=True)
class Overview:
    waiting: report_figures.WaitingNow
    trend: list[gap_history.Month]
    applied: int
    can_guide: int
    active_pairings: int
    at_risk: Listed
    agreements: Listed
    evaluations: Listed
    next_meeting: GroupMeeting | None
    failed_mail: int


def _count(branch_id: int, model, *where) -> int:
    """Count the branch's rows of `model` that hold `where`."""
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.branch_id == branch_id, *where)) or 0


def _at_risk(branch: Branch, today: date) -> Listed:
    found = compliance.at_risk(branch, today)
    named = pairing_names.by_ids(r.pairing_id for r in found[:LISTED])
    items = [Risky(named[r.pairing_id], tuple(r.risks), r.last_log) for r in found[:LISTED]]
    return Listed(items, len(found))


def _next_meeting(branch_id: int) -> GroupMeeting | None:
    return db.session.scalar(
        select(GroupMeeting).where(GroupMeeting.branch_id == branch_id,
                                   GroupMeeting.starts_at > clock.now(),
                                   GroupMeeting.cancelled_at.is_(None))
        .order_by(GroupMeeting.starts_at).limit(1))


def overview(branch: Branch, today: date) -> Overview:
    """Return everything the branch's dashboard shows on `today`."""
    waiting = report_figures.waiting_now(branch.id, today)
    return Overview(
        waiting=waiting,
        trend=gap_history.trend(branch, today, waiting.gap),
        applied=_count(branch.id, Guide, Guide.status == GuideStatus.APPLIED),
        can_guide=eligibility.count(eligibility.can_guide_select(branch.id)),
        active_pairings=_count(branch.id, Pairing, Pairing.status == PairingStatus.ACTIVE),
        at_risk=_at_risk(branch, today),
        agreements=Listed.of(digest.overdue_agreements(branch, today)),
        evaluations=Listed.of(digest.overdue_evaluations(branch, today)),
        next_meeting=_next_meeting(branch.id),
        failed_mail=_count(branch.id, OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED),
    )
