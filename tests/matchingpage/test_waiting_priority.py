"""The waiting priority through the adapter: a run and pairing by hand score a pair the same."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidematch import matching as core
from guidematch.matching import Forbidden
from guidematch.services import eligibility, matching, proposal_store
from guidematch.services.people import record_from_person
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


WAITER = st.fixed_dictionaries({
    "gender": st.sampled_from(["male", "female", "other"]),
    "gender_preference": st.sampled_from(["any", "same", "male", "female"]),
    "pets_ok": st.booleans(),
    "birth_year": st.sampled_from([None, 1960, 1990, TODAY.year - 18, TODAY.year - 10]),
    "waiting_since": st.integers(0, 900).map(lambda days: TODAY - timedelta(days=days)),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(waiters=st.lists(WAITER, min_size=1, max_size=14), pets=st.booleans(),
       guide_gender=st.sampled_from(["male", "female"]))
def test_a_pair_scored_by_hand_is_scored_as_among_the_whole_waiting_list(
        db, branch, waiters, pets, guide_gender):
    # score_pair reads only the newest and oldest waiter of each kind the hard rules tell
    # apart; the score and reasons must be those of the pair among every waiting refugee.
    guide = factories.make_guide(branch, gender=guide_gender, has_pets=pets,
                                 police_certificate_on=None, interests=("football",))
    people = [factories.make_refugee(branch, interests=("football",), **waiter)
              for waiter in waiters]
    db.session.commit()
    records = [record_from_person(p) for p in people]
    g = eligibility.guide_record(guide, 1)
    weights = matching.weights_for(branch, None)
    for person, record in zip(people, records):
        assessed = matching.score_pair(guide, person, today=TODAY)
        table = core.score_matrix([g], records, weights, TODAY)
        column = table.refugee_ids.index(record.id)
        assert assessed.forbidden == Forbidden(int(table.forbidden[0, column]))
        assert assessed.score == float(table.scores[0, column])
        if assessed.allowed:
            result = core.solve([g], records, weights=weights, locked=[(g.id, record.id)],
                                today=TODAY)
            [pair] = [p for p in result.pairs if p.refugee_id == record.id]
            assert assessed.reasons == pair.reasons
    for person in (*people, guide):
        db.session.delete(person)
    db.session.commit()
