"""The names a people file may give each column (and some values): DESIGN's first, then Norwegian.

One table, read by the import (`canonical_column`) and by what tells a person
which names are understood (the import page, "required column is missing").
Names are compared without case, spaces, dashes, underscores and dots, so
"E-post", "e post" and "epost" are one name.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("nr", "nummer", "løpenummer"),
    "first_name": ("fornavn",),
    "last_name": ("etternavn",),
    "email": ("e-post", "e-postadresse", "email address", "e-mail"),
    "phone": ("telefon", "tlf", "mobil", "telefonnummer", "mobilnummer"),
    "gender": ("kjønn",),
    "gender_preference": ("ønsket kjønn", "kjønnspreferanse"),
    "birth_year": ("fødselsår", "født"),
    "languages": ("språk",),
    "interests": ("interesser",),
    "activities": ("aktiviteter",),
    "family_situation": ("familiesituasjon", "familie"),
    "availability": ("tilgjengelighet", "ledig tid"),
    "district": ("bydel", "område", "distrikt"),
    "lat": ("breddegrad", "latitude"),
    "lon": ("lengdegrad", "longitude", "lng"),
    "education_level": ("utdanningsnivå", "utdanning"),
    "occupation": ("yrke",),
    "branch": ("avdeling", "lokalforening"),
    "has_car": ("har bil", "bil"),
    "has_pets": ("har dyr", "husdyr", "kjæledyr"),
    "capacity": ("kapasitet",),
    "police_certificate": ("politiattest",),
    "country_of_origin": ("opprinnelsesland", "hjemland"),
    "norwegian_level": ("norsknivå", "norskferdigheter"),
    "waiting_since": ("venter siden", "på venteliste siden"),
    "pets_ok": ("dyr ok", "tåler dyr"),
    "interpreter_needed": ("trenger tolk", "tolk"),
    "status": (),
}


# Words for the values of a column, as a Norwegian sheet may write them (lowercase).
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "gender": {"kvinne": "female", "k": "female", "mann": "male", "m": "male", "annet": "other",
               "annen": "other"},
    # Excel writes a boolean cell as TRUE/FALSE, Norwegian Excel as SANN/USANN.
    "yes_no": {"ja": "yes", "nei": "no", "true": "yes", "false": "no", "sann": "yes",
               "usann": "no"},
    "gender_preference": {"alle": "any", "uansett": "any", "samme": "same", "kvinne": "female",
                          "mann": "male"},
}


def _key(name: str) -> str:
    return re.sub(r"[\s_.\-]+", "", name.casefold())


_BY_KEY: dict[str, str] = {
    _key(alias): column for column, aliases in ALIASES.items() for alias in (column, *aliases)}


def canonical_column(label: str, known: Iterable[str]) -> str | None:
    """Return the DESIGN name of a header cell, or None when it is not a column of `known`."""
    column = _BY_KEY.get(_key(label))
    return column if column in set(known) else None


def names_of(column: str) -> tuple[str, ...]:
    """Return every name a file may give `column`, the DESIGN name first."""
    return (column, *ALIASES.get(column, ()))
