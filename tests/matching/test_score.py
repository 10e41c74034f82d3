"""Each part of the score, what an empty field gives, and the weights (DESIGN.md "Matching")."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from guidematch.matching import MatchInputError, check_weights, score_matrix
from guidematch.matching.reference import haversine_km, reference_score, shortest_wait
from tests.matching.factories import TODAY, guide, only, refugee


def part(part_name: str, g, r) -> float:
    """The score when only this part has weight: 100 x the part."""
    return float(score_matrix([g], [r], only(part_name), TODAY).scores[0, 0])


def test_interests_are_the_jaccard_overlap():
    g = guide(interests=("fishing", "hiking"))
    r = refugee(interests=("fishing", "cooking"))
    assert part("interests", g, r) == pytest.approx(100 / 3)


def test_driving_practice_counts_only_where_the_guide_has_a_car():
    wanted = refugee(activities=("driving_practice", "homework_help"))
    offered = ("driving_practice", "homework_help")
    assert part("activities", guide(activities=offered, has_car=False), wanted) == pytest.approx(50)
    assert part("activities", guide(activities=offered, has_car=True), wanted) == pytest.approx(100)


def test_a_guide_who_offers_only_driving_without_a_car_offers_nothing():
    assert part("activities", guide(activities=("driving_practice",)),
                refugee(activities=("driving_practice",))) == 0


@pytest.mark.parametrize(("guide_languages", "refugee_languages", "expected"), [
    (("nb", "ar"), ("ar", "ti"), 100),
    (("nb", "en"), ("ar", "ti"), 0),
    ((), ("ar",), 50),
])
def test_a_common_language(guide_languages, refugee_languages, expected):
    assert part("language", guide(languages=guide_languages),
                refugee(languages=refugee_languages)) == pytest.approx(expected)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("family_with_children", "family_with_children", 100),
    ("family_with_children", "single_parent", 75),   # both have children at home
    ("single", "couple", 75),                        # neither has
    ("single", "single_parent", 25),                 # one adult each, children differ
    ("couple", "family_with_children", 25),
    ("single", "family_with_children", 0),
    ("couple", "single_parent", 0),
    (None, "single", 50),
])
def test_family_situation_fit(a, b, expected):
    for x, y in ((a, b), (b, a)):
        g, r = guide(family_situation=x), refugee(family_situation=y)
        assert part("family", g, r) == pytest.approx(expected)


@pytest.mark.parametrize(("guide_year", "refugee_year", "expected"), [
    (1990, 1990, 100), (1980, 1990, 75), (1940, 1990, 0), (None, 1990, 50),
])
def test_age_closeness(guide_year, refugee_year, expected):
    g, r = guide(birth_year=guide_year), refugee(birth_year=refugee_year)
    assert part("age", g, r) == pytest.approx(expected)


@pytest.mark.parametrize(("shared", "expected"), [(0, 0), (1, 100 / 3), (3, 100), (5, 100)])
def test_shared_availability_slots(shared, expected):
    slots = ("mon_evening", "tue_evening", "wed_evening", "thu_evening", "fri_evening")
    g = guide(availability=slots[:shared] + ("sat_day",))
    r = refugee(availability=slots[:shared] + ("sun_day",))
    assert part("availability", g, r) == pytest.approx(expected)


def test_availability_not_given_is_neutral():
    r = refugee(availability=("mon_evening",))
    assert part("availability", guide(), r) == pytest.approx(50)


def test_same_district_is_a_full_fit_whatever_the_coordinates():
    g = guide(district="Tromsdalen", lat=69.60, lon=19.0)
    r = refugee(district=" tromsdalen ", lat=69.75, lon=19.0)
    assert part("location", g, r) == pytest.approx(100)


def test_distance_by_the_haversine_formula():
    g = guide(district="Kroken", lat=69.65, lon=18.95)
    r = refugee(district="Hamna", lat=69.70, lon=19.05)
    km = haversine_km(69.65, 18.95, 69.70, 19.05)
    assert 3 < km < 20
    assert part("location", g, r) == pytest.approx(100 * (1 - km / 20), abs=1e-3)


def test_far_apart_gives_nothing_and_unknown_places_are_neutral():
    assert part("location", guide(lat=69.6, lon=18.9), refugee(lat=59.9, lon=10.7)) == 0
    assert part("location", guide(district="Tune"), refugee(district="Skjeberg")) == 0
    assert part("location", guide(), refugee(district="Skjeberg")) == pytest.approx(50)


def test_background_is_education_closeness_and_occupation():
    assert part("background", guide(education_level="bachelor", occupation="Nurse"),
                refugee(education_level="bachelor", occupation="nurse")) == pytest.approx(100)
    assert part("background", guide(education_level="none", occupation="cook"),
                refugee(education_level="master_or_higher", occupation="nurse")) == 0
    # One level apart (of five steps), occupation not given: 0.5 * 0.8 + 0.5 * 0.5
    assert part("background", guide(education_level="secondary"),
                refugee(education_level="vocational", occupation="nurse")) == pytest.approx(65)


def waiting_part(days: int, fit_weights: dict[str, float] | None = None, g=None, r=None) -> float:
    """The waiting part (x 100) of a refugee who waited `days`, beside one who came today."""
    long, new = (r or refugee()), refugee(waiting_since=TODAY)
    long = dataclasses.replace(long, waiting_since=TODAY - timedelta(days=days))
    weights = {**only("waiting"), **(fit_weights or {})}
    table = score_matrix([g or guide()], [long, new], weights, TODAY)
    column = table.refugee_ids.index(long.id)
    return float(table.scores[0, column])


@pytest.mark.parametrize(("days", "expected"), [
    (0, 0), (30, 0), (31, 100 / 6), (73, 200 / 6), (182, 500 / 6), (183, 100), (900, 100),
    (-10, 0)])
def test_waiting_is_whole_months_longer_than_the_guides_shortest_waiter(days, expected):
    # 31 days is one whole month (days * 12 // 365); six months longer count in full.
    assert waiting_part(days) == pytest.approx(expected)


def test_scored_alone_a_long_wait_gives_no_priority():
    r = refugee(waiting_since=TODAY - timedelta(days=400))
    assert part("waiting", guide(), r) == 0


def test_the_shortest_waiter_is_among_those_the_hard_rules_allow_with_the_guide():
    # The newcomer wants a male guide: the female guide's shortest waiter is the long one.
    long = refugee(waiting_since=TODAY - timedelta(days=400))
    new_man = refugee(gender="male", gender_preference="same", waiting_since=TODAY)
    table = score_matrix([guide()], [long, new_man], only("waiting"), TODAY)
    assert float(table.scores[0, table.refugee_ids.index(long.id)]) == 0


def test_an_unknown_waiting_start_counts_as_no_wait():
    unknown = refugee(waiting_since=None)
    table = score_matrix([guide()], [unknown, refugee(waiting_since=TODAY - timedelta(days=400))],
                         only("waiting"), TODAY)
    assert float(table.scores[0, table.refugee_ids.index(unknown.id)]) == 0


@pytest.mark.parametrize(("shared", "gate"), [(0, 0.0), (1, 0.5), (2, 1.0), (4, 1.0)])
def test_waiting_counts_only_where_the_fit_is_not_poor(shared, gate):
    # The gate opens from a fit of 20 to 30 (0-100, the fit parts alone), in a straight line.
    # Interests and waiting weigh the same; the fit is the Jaccard overlap, shared / 4.
    mine = ("fishing", "hiking", "cooking", "music")
    r = refugee(interests=mine[:shared] or ("art",))
    fit = 100 * shared / 4 if shared else 0.0
    score = waiting_part(365, {"interests": 1.0}, g=guide(interests=mine), r=r)
    assert score == pytest.approx(fit / 2 + gate * 100 / 2)


def test_the_score_is_the_weighted_mean_of_the_parts():
    g = guide(interests=("fishing",), activities=("homework_help",), languages=("ar",),
              family_situation="single", birth_year=1990, availability=("mon_evening",),
              district="Kroken", education_level="bachelor", occupation="nurse")
    r = refugee(interests=("fishing",), activities=("homework_help",), languages=("ar",),
                family_situation="single", birth_year=1990, availability=("mon_evening",),
                district="Kroken", education_level="bachelor", occupation="nurse",
                waiting_since=TODAY - timedelta(days=400))
    # Everything fits except availability (1 shared slot of 3): weight 2 of 25 at 1/3;
    # waiting (weight 10) gives nothing, as nobody else could take the guide.
    expected = 100 * (25 - 10 - 2 * (2 / 3)) / 25
    assert float(score_matrix([g], [r], None, TODAY).scores[0, 0]) == pytest.approx(expected)
    assert reference_score(g, r, None, TODAY, shortest_wait(g, [r], TODAY)) == \
        pytest.approx(expected)


def test_changed_weights_change_the_score():
    g, r = guide(interests=("fishing",)), refugee(interests=("fishing",), waiting_since=TODAY)
    low = score_matrix([g], [r], None, TODAY).scores[0, 0]
    high = score_matrix([g], [r], {"interests": 20}, TODAY).scores[0, 0]
    assert high > low


@pytest.mark.parametrize(("weights", "field"), [
    ({"colour": 1}, "colour"),
    ({"age": -1}, "age"),
    ({"age": float("nan")}, "age"),
    ({"age": "3"}, "age"),
    ({"age": True}, "age"),
    ({"age": 1e9}, "age"),
    ({name: 0 for name in ("interests", "activities", "language", "family", "age",
                           "availability", "location", "background", "waiting")}, ""),
])
def test_unusable_weights_are_refused(weights, field):
    with pytest.raises(MatchInputError) as caught:
        check_weights(weights)
    assert caught.value.source == "weights"
    assert caught.value.field == field


def test_weights_left_out_keep_their_default():
    assert check_weights({"waiting": 5})["interests"] == 3.0


def test_every_score_is_between_0_and_100():
    g = guide(interests=("fishing",), birth_year=None)
    r = refugee(waiting_since=date(2000, 1, 1))
    s = float(score_matrix([g], [r], None, TODAY).scores[0, 0])
    assert 0 <= s <= 100
