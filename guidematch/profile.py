"""A guide or refugee as plain data: the fields of DESIGN.md's profile table, typed.

Pure Python: the CSV form (`profile_csv`), the public forms, the people service
and the matching core all speak in `ProfileRecord`s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from guidematch.vocabulary import (
    EducationLevel, FamilySituation, Gender, GenderPreference, NorwegianLevel,
)

Kind = Literal["guide", "refugee"]


@dataclass(frozen=True)
class ProfileRecord:
    """One guide or refugee as the CSV form describes them; lists are tuples."""

    kind: Kind
    id: str
    first_name: str
    gender: Gender
    last_name: str = ""
    email: str = ""
    phone: str = ""
    gender_preference: GenderPreference = GenderPreference.ANY
    birth_year: int | None = None
    languages: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    family_situation: FamilySituation | None = None
    availability: tuple[str, ...] = ()
    district: str = ""
    lat: float | None = None
    lon: float | None = None
    education_level: EducationLevel | None = None
    occupation: str = ""
    branch: str = ""
    # guides
    has_car: bool = False
    has_pets: bool = False
    capacity: int = 1
    police_certificate: bool = False
    # refugees
    country_of_origin: str = ""
    norwegian_level: NorwegianLevel | None = None
    waiting_since: date | None = None
    pets_ok: bool = True
    interpreter_needed: bool = False
    status: str = ""  # as exported (GuideStatus / RefugeeStatus); empty in hand-made files
    line: int = field(default=0, compare=False)  # where it came from, for later errors

