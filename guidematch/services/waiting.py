"""Who waits without a proposal, and why: no guide fits, all fitting ones are taken, one is free."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from guidematch import matching as core
from guidematch.matching import Forbidden
from guidematch.models import Branch, Refugee
from guidematch.services import clock, eligibility, proposal_store
from guidematch.services.matching import weights_for
from guidematch.services.people import record_from_person

# Why a refugee waits without a proposal (the first two are the core's words).
NO_ALLOWED_GUIDE = "no_allowed_guide"
GUIDES_TAKEN = "guides_taken"
GUIDE_FREE = "guide_free"  # a fitting guide has a free place: the matching was not run since


@dataclass(frozen=True)
class Waiting:
    """A waiting refugee without a proposal, and why."""

    refugee: Refugee
    reason: str                     # NO_ALLOWED_GUIDE, GUIDES_TAKEN or GUIDE_FREE
    fitting: int = 0                # guides the hard rules allow for them
    rule: Forbidden | None = None   # with no fitting guide: the rule that keeps most away

    @property
    def no_allowed_guide(self) -> bool:
        return self.reason == NO_ALLOWED_GUIDE

    @property
    def guides_taken(self) -> bool:
        return self.reason == GUIDES_TAKEN


def waiting_without_proposal(branch: Branch, weights: Mapping[str, float] | None = None,
                             today: date | None = None) -> list[Waiting]:
    """Return the waiting refugees without a proposal, longest waiting first, and why.

    Asked of the core's score matrix for the people as they are now: no guide
    fits the hard rules (or the lowest score); every guide who fits has his or
    her places proposed already; or a fitting guide has a free place (the
    matching was not run since something changed).
    """
    today = today or clock.today()
    weights = weights_for(branch, weights)
    proposed = proposal_store.proposals(branch)
    with_proposal = {p.refugee_id for p in proposed}
    left = [r for r in eligibility.waiting_refugees(branch) if r.id not in with_proposal]
    guides, places = eligibility.matchable_guides(branch)
    if not left or not guides:
        return [Waiting(r, NO_ALLOWED_GUIDE) for r in left]
    refugee_refs = {r.id: r.ref for r in left}
    guide_refs = {g.id: g.ref for g in guides}
    excluded = [(guide_refs[g], refugee_refs[r]) for g, r in proposal_store.excluded_pairs(branch)
                if g in guide_refs and r in refugee_refs]
    table = core.score_matrix([eligibility.guide_record(g, places[g.id]) for g in guides],
                              [record_from_person(r) for r in left], weights, today,
                              excluded=excluded, min_score=branch.min_score)
    proposed_per_guide = Counter(p.guide_id for p in proposed)
    guide_by_ref = {g.ref: g for g in guides}
    full = [proposed_per_guide[guide_by_ref[ref].id] >= places[guide_by_ref[ref].id]
            for ref in table.guide_ids]
    column = {ref: k for k, ref in enumerate(table.refugee_ids)}
    found = []
    for refugee in left:
        codes = table.forbidden[:, column[refugee.ref]].tolist()
        fitting = [row for row, code in enumerate(codes) if code == Forbidden.ALLOWED]
        if not fitting:
            blocking = Counter(codes).most_common(1)[0][0]
            found.append(Waiting(refugee, NO_ALLOWED_GUIDE, 0, Forbidden(blocking)))
        elif all(full[row] for row in fitting):
            found.append(Waiting(refugee, GUIDES_TAKEN, len(fitting)))
        else:
            found.append(Waiting(refugee, GUIDE_FREE, len(fitting)))
    return found
