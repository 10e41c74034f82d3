"""The coordinators' weekly digest: pairings that became at risk, agreements and evaluations overdue.

One email a week to each active coordinator of a branch, in their language, sent
by the first `reminders send` of the ISO week (the dedupe key
`digest:{branch}:{week}:{coordinator}` makes a second run send nothing). A week
with nothing to tell sends nothing: a digest that says "all is well" every Monday
teaches people to stop reading it.

"Became at risk" compares the at-risk rule (`compliance.at_risk`, the rule the
pairings page shows) today and seven days ago, so it needs no stored state and
says the same whichever day of the week the digest goes out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from guidematch import programme
from guidematch.extensions import db
from guidematch.links import external_url
from guidematch.models import Branch, Evaluation, Pairing
from guidematch.programme import Risk
from guidematch.services import clock, compliance, notify, pairing_names
from guidematch.vocabulary import AGREEMENT_OVERDUE_DAYS, EVALUATION_OVERDUE_DAYS, PairingStatus


@dataclass(frozen=True)
class Item:
    """One line of the digest: a pairing, why it is listed, and the link to its page."""

    pairing: Pairing
    url: str
    risks: tuple[Risk, ...] = ()
    since: date | None = None  # the day the agreement or evaluation request went out


@dataclass(frozen=True)
class Digest:
    at_risk: list[Item]
    agreements: list[Item]
    evaluations: list[Item]

    def __bool__(self) -> bool:
        return bool(self.at_risk or self.agreements or self.evaluations)


def _url(pairing_id: int) -> str:
    return external_url("pairings.detail", pairing_id=pairing_id)


def _start_of(today: date):
    return programme.local_to_utc(today, time(0), clock.timezone_name())


def overdue_agreements(branch: Branch, today: date) -> list[Item]:
    """Return the agreements still unanswered `AGREEMENT_OVERDUE_DAYS` after they went out."""
    sent_by = _start_of(today) - timedelta(days=AGREEMENT_OVERDUE_DAYS)
    pairings = db.session.scalars(
        select(Pairing).where(Pairing.branch_id == branch.id,
                              Pairing.status == PairingStatus.AWAITING_AGREEMENT,
                              Pairing.confirmed_at <= sent_by)
        .options(*pairing_names.lean_people()).order_by(Pairing.confirmed_at, Pairing.id))
    return [Item(p, _url(p.id), since=clock.day_of(p.confirmed_at)) for p in pairings]


def overdue_evaluations(branch: Branch, today: date) -> list[Item]:
    """Return active pairings with an evaluation unanswered `EVALUATION_OVERDUE_DAYS` after it
    was asked for: one line per pairing even when both sides are silent, dated by the earliest."""
    sent_by = _start_of(today) - timedelta(days=EVALUATION_OVERDUE_DAYS)
    rows = db.session.execute(
        select(Evaluation.pairing_id, Evaluation.sent_at)
        .join(Pairing, Pairing.id == Evaluation.pairing_id)
        .where(Pairing.branch_id == branch.id, Pairing.status == PairingStatus.ACTIVE,
               Evaluation.answered_at.is_(None), Evaluation.sent_at <= sent_by)
        .order_by(Evaluation.sent_at, Evaluation.pairing_id)).all()
    since: dict[int, date] = {}
    for pairing_id, sent_at in rows:
        since.setdefault(pairing_id, clock.day_of(sent_at))
    named = pairing_names.by_ids(since)
    return [Item(named[i], _url(i), since=day) for i, day in since.items()]


def collect(branch: Branch, today: date) -> Digest:
    """Return what the branch's coordinators should hear about this week."""
    before = {r.pairing_id for r in compliance.at_risk(branch, today - timedelta(days=7))}
    became = [r for r in compliance.at_risk(branch, today) if r.pairing_id not in before]
    named = pairing_names.by_ids(r.pairing_id for r in became)
    return Digest(
        at_risk=[Item(named[r.pairing_id], _url(r.pairing_id), tuple(r.risks)) for r in became],
        agreements=overdue_agreements(branch, today),
        evaluations=overdue_evaluations(branch, today))


def send(branch: Branch, today: date) -> int:
    """Queue this week's digest to each coordinator of the branch, once; return how many."""
    digest = collect(branch, today)
    if not digest:
        return 0
    week = programme.week_key(today)
    return len(notify.to_coordinators(
        branch.id, template="coordinator_digest",
        subject=_l("This week: pairings that need you"),
        dedupe_prefix=f"digest:{branch.id}:{week}", digest=digest, minimum=branch.weekly_minutes,
        agreement_days=AGREEMENT_OVERDUE_DAYS, evaluation_days=EVALUATION_OVERDUE_DAYS,
        at_risk_url=external_url("pairings.index", tab="at_risk")))
