"""The rules of a guide's or refugee's profile, the same however they come in.

The coordinator's form, the CSV import, the public sign-up and the referral all
reach these through `services.people`; none of them checks a profile its own way.
Required are the fields the public forms ask for and the programme needs to
match someone (an email address is not: a referred refugee may have none, and
the sign-up forms ask for one only to send their confirmation link).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _

from guidematch.ages import certainly_adult, latest_adult_birth_year
from guidematch.profile import Kind
from guidematch.profile_cells import FIRST_BIRTH_YEAR
from guidematch.services.errors import DomainError
from guidematch.vocabulary import ADULT_AGE

REQUIRED: dict[str, tuple[str, ...]] = {
    "guide": ("first_name", "last_name", "gender", "birth_year", "languages"),
    "refugee": ("first_name", "last_name", "gender", "languages"),
}
REF_MAX = 64  # the length of the `ref` column


def check_guide_age(birth_year: int | None, day: date) -> None:
    """Raise DomainError unless a guide born in `birth_year` is certainly an adult on `day`."""
    if not certainly_adult(birth_year, day):
        raise DomainError(_("A guide must be at least %(age)s years old: born in %(year)s or "
                            "earlier.", age=ADULT_AGE, year=latest_adult_birth_year(day)),
                          "birth_year")


def check_profile(kind: Kind, values: Mapping[str, Any], today: date) -> None:
    """Raise DomainError, naming the field, where a profile breaks a rule that needs no database."""
    for name in REQUIRED[kind]:
        if not values.get(name):
            if name == "languages":
                message = _("Please choose at least one language.")
            else:
                message = _("Please fill this in.")
            raise DomainError(message, name)
    year = values.get("birth_year")
    if year is not None and not FIRST_BIRTH_YEAR <= year <= today.year:
        raise DomainError(_("Give a year between %(first)s and this year.", first=FIRST_BIRTH_YEAR),
                          "birth_year")
    if kind == "guide":
        check_guide_age(year, today)
    if len(values.get("ref") or "") > REF_MAX:
        raise DomainError(_("A reference is at most %(n)s characters long.", n=REF_MAX), "ref")
