"""The coordinator's steps on proposals: accept, lock, unlock, reject (remembered), pair by hand.

Each checks that the pairing is still a proposal, changes it, writes the audit
event and flushes; the view commits. Scores and hard rules come from the
matching adapter (`services.matching`), who may be matched from
`services.eligibility`, never from code of our own.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from guidematch.extensions import db
from guidematch.matching import Forbidden
from guidematch.models import Guide, MatchExclusion, Pairing, Refugee
from guidematch.services import audit, clock, eligibility, matching, pairings, proposal_store
from guidematch.services.errors import DomainError
from guidematch.vocabulary import PairingStatus


@dataclass
class PairPlan:
    """What pairing two people by hand changes among the proposals."""

    same: Pairing | None                                        # already proposed together
    replaced: list[Pairing] = field(default_factory=list)    # the refugee's other proposals
    displaced: list[Pairing] = field(default_factory=list)   # the guide's weakest, to make room


def plan_manual_pair(guide: Guide, refugee: Refugee) -> PairPlan:
    """Say which proposals pairing these two by hand would replace; DomainError if it cannot.

    The refugee's other proposals are replaced; if the guide's free places are
    all proposed already, the guide's weakest unlocked proposals make room.
    """
    taken = eligibility.taken_places(guide.branch, [guide.id]).get(guide.id, 0)
    if proposal_store.Places(guide.capacity, taken).for_run == 0:
        raise DomainError(_("%(name)s has no free place: all %(capacity)s are taken.",
                            name=guide.first_name, capacity=guide.capacity), "guide_id")
    current = proposal_store.proposals(guide.branch, for_update=True,
                                       involving=(guide, refugee))
    same = next((p for p in current if p.guide_id == guide.id and p.refugee_id == refugee.id),
                None)
    others = [p for p in current if p.guide_id == guide.id and p.refugee_id != refugee.id]
    # Counted from the rows just locked, by the rule the page and the run use (`Places`).
    held = proposal_store.Places(guide.capacity, taken, sum(p.locked for p in others))
    if held.free == 0:
        raise DomainError(_("Every free place of %(name)s is held by a locked proposal. Unlock or "
                            "reject one of them first.", name=guide.first_name), "guide_id")
    weakest_first = sorted((p for p in others if not p.locked), key=lambda p: (p.score or 0, -p.id))
    return PairPlan(same=same,
                    replaced=[p for p in current if p.refugee_id == refugee.id and p is not same],
                    displaced=weakest_first[:max(0, len(others) - held.for_run + 1)])


@dataclass
class ManualPair:
    pairing: Pairing
    displaced: list[Refugee] = field(default_factory=list)  # refugees whose proposal made room


def manual_pair(guide: Guide, refugee: Refugee, *, weights: Mapping[str, float] | None = None,
                today: date | None = None, created_by_id: int | None = None) -> ManualPair:
    """Pair two people by hand: a locked proposal with its score, refused if a hard rule breaks."""
    if guide.branch_id != refugee.branch_id:
        raise DomainError(_("%(guide)s and %(refugee)s cannot be paired: %(rule)s.",
                            guide=guide.first_name, refugee=refugee.first_name,
                            rule=matching.rule_text(Forbidden.BRANCH)))
    if not eligibility.is_waiting(refugee):
        raise DomainError(_("%(name)s is not on the waiting list.", name=refugee.first_name),
                          "refugee_id")
    if not eligibility.is_matchable(guide):
        raise DomainError(_("%(name)s is not an available guide: the status must be “available” "
                            "and the interview, introduction course and confidentiality "
                            "declaration recorded.", name=guide.first_name), "guide_id")
    assessed = matching.score_pair(guide, refugee, weights=weights, today=today)
    if not assessed.allowed:
        raise DomainError(_("%(guide)s and %(refugee)s cannot be paired: %(rule)s.",
                            guide=guide.first_name, refugee=refugee.first_name,
                            rule=assessed.problem))
    plan = plan_manual_pair(guide, refugee)
    pairing = plan.same or Pairing(branch_id=guide.branch_id, guide=guide, refugee=refugee,
                                   status=PairingStatus.PROPOSED, created_by_id=created_by_id)
    for old in plan.replaced + plan.displaced:
        db.session.delete(old)
    pairing.score, pairing.locked = round(assessed.score, 1), True
    pairing.reasons = proposal_store.reasons_to_json(assessed.reasons)
    pairing.proposed_at = clock.now()
    db.session.add(pairing)
    db.session.flush()
    audit.record("matching.manual_pair", pairing, replaced=len(plan.replaced),
                 displaced=len(plan.displaced))
    return ManualPair(pairing, [p.refugee for p in plan.displaced])


# ------------------------------------------------------------------ a proposal's steps

def _proposed(pairing: Pairing) -> None:
    if pairing.status != PairingStatus.PROPOSED:
        raise DomainError(_("This is no longer a proposal: it was accepted or rejected meanwhile."))


def lock(pairing: Pairing) -> Pairing:
    """Keep a proposal through later runs."""
    _proposed(pairing)
    pairing.locked = True
    audit.record("matching.lock", pairing)
    db.session.flush()
    return pairing


def unlock(pairing: Pairing) -> Pairing:
    """Let the next run replace a proposal."""
    _proposed(pairing)
    pairing.locked = False
    audit.record("matching.unlock", pairing)
    db.session.flush()
    return pairing


def reject_proposal(pairing: Pairing, created_by_id: int | None = None) -> Pairing:
    """Turn a proposal down, and never propose the same two people again."""
    _proposed(pairing)
    pairings.reject(pairing)
    pairing.locked = False
    exclude(pairing.guide, pairing.refugee, created_by_id=created_by_id)
    db.session.flush()
    return pairing


def exclude(guide: Guide, refugee: Refugee, reason: str = "rejected",
            created_by_id: int | None = None) -> None:
    """Remember that these two are never to be proposed (once; a repeat changes nothing)."""
    if db.session.scalar(select(MatchExclusion.id).where(MatchExclusion.guide_id == guide.id,
                                                         MatchExclusion.refugee_id == refugee.id)):
        return
    exclusion = MatchExclusion(branch_id=guide.branch_id, guide_id=guide.id, refugee_id=refugee.id,
                               reason=reason, created_by_id=created_by_id)
    db.session.add(exclusion)
    db.session.flush()
    audit.record("matching.exclude", exclusion, reason=reason)


def allow_again(guide: Guide, refugee: Refugee) -> None:
    """Forget an exclusion: the two may be proposed again."""
    found = db.session.scalar(select(MatchExclusion).where(MatchExclusion.guide_id == guide.id,
                                                           MatchExclusion.refugee_id == refugee.id))
    if found is None:
        raise DomainError(_("These two were not excluded."))
    audit.record("matching.allow_again", found)
    db.session.execute(delete(MatchExclusion).where(MatchExclusion.id == found.id))
    db.session.flush()


def accept_proposal(pairing: Pairing) -> Pairing:
    """Confirm a proposal: it takes a place of the guide, and both get the agreement by email."""
    _proposed(pairing)
    return pairings.confirm(pairing)
