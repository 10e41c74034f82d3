"""The age rule: who is certainly 18 on a given day when only the year of birth is known.

Pure (no Flask, no database): the people service, guide approval and the
matching core all ask this module, so that a guide accepted by one of them is
never a possible minor to another. Someone who turns 18 this year may not have
had the birthday yet, so only those who turned 18 in an earlier year are
certainly adults; a missing year tells nothing and never makes anyone an adult.
"""
from __future__ import annotations

from datetime import date
from typing import TypeVar

from guidematch.vocabulary import ADULT_AGE

Years = TypeVar("Years")  # an int (or None), or a numpy array of years (NaN: not given)


def latest_adult_birth_year(day: date) -> int:
    """Return the latest birth year of someone who is certainly 18 on `day`."""
    return day.year - ADULT_AGE - 1


def certainly_adult(birth_year: Years, day: date) -> Years:
    """Return whether one born in `birth_year` is certainly 18 on `day` (arrays: per element)."""
    if birth_year is None:
        return False  # type: ignore[return-value]
    return birth_year <= latest_adult_birth_year(day)  # type: ignore[operator,return-value]
