"""Hypothesis strategies: small random instances with every kind of field, empty ones included."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import strategies as st

from guidematch.ages import latest_adult_birth_year
from guidematch.profile import ProfileRecord
from guidematch.vocabulary import ACTIVITIES, INTERESTS, SLOTS
from tests.matching.factories import TODAY

# Small vocabularies make overlaps, ties and conflicts likely.
_INTERESTS = INTERESTS[:5]
_ACTIVITIES = ("language_practice", "driving_practice", "job_seeking", ACTIVITIES[-1])
_SLOTS = SLOTS[:5]
_LANGUAGES = ("nb", "en", "ar", "uk")
_DISTRICTS = ("", "Kroken", "Hamna", "Tune")


def _subset(items: tuple[str, ...]):
    return st.lists(st.sampled_from(items), unique=True, max_size=len(items)).map(tuple)


def _optional(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def profile(draw, kind: str, number: int) -> ProfileRecord:
    """One guide or refugee; about a tenth of optional fields left empty."""
    has_coords = draw(st.booleans())
    latest_year = latest_adult_birth_year(TODAY) if kind == "guide" else TODAY.year - 14
    common = dict(
        kind=kind, id=f"{kind[0]}{number}", first_name="X",
        gender=draw(st.sampled_from(("female", "male", "other"))),
        gender_preference=draw(st.sampled_from(("any", "any", "same", "female", "male"))),
        birth_year=draw(_optional(st.integers(1950, latest_year))),
        languages=draw(_subset(_LANGUAGES)), interests=draw(_subset(_INTERESTS)),
        activities=draw(_subset(_ACTIVITIES)),
        family_situation=draw(_optional(st.sampled_from(
            ("single", "couple", "single_parent", "family_with_children")))),
        availability=draw(_subset(_SLOTS)), district=draw(st.sampled_from(_DISTRICTS)),
        lat=draw(st.floats(69.6, 69.75)) if has_coords else None,
        lon=draw(st.floats(18.8, 19.1)) if has_coords else None,
        education_level=draw(_optional(st.sampled_from(("primary", "secondary", "bachelor")))),
        occupation=draw(st.sampled_from(("", "nurse", "Nurse ", "cook"))),
        branch=draw(st.sampled_from(("tromso", "tromso", "selbu"))),
    )
    if kind == "guide":
        return ProfileRecord(**common, has_car=draw(st.booleans()), has_pets=draw(st.booleans()),
                             capacity=draw(st.integers(1, 3)),
                             police_certificate=draw(st.booleans()))
    return ProfileRecord(**common, pets_ok=draw(st.booleans()),
                         waiting_since=draw(_optional(st.dates(TODAY - timedelta(days=500),
                                                               TODAY + timedelta(days=5)))))


@st.composite
def people(draw, max_guides: int = 7, max_refugees: int = 7):
    """(guides, refugees) with ids g1.. and r1.."""
    n_g = draw(st.integers(0, max_guides))
    n_r = draw(st.integers(0, max_refugees))
    guides = [draw(profile("guide", i)) for i in range(1, n_g + 1)]
    refugees = [draw(profile("refugee", i)) for i in range(1, n_r + 1)]
    return guides, refugees


def any_pairs(draw, guides, refugees, max_size: int) -> list[tuple[str, str]]:
    """Some (guide_id, refugee_id) pairs, drawn from these people."""
    if not guides or not refugees:
        return []
    return draw(st.lists(st.tuples(st.sampled_from([g.id for g in guides]),
                                   st.sampled_from([r.id for r in refugees])),
                         max_size=max_size, unique=True))

