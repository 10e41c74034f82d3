"""The parts of the score and their weights: what each fit is worth, what an empty field gives.

The formula that adds them up for many pairs at once is in formula.py; the
same definitions, pair by pair in plain Python, are in reference.py.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import numpy as np

from guidematch.matching.errors import MatchInputError
from guidematch.matching.formula import NEUTRAL
from guidematch.matching.profiles import EDUCATION_LEVELS, FAMILIES, MISSING, ProfileSet
from guidematch.vocabulary import DEFAULT_WEIGHTS

PARTS: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)
MAX_WEIGHT = 1000.0

# Waiting priority (docs/matching.md "Who gets a scarce guide"). The waiting part of a pair
# is the whole months the refugee has waited longer than the guide's shortest waiter (the
# candidate the hard rules allow with this guide who has waited least), counted in full at
# WAITING_SPAN_MONTHS, and only where the pair fits: it rises from nothing at a fit-only
# score of FIT_FLOOR to its full value at FIT_FULL, so a long wait never buys a poor fit.
# Whole months, so that people who came days apart tie and fit decides between them.
WAITING_SPAN_MONTHS = 6.0
FIT_FLOOR = 20.0
FIT_FULL = 30.0


def _family_fit(a: int, b: int) -> float:
    """Same situation 1; children at home matters most, the number of adults less."""
    if a == MISSING or b == MISSING:
        return NEUTRAL
    children = {"single": False, "couple": False, "single_parent": True,
                "family_with_children": True}
    adults = {"single": 1, "couple": 2, "single_parent": 1, "family_with_children": 2}
    fa, fb = FAMILIES[a], FAMILIES[b]
    return 1.0 - 0.75 * (children[fa] != children[fb]) - 0.25 * (adults[fa] != adults[fb])


def _education_closeness(a: int, b: int) -> float:
    if a == MISSING or b == MISSING:
        return NEUTRAL
    return 1.0 - abs(a - b) / (len(EDUCATION_LEVELS) - 1)


def family_fit(a: str | None, b: str | None) -> float:
    """Return the family part for two family situations (None when not given)."""
    return _family_fit(FAMILIES.index(a) if a else MISSING, FAMILIES.index(b) if b else MISSING)


def education_closeness(a: str | None, b: str | None) -> float:
    """Return the education half of the background part (None when not given)."""
    return _education_closeness(EDUCATION_LEVELS.index(a) if a else MISSING,
                                EDUCATION_LEVELS.index(b) if b else MISSING)


def check_weights(weights: Mapping[str, object] | None) -> dict[str, float]:
    """Return complete weights (defaults where not given); raise MatchInputError when unusable."""
    result = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise MatchInputError("weights", 0, str(key), str(value),
                                  "unknown score part; known: " + ", ".join(PARTS))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise MatchInputError("weights", 0, key, str(value), "must be a number")
        if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
            raise MatchInputError("weights", 0, key, str(value),
                                  f"must be a number from 0 to {MAX_WEIGHT:g}")
        result[key] = float(value)
    if sum(result.values()) <= 0:
        raise MatchInputError("weights", 0, "", str(weights), "at least one weight must be above 0")
    return result


def coefficients(weights: Mapping[str, float]) -> dict[str, float]:
    """Points each part gives at full fit: 100 * weight / sum of weights."""
    total = sum(weights.values())
    return {part: 100.0 * weights[part] / total for part in PARTS}


def waiting_days(refugees: ProfileSet, today: date) -> np.ndarray:
    """Days each refugee has waited by `today` (never negative); nan where unknown."""
    days = np.maximum(today.toordinal() - refugees.waiting_since, 0).astype(float)
    return np.where(refugees.waiting_since < 0, np.nan, days)


def months_of_days(days: np.ndarray) -> np.ndarray:
    """Whole months in these waiting times (days * 12 // 365, as the reasons say them)."""
    return np.floor_divide(days * 12, 365)


def waiting_months(refugees: ProfileSet, today: date) -> np.ndarray:
    """Whole months each refugee has waited by `today`; 0 where unknown (no priority)."""
    return np.nan_to_num(months_of_days(waiting_days(refugees, today)), nan=0.0)


def shortest_waits(months: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Each guide's shortest waiter: the least months among the refugees allowed with them.

    `allowed` is (refugees, guides) by the hard rules, or (refugee types, guides)
    with `months` the least of each type: the same minimum. A guide nobody may
    take gets 0 (their pairs are forbidden anyway; the score stays defined).
    """
    if not allowed.size:
        return np.zeros(allowed.shape[1])
    # Rows from the shortest wait up: each guide's first allowed row is its shortest waiter.
    # (A float matrix of the months where allowed took 40 MB and 70 ms for the national file.)
    order = np.argsort(months, kind="stable")
    in_order = allowed[order]
    first = in_order.argmax(axis=0)
    anyone = in_order[first, np.arange(allowed.shape[1])]
    found = months[order][first]
    return np.where(anyone & np.isfinite(found), found, 0.0)


def gate_bounds(c: Mapping[str, float]) -> tuple[float, float]:
    """The fit floor and full fit of the waiting gate in score points (the fit parts' share)."""
    share = sum(c[part] for part in PARTS if part != "waiting") / 100.0
    return FIT_FLOOR * share, FIT_FULL * share


def waiting_gate(fit_points: float | np.ndarray, c: Mapping[str, float]):
    """How much of the waiting part counts, from 0 (fit under the floor) to 1: the ramp.

    `fit_points` is the sum of the fit parts' points (the score less waiting).
    With no fit part weighted, waiting always counts in full.
    """
    lo, hi = gate_bounds(c)
    if hi <= lo:
        return np.ones_like(np.asarray(fit_points, dtype=float))
    return np.clip((np.asarray(fit_points, dtype=float) - lo) / (hi - lo), 0.0, 1.0)


def fit_table(c: Mapping[str, float]) -> np.ndarray:
    """c_family * family fit + c_background/2 * education closeness, by category pair.

    A category is family x education, each with a last "not given" value.
    """
    n_family, n_education = len(FAMILIES) + 1, len(EDUCATION_LEVELS) + 1

    def code(i: int, size: int) -> int:
        return MISSING if i == size - 1 else i
    family = np.array([[_family_fit(code(a, n_family), code(b, n_family))
                        for b in range(n_family)] for a in range(n_family)])
    education = np.array([[_education_closeness(code(a, n_education), code(b, n_education))
                           for b in range(n_education)] for a in range(n_education)])
    return (c["family"] * np.repeat(np.repeat(family, n_education, 0), n_education, 1)
            + (0.5 * c["background"]) * np.tile(education, (n_family, n_family)))
