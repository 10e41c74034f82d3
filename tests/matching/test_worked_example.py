"""The worked example of docs/matching.md, so that the page stays true."""
from __future__ import annotations

from datetime import date

import pytest

from guidematch.matching import Forbidden, render_reasons, score_matrix, solve
from guidematch.profile import ProfileRecord

DAY = date(2026, 11, 1)


def person(kind: str, id: str, gender: str, birth_year: int, district: str, lat: float,
           lon: float, **fields) -> ProfileRecord:
    return ProfileRecord(kind=kind, id=id, first_name=id.title(), gender=gender,  # type: ignore
                         birth_year=birth_year, district=district, lat=lat, lon=lon,
                         branch="tromso", **fields)


def kari(**changes) -> ProfileRecord:
    return person(
        "guide", "kari", "female", 1978, "Kroken", 69.685, 19.03, languages=("nb", "en", "ar"),
        interests=("hiking", "fishing", "cooking"), activities=("language_practice", "job_seeking"),
        family_situation="family_with_children", availability=("tue_evening", "sat_day", "sun_day"),
        education_level="master_or_higher", occupation="teacher", has_car=True,
        police_certificate=True, **changes)


OLE = person(
    "guide", "ole", "male", 1990, "Tromsøya", 69.66, 18.95, languages=("nb", "en"),
    interests=("football", "fishing"), activities=("driving_practice", "social_network"),
    family_situation="single", availability=("mon_evening", "thu_evening", "sat_day"),
    education_level="vocational", occupation="electrician", has_car=True, has_pets=True,
    police_certificate=True)
REFUGEES = [
    person("refugee", "amal", "female", 1985, "Kroken", 69.69, 19.02, languages=("ar", "en"),
           interests=("cooking", "hiking"), activities=("language_practice", "homework_help"),
           family_situation="single_parent", availability=("tue_evening", "sun_day"),
           education_level="bachelor", occupation="teacher", waiting_since=date(2026, 8, 1)),
    person("refugee", "ahmad", "male", 1993, "Tromsdalen", 69.64, 19.01, gender_preference="same",
           languages=("ar",), interests=("football",),
           activities=("driving_practice", "job_seeking"), family_situation="single",
           availability=("mon_evening", "sat_day"), education_level="secondary",
           occupation="electrician", waiting_since=date(2025, 10, 15)),
    person("refugee", "yonas", "male", 1998, "Tromsøya", 69.65, 18.96, languages=("ti", "en"),
           interests=("football", "music"), activities=("social_network",),
           family_situation="single", availability=("thu_evening", "sat_day"),
           education_level="primary", occupation="cook", pets_ok=False,
           waiting_since=date(2026, 5, 1)),
]


def test_the_scores_table():
    table = score_matrix([kari(), OLE], REFUGEES, None, DAY)
    cells = {(g, r): (round(float(table.scores[i, j]), 1), Forbidden(int(table.forbidden[i, j])))
             for i, g in enumerate(table.guide_ids) for j, r in enumerate(table.refugee_ids)}
    assert cells[("kari", "amal")] == (44.2, Forbidden.ALLOWED)
    assert cells[("kari", "yonas")] == (29.8, Forbidden.ALLOWED)
    assert cells[("ole", "amal")] == (18.2, Forbidden.ALLOWED)
    assert cells[("ole", "ahmad")] == (76.0, Forbidden.ALLOWED)
    assert cells[("kari", "ahmad")][1] is Forbidden.GENDER_PREFERENCE
    assert cells[("ole", "yonas")][1] is Forbidden.PETS


def test_the_proposal_and_its_reasons():
    result = solve([kari(), OLE], REFUGEES, today=DAY)
    assert [(p.guide_id, p.refugee_id, round(p.score, 1), render_reasons(p.reasons, "en"))
            for p in result.pairs] == [
        ("kari", "amal", 44.2, "both enjoy hiking and cooking; common languages: Arabic and "
                               "English; the guide offers language practice"),
        ("ole", "ahmad", 76.0, "has waited 12 months, the longest of those who fit Ole; "
                               "both single; both enjoy football"),
    ]
    waiting = [(u.refugee_id, u.reason.key) for u in result.unmatched_refugees]
    assert waiting == [("yonas", "guides_taken")]
    assert result.total_score == pytest.approx(120.2, abs=0.05)


def test_the_fit_only_scores():
    table = score_matrix([kari(), OLE], REFUGEES, {"waiting": 0}, DAY)
    assert table.scores.round(1).tolist() == [[38.3, 73.7, 26.9], [60.0, 30.4, 76.2]]


KARIM = person("refugee", "karim", "male", 1991, "Tromsøya", 69.655, 18.955,
               gender_preference="same", languages=("nb", "en"), interests=("football", "fishing"),
               activities=("driving_practice", "social_network"), family_situation="single",
               availability=("mon_evening", "thu_evening", "sat_day"),
               education_level="vocational", occupation="electrician", waiting_since=DAY)


def test_a_newcomer_who_fits_better_does_not_take_the_long_waiters_guide():
    default = solve([kari(), OLE], REFUGEES + [KARIM], today=DAY)
    assert {(p.guide_id, p.refugee_id, round(p.score, 1)) for p in default.pairs} == {
        ("kari", "amal", 44.2), ("ole", "ahmad", 76.0)}
    table = score_matrix([kari(), OLE], REFUGEES + [KARIM], None, DAY)
    assert round(float(table.scores[1, table.refugee_ids.index("karim")]), 1) == 59.9
    fit_only = solve([kari(), OLE], REFUGEES + [KARIM], weights={"waiting": 0}, today=DAY)
    assert {(p.guide_id, p.refugee_id, round(p.score, 1)) for p in fit_only.pairs} == {
        ("kari", "amal", 73.7), ("ole", "karim", 99.8)}


def test_what_if():
    two_places = solve([kari(capacity=2), OLE], REFUGEES, today=DAY)
    assert len(two_places.pairs) == 3
    locked = solve([kari(), OLE], REFUGEES, locked=[("kari", "yonas")], today=DAY)
    assert [u.refugee_id for u in locked.unmatched_refugees] == ["amal"]
