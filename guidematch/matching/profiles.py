"""Profiles as arrays: one `ProfileSet` of guides or refugees, encoded once for scoring.

The input is plain data shaped like `guidematch.profile.ProfileRecord`
(the CSV reader makes them; the web app's adapter makes them from models).
People are kept sorted by id, so that every result is independent of the
order the rows came in, and ties are broken the same way every time.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from guidematch.matching.errors import MatchInputError
from guidematch.profile import ProfileRecord
from guidematch.vocabulary import (
    ACTIVITIES, DRIVING_PRACTICE, INTERESTS, SLOTS, EducationLevel, FamilySituation, Gender,
    GenderPreference,
)

Kind = Literal["guide", "refugee"]

GENDERS: tuple[str, ...] = tuple(g.value for g in Gender)
PREFERENCES: tuple[str, ...] = tuple(p.value for p in GenderPreference)
FAMILIES: tuple[str, ...] = tuple(f.value for f in FamilySituation)
EDUCATION_LEVELS: tuple[str, ...] = tuple(e.value for e in EducationLevel)  # ordered low to high
MISSING = -1  # code of a categorical field that was not given


def natural_key(text: str) -> tuple:
    """Sort "g2" before "g10"; the raw text breaks the remaining ties."""
    parts = re.split(r"(\d+)", text)
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)
    return key + ((2, 0, text),)


def normalise_text(text: str) -> str:
    """Compare free text (district, occupation) without case or stray spaces."""
    return " ".join(text.split()).casefold()


def offered_activities(activities: Iterable[str], has_car: bool) -> tuple[str, ...]:
    """Return the activities a guide can offer: driving practice only with a car."""
    return tuple(a for a in activities if a != DRIVING_PRACTICE or has_car)


def _code(value: object, vocabulary: Sequence[str]) -> int:
    return vocabulary.index(str(value)) if value not in (None, "") else MISSING


def _bits(values: Iterable[str], vocabulary: Sequence[str]) -> int:
    """A set as an integer with one bit per vocabulary entry: counts become popcounts."""
    return sum(1 << vocabulary.index(value) for value in set(values))


def _unit_vector(lat: float | None, lon: float | None) -> tuple[float, float, float]:
    # math, not numpy: a person's vector must not depend on who else is in the array.
    if lat is None or lon is None:
        return (math.nan, math.nan, math.nan)
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


@dataclass(frozen=True, eq=False)
class ProfileSet:
    """Guides or refugees sorted by id, with every field the matching reads as an array."""

    kind: Kind
    records: tuple[ProfileRecord, ...]
    ids: tuple[str, ...]
    index: dict[str, int]
    gender: np.ndarray             # int8 code into GENDERS
    preference: np.ndarray         # int8 code into PREFERENCES
    branch: tuple[str, ...]
    interests: np.ndarray          # uint64 bit set over INTERESTS
    activities: np.ndarray         # bit set over ACTIVITIES: offered (driving only with a car)
                                   # or wanted
    activities_given: np.ndarray   # bool: the person named any activity at all
    slots: np.ndarray              # uint64 bit set over SLOTS
    languages: tuple[tuple[str, ...], ...]
    family: np.ndarray             # int8 code into FAMILIES, MISSING
    education: np.ndarray          # int8 code into EDUCATION_LEVELS, MISSING
    birth_year: np.ndarray         # float, nan where not given
    unit: np.ndarray               # (n, 3) point on the unit sphere, nan where not given
    district: tuple[str, ...]      # normalised, "" where not given
    occupation: tuple[str, ...]    # normalised, "" where not given
    capacity: np.ndarray           # int: guides' places (1 for refugees)
    has_pets: np.ndarray           # bool (guides)
    police_certificate: np.ndarray  # bool (guides)
    pets_ok: np.ndarray            # bool (refugees)
    waiting_since: np.ndarray      # int ordinal day, -1 where not given (refugees)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, records: Iterable[ProfileRecord], kind: Kind | None = None) -> ProfileSet:
        """Encode guides or refugees; raise MatchInputError on a duplicate id or a mixed kind."""
        people = sorted(records, key=lambda r: natural_key(r.id))
        kinds = {r.kind for r in people}
        if kind is None:
            if len(kinds) != 1:
                raise ValueError("give kind= for an empty or mixed list of profiles")
            kind = next(iter(kinds))
        if kinds - {kind}:
            raise MatchInputError(f"{kind}s", 0, "kind", str(kinds - {kind}),
                                  f"expected only {kind}s")
        index: dict[str, int] = {}
        for i, person in enumerate(people):
            if person.id in index:
                raise MatchInputError(f"{kind}s", i, "id", person.id, "duplicate id")
            index[person.id] = i
        n = len(people)
        is_guide = kind == "guide"

        def offered(person: ProfileRecord) -> tuple[str, ...]:
            if is_guide:
                return offered_activities(person.activities, person.has_car)
            return tuple(person.activities)

        def bit_sets(sets: Iterable[Iterable[str]], vocabulary: Sequence[str]) -> np.ndarray:
            return np.array([_bits(values, vocabulary) for values in sets], dtype=np.uint64)

        return cls(
            kind=kind,
            records=tuple(people),
            ids=tuple(p.id for p in people),
            index=index,
            gender=np.array([_code(p.gender, GENDERS) for p in people], dtype=np.int8),
            preference=np.array([_code(p.gender_preference, PREFERENCES) for p in people],
                                dtype=np.int8),
            branch=tuple(p.branch or "" for p in people),
            interests=bit_sets((p.interests for p in people), INTERESTS),
            activities=bit_sets((offered(p) for p in people), ACTIVITIES),
            activities_given=np.array([bool(p.activities) for p in people], dtype=bool),
            slots=bit_sets((p.availability for p in people), SLOTS),
            languages=tuple(tuple(p.languages) for p in people),
            family=np.array([_code(p.family_situation, FAMILIES) for p in people], dtype=np.int8),
            education=np.array([_code(p.education_level, EDUCATION_LEVELS) for p in people],
                               dtype=np.int8),
            birth_year=np.array([math.nan if p.birth_year is None else float(p.birth_year)
                                 for p in people], dtype=float),
            unit=np.array([_unit_vector(p.lat, p.lon) for p in people], dtype=float).reshape(n, 3),
            district=tuple(normalise_text(p.district or "") for p in people),
            occupation=tuple(normalise_text(p.occupation or "") for p in people),
            capacity=np.array([p.capacity if is_guide else 1 for p in people], dtype=np.int64),
            has_pets=np.array([is_guide and p.has_pets for p in people], dtype=bool),
            police_certificate=np.array([is_guide and p.police_certificate for p in people],
                                        dtype=bool),
            pets_ok=np.array([is_guide or p.pets_ok for p in people], dtype=bool),
            waiting_since=np.array([p.waiting_since.toordinal() if not is_guide and p.waiting_since
                                    else -1 for p in people], dtype=np.int64),
        )


def as_profile_set(people: ProfileSet | Iterable[ProfileRecord], kind: Kind) -> ProfileSet:
    """Accept either an encoded set or plain records."""
    if isinstance(people, ProfileSet):
        if people.kind != kind:
            raise ValueError(f"expected {kind}s, got {people.kind}s")
        return people
    return ProfileSet.from_records(people, kind)
