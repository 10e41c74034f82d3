"""The solve on examples: most refugees first, locks, exclusions, degenerate cases, reasons."""
from __future__ import annotations

from datetime import timedelta

import pytest

from guidematch.matching import MatchInputError, ProfileSet, render_reason, render_reasons, solve
from tests.matching.factories import TODAY, guide, only, refugee


def pairs_of(result) -> set[tuple[str, str]]:
    return {(p.guide_id, p.refugee_id) for p in result.pairs}


def waiting(result) -> list[tuple[str, str]]:
    return [(u.refugee_id, u.reason.key) for u in result.unmatched_refugees]


def test_matching_more_refugees_beats_a_better_single_fit():
    # r1 fits guide a perfectly, but r2 will only take a female guide: a must go to r2.
    a = guide(id="a", gender="female", interests=("fishing",))
    b = guide(id="b", gender="male", interests=("music",))
    r1 = refugee(id="r1", gender="male", interests=("fishing",))
    r2 = refugee(id="r2", gender="female", gender_preference="female", interests=("art",))
    result = solve([a, b], [r1, r2], weights=only("interests"), today=TODAY)
    assert pairs_of(result) == {("a", "r2"), ("b", "r1")}
    assert result.unmatched_refugees == ()


def test_among_equally_many_matched_the_best_total_score_wins():
    a = guide(id="a", interests=("fishing",))
    b = guide(id="b", interests=("music",))
    r1 = refugee(id="r1", interests=("music",))
    r2 = refugee(id="r2", interests=("fishing",))
    result = solve([a, b], [r1, r2], weights=only("interests"), today=TODAY)
    assert pairs_of(result) == {("a", "r2"), ("b", "r1")}
    assert result.total_score == pytest.approx(200)


def test_long_waiters_get_the_scarce_guide():
    the_guide = guide(id="g", gender="male")
    waited_long = refugee(id="r-long", gender="male", waiting_since=TODAY - timedelta(days=300))
    just_came = refugee(id="r-new", gender="male", waiting_since=TODAY - timedelta(days=3))
    result = solve([the_guide], [just_came, waited_long], today=TODAY)
    assert pairs_of(result) == {("g", "r-long")}
    assert [u.refugee_id for u in result.unmatched_refugees] == ["r-new"]
    assert result.unmatched_refugees[0].reason.key == "guides_taken"


def test_capacity_repeats_a_guide():
    g = guide(id="g", capacity=2)
    result = solve([g], [refugee(id="r1"), refugee(id="r2"), refugee(id="r3")], today=TODAY)
    assert len(result.pairs) == 2
    assert {p.guide_id for p in result.pairs} == {"g"}
    assert result.free_places == {}


def test_more_places_than_refugees():
    result = solve([guide(id="g1", capacity=3), guide(id="g2")], [refugee(id="r1")], today=TODAY)
    assert len(result.pairs) == 1
    assert sum(result.free_places.values()) == 3


def test_locked_pairs_are_kept_with_their_score_and_use_capacity():
    g1, g2 = guide(id="g1", interests=("music",)), guide(id="g2", interests=("fishing",))
    r1, r2 = refugee(id="r1", interests=("fishing",)), refugee(id="r2", interests=("fishing",))
    result = solve([g1, g2], [r1, r2], weights=only("interests"), locked=[("g1", "r1")],
                   today=TODAY)
    assert pairs_of(result) == {("g1", "r1"), ("g2", "r2")}
    locked = next(p for p in result.pairs if p.locked)
    assert (locked.guide_id, locked.score) == ("g1", 0.0)


def test_excluded_pairs_are_never_proposed():
    g = guide(id="g", interests=("fishing",))
    r1, r2 = refugee(id="r1", interests=("fishing",)), refugee(id="r2")
    result = solve([g], [r1, r2], excluded=[("g", "r1")], today=TODAY)
    assert pairs_of(result) == {("g", "r2")}


@pytest.mark.parametrize(("locked", "excluded", "field", "message"), [
    ([("nobody", "r1")], [], "guide_id", "no guide has this id"),
    ([("g1", "nobody")], [], "refugee_id", "no refugee has this id"),
    ([("g1", "r1"), ("g2", "r1")], [], "refugee_id", "already locked"),
    ([("g1", "r1"), ("g1", "r2")], [], "guide_id", "capacity"),
    ([("g1", "r1")], [("g1", "r1")], "", "both locked and excluded"),
    ([("g1", "r-cat-allergy")], [], "", "pets"),
])
def test_locks_that_cannot_hold_are_refused(locked, excluded, field, message):
    guides = [guide(id="g1", has_pets=True), guide(id="g2")]
    refugees = [refugee(id="r1"), refugee(id="r2"), refugee(id="r-cat-allergy", pets_ok=False)]
    with pytest.raises(MatchInputError) as caught:
        solve(guides, refugees, locked=locked, excluded=excluded, today=TODAY)
    assert caught.value.field == field
    assert message in caught.value.message


def test_an_exclusion_naming_an_unknown_id_is_refused():
    with pytest.raises(MatchInputError) as caught:
        solve([guide(id="g1")], [refugee(id="r1")], excluded=[("g1", "r9")], today=TODAY)
    assert (caught.value.source, caught.value.index, caught.value.value) == ("excluded", 0, "r9")


def test_the_same_lock_twice_is_harmless():
    result = solve([guide(id="g1")], [refugee(id="r1")], locked=[("g1", "r1"), ("g1", "r1")],
                   today=TODAY)
    assert pairs_of(result) == {("g1", "r1")}


def test_no_guides():
    result = solve([], [refugee(id="r1")], today=TODAY)
    assert result.pairs == ()
    assert waiting(result) == [("r1", "no_allowed_guide")]


def test_no_refugees():
    result = solve([guide(id="g1", capacity=2)], [], today=TODAY)
    assert result.pairs == () and result.unmatched_refugees == ()
    assert result.free_places == {"g1": 2}


def test_no_one_at_all():
    no_guides = ProfileSet.from_records([], "guide")
    result = solve(no_guides, ProfileSet.from_records([], "refugee"), today=TODAY)
    assert result.pairs == () and result.unmatched_refugees == () and result.free_places == {}


def test_nobody_allowed_for_someone():
    result = solve([guide(id="g", gender="female")],
                   [refugee(id="r1", gender="male", gender_preference="same"), refugee(id="r2")],
                   today=TODAY)
    assert pairs_of(result) == {("g", "r2")}
    assert waiting(result) == [("r1", "no_allowed_guide")]


def test_every_pair_below_the_minimum_score():
    result = solve([guide(id="g")], [refugee(id="r1"), refugee(id="r2")], min_score=99, today=TODAY)
    assert result.pairs == ()
    assert {u.reason.key for u in result.unmatched_refugees} == {"no_allowed_guide"}


def test_the_minimum_score_does_not_undo_a_lock():
    result = solve([guide(id="g")], [refugee(id="r1")], locked=[("g", "r1")], min_score=99,
                   today=TODAY)
    assert pairs_of(result) == {("g", "r1")}


@pytest.mark.parametrize("bad", [-1, 101, "abc", float("nan")])
def test_a_minimum_score_outside_0_to_100_is_refused(bad):
    with pytest.raises(MatchInputError) as caught:
        solve([guide()], [refugee()], min_score=bad, today=TODAY)
    assert caught.value.source == "min_score"


def test_branches_never_mix_and_are_solved_apart():
    guides = [guide(id="g1", branch="tromso"), guide(id="g2", branch="selbu")]
    refugees = [refugee(id="r1", branch="selbu"), refugee(id="r2", branch="selbu")]
    result = solve(guides, refugees, today=TODAY)
    assert pairs_of(result) == {("g2", "r1")} or pairs_of(result) == {("g2", "r2")}
    assert result.parts == 1  # Tromsø has no refugee waiting: nothing to solve there
    assert result.free_places == {"g1": 1}


def test_the_answer_is_the_same_split_or_not():
    guides = [guide(id=f"g{i}", branch=("tromso", "selbu")[i % 2], interests=("music",))
              for i in range(6)]
    refugees = [refugee(id=f"r{i}", branch=("tromso", "selbu")[i % 2],
                        interests=(("music",), ("art",))[i % 3 == 0]) for i in range(8)]
    split, whole = (solve(guides, refugees, today=TODAY, split=s) for s in (True, False))
    assert len(split.pairs) == len(whole.pairs)
    assert split.total_score == pytest.approx(whole.total_score)
    assert split.parts == 2 and whole.parts == 1


def test_every_pair_has_reasons_in_both_languages():
    g = guide(id="g", interests=("fishing", "hiking"), languages=("nb", "ar"),
              family_situation="family_with_children")
    r = refugee(id="r", interests=("fishing", "hiking", "music"), languages=("ar",),
                family_situation="family_with_children", waiting_since=TODAY - timedelta(days=20))
    result = solve([g], [r], today=TODAY)
    reasons = result.pairs[0].reasons
    assert [x.key for x in reasons] == ["interests", "language", "family_same"]
    assert render_reasons(reasons, "en") == (
        "both enjoy hiking and fishing; common language: Arabic; both families with children")
    assert render_reasons(reasons, "nb") == (
        "begge liker fotturer og fisking; felles språk: arabisk; begge er familier med barn")


def test_reasons_never_praise_what_does_not_hold():
    g = guide(id="g", interests=("music",), languages=("nb",), district="Kroken")
    r = refugee(id="r", interests=("fishing",), languages=("ar",), district="Hamna",
                waiting_since=TODAY)
    [pair] = solve([g], [r], today=TODAY).pairs
    assert not {x.key for x in pair.reasons} & {"interests", "language", "district", "waiting"}


@pytest.mark.parametrize(("reason_key", "params", "en", "nb"), [
    ("age", {"years": 1}, "close in age (1 year apart)", "nær i alder (1 års forskjell)"),
    ("availability", {"slots": ("mon_evening", "sat_day")},
     "both free Monday evening and Saturday daytime",
     "begge ledige mandag kveld og lørdag dagtid"),
    ("distance", {"km": 3.25}, "live 3.2 km apart", "bor 3,2 km fra hverandre"),
    ("waiting", {"days": 200}, "has waited 6 months", "har ventet i 6 måneder"),
    ("waiting_longest", {"days": 335, "guide": "Erik"},
     "has waited 11 months, the longest of those who fit Erik",
     "har ventet i 11 måneder, lengst av dem som passer for Erik"),
    ("waiting_longest", {"days": 45, "guide": "Erik"},
     "has waited 45 days, the longest of those who fit Erik",
     "har ventet i 45 dager, lengst av dem som passer for Erik"),
    ("activities", {"activities": ("driving_practice",)}, "the guide offers driving practice",
     "guiden tilbyr kjøretrening"),
])
def test_reasons_read_well(reason_key, params, en, nb):
    from guidematch.matching import Reason
    assert render_reason(Reason(reason_key, params), "en") == en
    assert render_reason(Reason(reason_key, params), "nb") == nb


def _men(waited_days: list[int], **fields) -> list:
    return [refugee(id=f"m{d}", gender="male", gender_preference="same", first_name=f"M{d}",
                    waiting_since=TODAY - timedelta(days=d), **fields) for d in waited_days]


def test_scarce_male_guides_go_to_the_men_who_waited_longest():
    """The issue's run: six free male guides, nine men who want one; the newest fit best."""
    hobbies = ("football", "fishing", "hiking")
    guides = [guide(id=f"g{k}", first_name=f"Erik{k}", gender="male", interests=hobbies,
                    languages=("nb", "ar")) for k in range(6)]
    newer = _men([0, 25, 83, 187, 266, 284], interests=hobbies, languages=("ar",))
    older = _men([343, 269, 254], interests=("fishing", "music"), languages=("ar",))
    default = solve(guides, newer + older, today=TODAY)
    matched = {p.refugee_id for p in default.pairs}
    assert {"m343", "m269", "m254"} <= matched
    assert len(matched) == 6
    assert {u.refugee_id for u in default.unmatched_refugees} == {"m0", "m25", "m83"}
    fit_only = solve(guides, newer + older, weights={"waiting": 0}, today=TODAY)
    assert {u.refugee_id for u in fit_only.unmatched_refugees} == {"m343", "m269", "m254"}


def test_the_longest_waiter_is_told_why_he_got_the_guide():
    erik = guide(id="erik", first_name="Erik ", gender="male", interests=("football",))
    men = _men([0, 335], interests=("football",))
    [pair] = solve([erik], men, today=TODAY).pairs
    assert pair.refugee_id == "m335"
    assert pair.reasons[0].key == "waiting_longest"
    assert pair.reasons[0].params == {"days": 335, "guide": "Erik"}
    assert render_reason(pair.reasons[0], "en") == \
        "has waited 11 months, the longest of those who fit Erik"


def test_waiting_does_not_buy_a_clearly_poor_fit():
    # The long waiter shares nothing with the guide (fit under 20): the newcomer gets him.
    erik = guide(id="erik", gender="male", interests=("football",), languages=("nb",),
                 availability=("mon_evening",), family_situation="single", birth_year=1960,
                 district="Kroken", education_level="master_or_higher", occupation="doctor",
                 activities=("homework_help",))
    poor = _men([500], interests=("music",), languages=("ti",), availability=("sat_day",),
                family_situation="family_with_children", birth_year=2004, district="Hamna",
                education_level="none", occupation="cook", activities=("driving_practice",))
    good = _men([0], interests=("football",), languages=("nb",), availability=("mon_evening",),
                family_situation="single", birth_year=1962, district="Kroken",
                education_level="master_or_higher", occupation="doctor",
                activities=("homework_help",))
    result = solve([erik], poor + good, today=TODAY)
    assert pairs_of(result) == {("erik", "m0")}
    assert not any(r.key.startswith("waiting") for r in result.pairs[0].reasons)
