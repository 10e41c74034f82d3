"""The score and the hard rules spelled out pair by pair, in plain Python.

This is the readable specification of DESIGN.md's score. It is slow (one
Python call per pair) and exists to check the vectorised build (tests and
bench/matching.py compare the two matrices) and to show a developer exactly
what each part gives, including when a field was left empty.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from guidematch.ages import certainly_adult
from guidematch.matching.constraints import Forbidden, gender_wish_met
from guidematch.matching.profiles import EDUCATION_LEVELS, normalise_text, offered_activities
from guidematch.profile import ProfileRecord
from guidematch.vocabulary import DEFAULT_WEIGHTS

NEUTRAL = 0.5
SPAN_MONTHS = 6        # months longer than the guide's shortest waiter that count in full
FIT_FLOOR, FIT_FULL = 20.0, 30.0   # the fit (0-100) where waiting starts and fully counts
EARTH_RADIUS_KM = 6371.0088
WITH_CHILDREN = {"single_parent", "family_with_children"}
TWO_ADULTS = {"couple", "family_with_children"}


def _interests(g: ProfileRecord, r: ProfileRecord) -> float:
    a, b = set(g.interests), set(r.interests)
    return NEUTRAL if not a or not b else len(a & b) / len(a | b)


def _activities(g: ProfileRecord, r: ProfileRecord) -> float:
    wanted = set(r.activities)
    offered = set(offered_activities(g.activities, g.has_car))
    return NEUTRAL if not wanted or not g.activities else len(wanted & offered) / len(wanted)


def _language(g: ProfileRecord, r: ProfileRecord) -> float:
    if not g.languages or not r.languages:
        return NEUTRAL
    return 1.0 if set(g.languages) & set(r.languages) else 0.0


def _family(g: ProfileRecord, r: ProfileRecord) -> float:
    a, b = g.family_situation, r.family_situation
    if a is None or b is None:
        return NEUTRAL
    return (1.0 - 0.75 * ((a in WITH_CHILDREN) != (b in WITH_CHILDREN))
            - 0.25 * ((a in TWO_ADULTS) != (b in TWO_ADULTS)))


def _age(g: ProfileRecord, r: ProfileRecord) -> float:
    if g.birth_year is None or r.birth_year is None:
        return NEUTRAL
    return 1.0 - min(abs(g.birth_year - r.birth_year), 40) / 40


def _availability(g: ProfileRecord, r: ProfileRecord) -> float:
    if not g.availability or not r.availability:
        return NEUTRAL
    return min(len(set(g.availability) & set(r.availability)), 3) / 3


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (the haversine formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _location(g: ProfileRecord, r: ProfileRecord) -> float:
    dg, dr = normalise_text(g.district), normalise_text(r.district)
    if dg and dg == dr:
        return 1.0
    if None not in (g.lat, g.lon, r.lat, r.lon):
        km = haversine_km(g.lat, g.lon, r.lat, r.lon)  # type: ignore[arg-type]
        return 1.0 - min(km, 20) / 20
    return 0.0 if dg and dr else NEUTRAL


def _background(g: ProfileRecord, r: ProfileRecord) -> float:
    if g.education_level is None or r.education_level is None:
        education = NEUTRAL
    else:
        steps = abs(EDUCATION_LEVELS.index(g.education_level)
                    - EDUCATION_LEVELS.index(r.education_level))
        education = 1.0 - steps / (len(EDUCATION_LEVELS) - 1)
    og, orf = normalise_text(g.occupation), normalise_text(r.occupation)
    occupation = NEUTRAL if not og or not orf else float(og == orf)
    return 0.5 * education + 0.5 * occupation


def months_waited(r: ProfileRecord, today: date) -> int:
    """Whole months the refugee has waited (0 where not known: no priority)."""
    if r.waiting_since is None:
        return 0
    return max((today - r.waiting_since).days, 0) * 12 // 365


def shortest_wait(g: ProfileRecord, refugees: Sequence[ProfileRecord], today: date) -> int:
    """Months of the guide's shortest waiter: the least among refugees allowed with them."""
    return min((months_waited(r, today) for r in refugees
                if reference_forbidden(g, r, today) == Forbidden.ALLOWED), default=0)


def _waiting(r: ProfileRecord, today: date, shortest: int) -> float:
    return min(max(months_waited(r, today) - shortest, 0), SPAN_MONTHS) / SPAN_MONTHS


def reference_parts(g: ProfileRecord, r: ProfileRecord, today: date,
                    shortest: int = 0) -> dict[str, float]:
    """Return every part of one pair's score, each in [0, 1] (waiting before the gate).

    `shortest` is the months of the guide's shortest waiter (`shortest_wait`).
    """
    return {
        "interests": _interests(g, r), "activities": _activities(g, r),
        "language": _language(g, r), "family": _family(g, r), "age": _age(g, r),
        "availability": _availability(g, r), "location": _location(g, r),
        "background": _background(g, r), "waiting": _waiting(r, today, shortest),
    }


def reference_score(g: ProfileRecord, r: ProfileRecord, weights: Mapping[str, float] | None,
                    today: date, shortest: int = 0) -> float:
    """Return one pair's score, 0-100: the weighted mean of its parts, waiting gated by fit.

    The fit parts' mean, on its own 0-100 scale, opens the waiting part: not at
    all up to FIT_FLOOR, fully from FIT_FULL, in a straight line between.
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    parts = reference_parts(g, r, today, shortest)
    fit_weight = sum(w[k] for k in parts if k != "waiting")
    fit = sum(w[k] * parts[k] for k in parts if k != "waiting")
    gate = 1.0 if fit_weight == 0 else min(max(
        (100.0 * fit / fit_weight - FIT_FLOOR) / (FIT_FULL - FIT_FLOOR), 0.0), 1.0)
    return 100.0 * (fit + w["waiting"] * gate * parts["waiting"]) / sum(w.values())


def reference_forbidden(g: ProfileRecord, r: ProfileRecord, today: date) -> Forbidden:
    """Return the first hard rule the pair breaks (DESIGN.md's order), or ALLOWED."""
    if (g.branch or "") != (r.branch or ""):
        return Forbidden.BRANCH
    if not (gender_wish_met(g.gender_preference, g.gender, r.gender)
            and gender_wish_met(r.gender_preference, r.gender, g.gender)):
        return Forbidden.GENDER_PREFERENCE
    if not r.pets_ok and g.has_pets:
        return Forbidden.PETS
    if not certainly_adult(r.birth_year, today) and not g.police_certificate:
        return Forbidden.POLICE_CERTIFICATE
    return Forbidden.ALLOWED


def reference_matrix(guides: Sequence[ProfileRecord], refugees: Sequence[ProfileRecord],
                     weights: Mapping[str, float] | None, today: date
                     ) -> tuple[list[list[float]], list[list[Forbidden]]]:
    """Return scores and codes for every pair, guides as rows, in the order given."""
    codes = [[reference_forbidden(g, r, today) for r in refugees] for g in guides]
    months = [months_waited(r, today) for r in refugees]
    shortest = [min((m for m, code in zip(months, row) if code == Forbidden.ALLOWED), default=0)
                for row in codes]  # as shortest_wait, without judging each pair twice
    return ([[reference_score(g, r, weights, today, s) for r in refugees]
             for g, s in zip(guides, shortest)], codes)
