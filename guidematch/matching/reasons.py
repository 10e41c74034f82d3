"""Why a pair was proposed, in words a coordinator trusts.

A reason is structured (a key and its parameters) so that the web page and the
command line can render it in the reader's language with `render_reason`.
Each pair gets its three strongest reasons: the parts with the largest
weighted contribution to its score, among those that actually hold ("both
enjoy fishing", not "interests 0.1").
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from guidematch.matching.formula import AGE_SPAN, DISTANCE_SPAN, NEUTRAL, SLOTS_ENOUGH, distance_km
from guidematch.matching.profiles import EDUCATION_LEVELS, FAMILIES, MISSING
from guidematch.matching.parts import (
    PARTS, WAITING_SPAN_MONTHS, education_closeness, family_fit, waiting_days, waiting_gate,
)
from guidematch.matching.score import Scorer
from guidematch.matching.wording import Gettext, phrase
from guidematch.vocabulary import ACTIVITIES, INTERESTS, SLOTS

MAX_REASONS = 3
MAX_ITEMS = 3               # at most this many interests, languages, slots... in one reason
CLOSE_AGE_YEARS = 10
CLOSE_KM = 10.0

_FAMILY = np.array([[family_fit(a, b) for b in FAMILIES + (None,)] for a in FAMILIES + (None,)])
_EDUCATION = np.array([[education_closeness(a, b) for b in EDUCATION_LEVELS + (None,)]
                       for a in EDUCATION_LEVELS + (None,)])


@dataclass(frozen=True)
class Reason:
    """One reason: a key of `wording.PHRASES` and the values it is rendered with."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


def render_reason(reason: Reason, locale: str = "nb", translations: Gettext | None = None) -> str:
    """Return the reason as a phrase in the locale's language.

    `translations` is the gettext catalog to use (Flask-Babel's on the web); by
    default the locale's own catalog from guidematch/translations is loaded.
    """
    return phrase(reason.key, reason.params, locale, translations)


def render_reasons(reasons: tuple[Reason, ...], locale: str = "nb",
                   translations: Gettext | None = None) -> str:
    """Return the reasons as one line, separated by semicolons."""
    return "; ".join(render_reason(r, locale, translations) for r in reasons)


def pair_parts(scorer: Scorer, guide_pos: np.ndarray,
               refugee_pos: np.ndarray) -> dict[str, np.ndarray]:
    """Return each part in [0, 1] of these pairs, nan where a side left the field empty.

    For explaining only: the score itself comes from `Scorer.pairs`.
    """
    g, r = scorer.g, scorer.r
    gi, ri = np.asarray(guide_pos, dtype=np.int64), np.asarray(refugee_pos, dtype=np.int64)
    guides, refugees = scorer.guides, scorer.refugees
    assert guides is not None and refugees is not None, "explain with the whole sets' scorer"

    def count(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.bitwise_count(a & b).astype(float)

    def unjudged(p: np.ndarray, missing: np.ndarray) -> np.ndarray:
        return np.where(missing, np.nan, p)

    with np.errstate(divide="ignore", invalid="ignore"):
        inter = count(r.interests[ri], g.interests[gi])
        interests = inter / (r.n_interests[ri] + g.n_interests[gi] - inter)
        activities = count(r.activities[ri], g.activities[gi]) / np.bitwise_count(r.activities[ri])
        language = np.minimum(count(r.languages[ri], g.languages[gi]).sum(axis=-1), 1.0)
        family = _FAMILY[refugees.family[ri], guides.family[gi]]      # MISSING is -1: the last row
        age = 1.0 - np.minimum(np.abs(r.year[ri] - g.year[gi]), AGE_SPAN) / AGE_SPAN
        availability = np.minimum(count(r.slots[ri], g.slots[gi]), SLOTS_ENOUGH) / SLOTS_ENOUGH
        km = distance_km(r.x[ri], r.y[ri], r.z[ri], g.x[gi], g.y[gi], g.z[gi])
        same_district = r.district[ri] == g.district[gi]
        location = np.where(same_district, 1.0, 1.0 - np.minimum(km, DISTANCE_SPAN) / DISTANCE_SPAN)
        location = np.where(~same_district & np.isnan(km) & r.district_given[ri]
                            & g.district_given[gi], 0.0, location)
        education = _EDUCATION[refugees.education[ri], guides.education[gi]]
        occupation = (r.occupation[ri] == g.occupation[gi]).astype(float)
    occ_missing = r.occupation_missing[ri] | g.occupation_missing[gi]
    edu_missing = (refugees.education[ri] == MISSING) | (guides.education[gi] == MISSING)
    background = 0.5 * education + 0.5 * np.where(occ_missing, NEUTRAL, occupation)
    longer = r.months[ri].astype(float) - g.shortest[gi].astype(float)
    found = {
        "interests": unjudged(interests, (r.n_interests[ri] == 0) | (g.n_interests[gi] == 0)),
        "activities": unjudged(activities, r.activities_missing[ri] | g.activities_missing[gi]),
        "language": unjudged(language, r.languages_missing[ri] | g.languages_missing[gi]),
        "family": unjudged(family, (refugees.family[ri] == MISSING)
                           | (guides.family[gi] == MISSING)),
        "age": unjudged(age, r.year_missing[ri] | g.year_missing[gi]),
        "availability": unjudged(availability, r.slots_missing[ri] | g.slots_missing[gi]),
        "location": location,  # nan already where nothing could be compared
        "background": unjudged(background, edu_missing & occ_missing),
        "km": km,
        "same_district": same_district,
        "education": unjudged(education, edu_missing),
        "occupation": unjudged(occupation, occ_missing),
        "months_longer": longer,
        "longest": (r.months[ri] >= scorer.longest[gi]) & (longer >= 1),
    }
    # Waiting as the score counts it: months longer, capped, opened by the fit (parts.py).
    fit = sum(np.nan_to_num(found[p], nan=NEUTRAL) * scorer.c[p] for p in PARTS if p != "waiting")
    found["waiting"] = (waiting_gate(fit, scorer.c)
                        * np.clip(longer, 0, WAITING_SPAN_MONTHS) / WAITING_SPAN_MONTHS)
    return found


def _holds(parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Which parts are a real point in the pair's favour (nan: not judged, never holds)."""
    with np.errstate(invalid="ignore"):
        return {
            "interests": parts["interests"] > 0,
            "activities": parts["activities"] > 0,
            "language": parts["language"] == 1,
            "family": parts["family"] >= 0.75,
            "age": parts["age"] >= 1 - CLOSE_AGE_YEARS / AGE_SPAN,
            "availability": parts["availability"] > 0,
            "location": parts["location"] >= 1 - CLOSE_KM / DISTANCE_SPAN,
            "background": (parts["occupation"] == 1) | (parts["education"] == 1),
            "waiting": parts["months_longer"] >= 1,  # and the fit opened it (contribution)
        }


def explain(scorer: Scorer, guide_pos: np.ndarray,
            refugee_pos: np.ndarray) -> list[tuple[Reason, ...]]:
    """Return the strongest reasons of each (guide, refugee) pair of positions."""
    if not len(guide_pos):
        return []
    assert scorer.guides is not None and scorer.refugees is not None
    parts = pair_parts(scorer, guide_pos, refugee_pos)
    days = waiting_days(scorer.refugees, scorer.today)[refugee_pos]
    holds = _holds(parts)
    contribution = np.stack([np.nan_to_num(parts[p]) * scorer.c[p] for p in PARTS], axis=1)
    strong = np.stack([holds[p] for p in PARTS], axis=1) & (contribution > 0)
    # Strongest first; a stable sort keeps DESIGN.md's order among equals.
    order = np.argsort(np.where(strong, -contribution, np.inf), axis=1, kind="stable")
    order = order[:, :MAX_REASONS]
    chosen = np.take_along_axis(strong, order, axis=1)
    # Plain Python values from here on: one pair at a time, numpy scalars would be slow.
    g_side, r_side = scorer.g, scorer.r
    facts = {"km": parts["km"].tolist(), "occupation": (parts["occupation"] == 1).tolist(),
             "district": parts["same_district"].tolist(), "days": days.tolist(),
             "longest": parts["longest"].tolist(),
             "interests": (g_side.interests[guide_pos] & r_side.interests[refugee_pos]).tolist(),
             "activities": (g_side.activities[guide_pos] & r_side.activities[refugee_pos]).tolist(),
             "slots": (g_side.slots[guide_pos] & r_side.slots[refugee_pos]).tolist()}
    guides, refugees = scorer.guides.records, scorer.refugees.records
    return [tuple(_reason(PARTS[j], guides[g], refugees[r], facts, k)
                  for j, ok in zip(js, oks) if ok)
            for k, (g, r, js, oks) in enumerate(zip(guide_pos.tolist(), refugee_pos.tolist(),
                                                    order.tolist(), chosen.tolist()))]


@lru_cache(maxsize=4096)
def _names(bits: int, vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    """The members of a bit set over a vocabulary, in its order, at most MAX_ITEMS."""
    return tuple(name for i, name in enumerate(vocabulary) if bits >> i & 1)[:MAX_ITEMS]


def _reason(part: str, guide, refugee, facts: dict[str, list], k: int) -> Reason:
    if part == "interests":
        return Reason("interests", {"interests": _names(facts["interests"][k], INTERESTS)})
    if part == "activities":  # offered: driving practice only with a car
        return Reason("activities", {"activities": _names(facts["activities"][k], ACTIVITIES)})
    if part == "language":
        common = [c for c in refugee.languages if c in guide.languages]
        return Reason("language", {"languages": tuple(common[:MAX_ITEMS])})
    if part == "family":
        if guide.family_situation == refugee.family_situation:
            return Reason("family_same", {"situation": str(refugee.family_situation)})
        with_children = refugee.family_situation in ("single_parent", "family_with_children")
        return Reason("family_children" if with_children else "family_no_children", {})
    if part == "age":
        return Reason("age", {"years": abs(guide.birth_year - refugee.birth_year)})
    if part == "availability":
        return Reason("availability", {"slots": _names(facts["slots"][k], SLOTS)})
    if part == "location":
        if facts["district"][k]:
            return Reason("district", {"district": refugee.district.strip()})
        return Reason("distance", {"km": round(facts["km"][k], 1)})
    if part == "background":
        if facts["occupation"][k]:
            return Reason("occupation", {"occupation": refugee.occupation.strip()})
        return Reason("education", {"level": str(refugee.education_level)})
    if facts["longest"][k]:  # the waiting priority decided: say whom they came before
        return Reason("waiting_longest", {"days": int(facts["days"][k]),
                                          "guide": guide.first_name.strip()})
    return Reason("waiting", {"days": int(facts["days"][k])})
