"""The waiting priority through the adapter: a run and pairing by hand score a pair the same."""
from __future__ import annotations

from datetime import date

from guidematch.services import matching, proposal_store
from tests import factories
from tests.matchingpage.conftest import TODAY


def test_the_long_waiter_gets_the_scarce_guide_and_pairing_by_hand_shows_the_same_score(
        db, branch):
    ole = factories.make_guide(branch, first_name="Ole", gender="male",
                               interests=("football", "fishing"), languages=("nb", "ar"))
    ahmad = factories.make_refugee(branch, first_name="Ahmad", gender="male",
                                   gender_preference="same", waiting_since=date(2025, 10, 1))
    factories.make_refugee(branch, first_name="Karim", gender="male", gender_preference="same",
                           waiting_since=TODAY, interests=("football", "fishing"))
    matching.run_matching(branch, today=TODAY)
    db.session.commit()
    [proposal] = proposal_store.proposals(branch)
    assert proposal.refugee.first_name == "Ahmad"
    assert proposal.reasons[0]["key"] == "waiting_longest"
    assert proposal.reasons[0]["params"]["guide"] == "Ole"

    # Scored among the same waiting list, not alone (where a wait would count for nothing).
    assessed = matching.score_pair(ole, ahmad, today=TODAY)
    assert round(assessed.score, 1) == proposal.score
    assert assessed.reasons[0].key == "waiting_longest"
