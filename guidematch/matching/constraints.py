"""The hard rules (DESIGN.md "Matching"): which guide-refugee pairs may never be proposed.

Every rule reads only a few categorical fields, so people are grouped into
"types" (branch, gender, gender preference, pets, minor or police certificate)
and the rules are evaluated once per pair of types; a pair of people then gets
its verdict by looking up its two types. The type graph also tells where the
problem splits: no allowed pair ever joins two of its connected parts.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from guidematch.matching.errors import MatchInputError
from guidematch.matching.profiles import GENDERS, PREFERENCES, ProfileSet
from guidematch.ages import certainly_adult


class Forbidden(IntEnum):
    """Why a pair may not be proposed; the first rule broken, in DESIGN.md's order."""

    ALLOWED = 0
    BRANCH = 1              # rule 2: different branches
    GENDER_PREFERENCE = 2   # rule 1: a gender preference is not met
    PETS = 3                # rule 5: the refugee cannot be with pets, the guide has some
    POLICE_CERTIFICATE = 4  # rule 6: refugee may be under 18, guide has no police certificate
    EXCLUDED = 5            # rule 4: the coordinator excluded the pair
    BELOW_MIN_SCORE = 6     # the score is under the minimum asked for

    @property
    def key(self) -> str:
        """The code written to CSV files (empty for an allowed pair)."""
        return "" if self is Forbidden.ALLOWED else self.name.lower()


_ANY, _SAME, _FEMALE_PREF, _MALE_PREF = (PREFERENCES.index(p)
                                         for p in ("any", "same", "female", "male"))
_FEMALE, _MALE = GENDERS.index("female"), GENDERS.index("male")


def may_be_minor(birth_year: np.ndarray, today: date) -> np.ndarray:
    """Return who may be under 18 on `today`, knowing only the year of birth.

    Someone who turns 18 this year may not have had the birthday yet, and a
    missing birth year tells nothing: both count as possibly under 18, because
    a wrong "adult" here would put a child with an unvetted volunteer.
    """
    with np.errstate(invalid="ignore"):
        return ~certainly_adult(np.asarray(birth_year, dtype=float), today)


def gender_wish_met(preference: str, own: str, other: str) -> bool:
    """Return whether a person's wish about the other's gender (`any`, `same`, a gender) is met."""
    return preference == "any" or other == (own if preference == "same" else preference)


def _preference_met(preference: np.ndarray, own: np.ndarray, other: np.ndarray) -> np.ndarray:
    # gender_wish_met over arrays of codes (PREFERENCES, GENDERS), for the type table.
    return ((preference == _ANY)
            | ((preference == _SAME) & (own == other))
            | ((preference == _FEMALE_PREF) & (other == _FEMALE))
            | ((preference == _MALE_PREF) & (other == _MALE)))


def rule_codes(g_branch: np.ndarray, g_gender: np.ndarray, g_preference: np.ndarray,
               g_has_pets: np.ndarray, g_police: np.ndarray,
               r_branch: np.ndarray, r_gender: np.ndarray, r_preference: np.ndarray,
               r_pets_ok: np.ndarray, r_minor: np.ndarray) -> np.ndarray:
    """Return the Forbidden code of each (broadcast) guide-refugee pair, hard rules only."""
    codes = np.where(r_minor & ~g_police, Forbidden.POLICE_CERTIFICATE, Forbidden.ALLOWED)
    codes = np.where(~r_pets_ok & g_has_pets, Forbidden.PETS, codes)
    gender_ok = (_preference_met(g_preference, g_gender, r_gender)
                 & _preference_met(r_preference, r_gender, g_gender))
    codes = np.where(gender_ok, codes, Forbidden.GENDER_PREFERENCE)
    codes = np.where(g_branch == r_branch, codes, Forbidden.BRANCH)
    return codes.astype(np.int8)


@dataclass(frozen=True)
class RuleTable:
    """Each person's type, and the Forbidden code of every (refugee type, guide type)."""

    refugee_type: np.ndarray   # (n_refugees,) index into codes' rows
    guide_type: np.ndarray     # (n_guides,) index into codes' columns
    codes: np.ndarray          # (refugee types, guide types) int8

    def pair_codes(self, guide_pos: np.ndarray, refugee_pos: np.ndarray) -> np.ndarray:
        """Return the hard-rule code of each (guide, refugee) pair of positions."""
        return self.codes[self.refugee_type[refugee_pos], self.guide_type[guide_pos]]

    def subset(self, guide_pos: np.ndarray, refugee_pos: np.ndarray) -> RuleTable:
        """The same verdicts for some guides and some refugees."""
        return RuleTable(self.refugee_type[refugee_pos], self.guide_type[guide_pos], self.codes)

    def guide_columns(self) -> np.ndarray:
        """Return codes[:, guide type] for every guide: one row gather per refugee block."""
        return np.ascontiguousarray(self.codes[:, self.guide_type])

    def parts(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Split into (refugee positions, guide positions) that no allowed pair joins."""
        n_rt, n_gt = self.codes.shape
        rt, gt = np.nonzero(self.codes == Forbidden.ALLOWED)
        graph = coo_matrix((np.ones(len(rt)), (rt, gt + n_rt)), shape=(n_rt + n_gt,) * 2)
        _, label = connected_components(graph, directed=False)
        r_label, g_label = label[self.refugee_type], label[n_rt + self.guide_type]
        found = []
        for part in np.unique(r_label):
            refugees = np.flatnonzero(r_label == part)
            guides = np.flatnonzero(g_label == part)
            if len(guides):
                found.append((refugees, guides))
        return found


def rule_table(guides: ProfileSet, refugees: ProfileSet, today: date) -> RuleTable:
    """Group people into types and evaluate the hard rules once per pair of types."""
    branches = {name: i for i, name in enumerate(sorted(set(guides.branch) | set(refugees.branch)))}

    def types(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        # One integer key per person (mixed radix), then its distinct values.
        radix = [len(branches) or 1, len(GENDERS), len(PREFERENCES), 2, 2]
        key = np.zeros(len(columns[1]), dtype=np.int64)
        for column, base in zip(columns, radix):
            key = key * base + np.asarray(column, dtype=np.int64)
        unique, inverse = np.unique(key, return_inverse=True)
        digits = []
        for base in reversed(radix):
            digits.append(unique % base)
            unique = unique // base
        return np.stack(digits[::-1], axis=1), inverse.reshape(-1)

    g_unique, g_type = types([[branches[b] for b in guides.branch], guides.gender,
                              guides.preference, guides.has_pets, guides.police_certificate])
    r_unique, r_type = types([[branches[b] for b in refugees.branch], refugees.gender,
                              refugees.preference, refugees.pets_ok,
                              may_be_minor(refugees.birth_year, today)])
    g, r = g_unique.T[:, None, :], r_unique.T[:, :, None]
    codes = rule_codes(g[0], g[1], g[2], g[3].astype(bool), g[4].astype(bool),
                       r[0], r[1], r[2], r[3].astype(bool), r[4].astype(bool))
    codes = codes.reshape(len(r_unique), len(g_unique))
    return RuleTable(refugee_type=r_type, guide_type=g_type, codes=codes)


def resolve_pairs(guides: ProfileSet, refugees: ProfileSet, pairs: Iterable[tuple[str, str]],
                  source: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (guide positions, refugee positions) of (guide_id, refugee_id) pairs.

    Raises MatchInputError naming the entry and the side of an unknown id.
    """
    g_pos, r_pos = [], []
    for i, (guide_id, refugee_id) in enumerate(pairs):
        if guide_id not in guides.index:
            raise MatchInputError(source, i, "guide_id", guide_id, "no guide has this id")
        if refugee_id not in refugees.index:
            raise MatchInputError(source, i, "refugee_id", refugee_id, "no refugee has this id")
        g_pos.append(guides.index[guide_id])
        r_pos.append(refugees.index[refugee_id])
    return np.array(g_pos, dtype=np.int64), np.array(r_pos, dtype=np.int64)
