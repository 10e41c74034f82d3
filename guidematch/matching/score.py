"""The score of a guide-refugee pair (DESIGN.md "Matching"): 0-100, a weighted mean of parts.

`Scorer` turns two profile sets into per-person columns and feeds them to the
one formula (`formula.weighted_sum`) in two shapes: a block of refugees against
every guide (the score matrix, the solver's cost matrix) and a list of single
pairs (the scores the solver reports). Inputs are exact (whole counts, table
values, per-person numbers), so a pair's score is the same bit for bit either
way and in whatever block it was computed. `reference.py` spells the same
score out pair by pair in plain Python.

One part depends on the company: waiting counts the months a refugee has
waited longer than the guide's shortest waiter, the refugee the hard rules
allow with that guide who has waited least *among the refugees given*
(`Scorer._waits`). So a pair's score is a function of the whole input set
(never of its order): scored alone, a pair has no waiting priority at all.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import SimpleNamespace

import numpy as np

from guidematch.matching.constraints import Forbidden, RuleTable, rule_table
from guidematch.matching.formula import EARTH_RADIUS_KM, FLOAT, Workspace, weighted_sum
from guidematch.matching.parts import (
    PARTS, WAITING_SPAN_MONTHS, check_weights, coefficients, fit_table, gate_bounds,
    shortest_waits, waiting_months,
)
from guidematch.matching.profiles import EDUCATION_LEVELS, FAMILIES, MISSING, ProfileSet

__all__ = ["PARTS", "BLOCK_CELLS", "ScoreMatrix", "Scorer", "check_weights"]

BLOCK_CELLS = 1 << 16   # pairs per block: 512 kB per scratch array, cache-friendly


def _codes(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for equality tests; an empty text never equals anything."""
    vocabulary = {text: i for i, text in enumerate(sorted((set(left) | set(right)) - {""}))}
    return (np.array([vocabulary.get(t, -1) for t in left], dtype=np.int64),
            np.array([vocabulary.get(t, -2) for t in right], dtype=np.int64))


def _language_bits(guides: ProfileSet, refugees: ProfileSet) -> tuple[np.ndarray, np.ndarray]:
    """Bit sets over the languages both sides name, 64 to a word: (people, words) uint64."""
    shared = sorted({c for langs in guides.languages for c in langs}
                    & {c for langs in refugees.languages for c in langs})
    column = {code: i for i, code in enumerate(shared)}
    words = max(1, -(-len(shared) // 64))

    def bits(people: ProfileSet) -> np.ndarray:
        owner = [i for i, langs in enumerate(people.languages) for c in langs if c in column]
        col = np.array([column[c] for langs in people.languages for c in langs if c in column],
                       dtype=np.int64)
        out = np.zeros((len(people), words), dtype=np.uint64)
        np.bitwise_or.at(out, (np.array(owner, dtype=np.int64), col // 64),
                         np.left_shift(np.uint64(1), (col % 64).astype(np.uint64)))
        return out
    return bits(guides), bits(refugees)


@dataclass(frozen=True)
class _Side:
    """Per-person inputs of one side, as columns of the formula (all indexed by person)."""

    interests: np.ndarray       # bit sets
    n_interests: np.ndarray     # FLOAT, like every number the formula reads
    activities: np.ndarray      # bit sets
    activities_missing: np.ndarray
    languages: np.ndarray       # (n, words) bit sets
    languages_missing: np.ndarray
    slots: np.ndarray
    slots_missing: np.ndarray
    category: np.ndarray        # family x education, index into the fit table
    occupation: np.ndarray
    occupation_missing: np.ndarray
    year: np.ndarray
    year_missing: np.ndarray
    x: np.ndarray               # point on a sphere of the earth's radius, km
    y: np.ndarray
    z: np.ndarray
    coords_missing: np.ndarray
    district: np.ndarray
    district_given: np.ndarray
    activity_scale: np.ndarray  # refugees: c_activities / activities wanted
    months: np.ndarray          # refugees: whole months waited (0 where unknown)
    shortest: np.ndarray        # guides: months of their shortest waiter (set by Scorer)
    row_constant: np.ndarray    # refugees: the full points of age and location

    def take(self, positions: np.ndarray) -> _Side:
        """The same columns for the people at these positions."""
        return _Side(**{name: value[positions] for name, value in vars(self).items()})


def _side(people: ProfileSet, languages: np.ndarray, occupation: np.ndarray, district: np.ndarray,
          c: Mapping[str, float], today: date) -> _Side:
    family = np.where(people.family == MISSING, len(FAMILIES), people.family)
    education = np.where(people.education == MISSING, len(EDUCATION_LEVELS), people.education)
    n_wanted = np.bitwise_count(people.activities)

    def single(values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=FLOAT)

    return _Side(
        interests=people.interests, n_interests=single(np.bitwise_count(people.interests)),
        activities=people.activities,
        activities_missing=(~people.activities_given
                            | ((n_wanted == 0) & (people.kind == "refugee"))),
        languages=languages,
        languages_missing=np.array([not langs for langs in people.languages], dtype=bool),
        slots=people.slots, slots_missing=people.slots == 0,
        category=(family * (len(EDUCATION_LEVELS) + 1) + education).astype(np.int64),
        occupation=occupation, occupation_missing=occupation < 0,
        year=single(people.birth_year), year_missing=np.isnan(people.birth_year),
        x=single(people.unit[:, 0] * EARTH_RADIUS_KM),
        y=single(people.unit[:, 1] * EARTH_RADIUS_KM),
        z=single(people.unit[:, 2] * EARTH_RADIUS_KM),
        coords_missing=np.isnan(people.unit[:, 0]),
        district=district, district_given=district >= 0,
        activity_scale=single(np.divide(c["activities"], n_wanted, out=np.zeros(len(people)),
                                        where=n_wanted > 0)),
        months=single(waiting_months(people, today) if people.kind == "refugee"
                      else np.zeros(len(people))),
        shortest=single(np.zeros(len(people))),
        # Parts written as "full points minus a penalty" put their full points here.
        row_constant=single(np.full(len(people), c["age"] + c["location"])),
    )


class Scorer:
    """Scores of guides against refugees for given weights and day; see the module doc."""

    guides: ProfileSet | None
    refugees: ProfileSet | None

    def __init__(self, guides: ProfileSet, refugees: ProfileSet,
                 weights: Mapping[str, float] | None, today: date,
                 rules: RuleTable | None = None):
        # `today` is required: the core never reads the clock (the caller's time zone decides)
        self.guides, self.refugees = guides, refugees
        self.weights = check_weights(weights)
        self.c = coefficients(self.weights)
        self.today = today
        g_lang, r_lang = _language_bits(guides, refugees)
        r_occ, g_occ = _codes(refugees.occupation, guides.occupation)
        r_dist, g_dist = _codes(refugees.district, guides.district)
        self.g = _side(guides, g_lang, g_occ, g_dist, self.c, self.today)
        self.r = _side(refugees, r_lang, r_occ, r_dist, self.c, self.today)
        rules = rules if rules is not None else rule_table(guides, refugees, today)
        shortest, self.longest = self._waits(rules)
        self.g = replace(self.g, shortest=shortest.astype(FLOAT))
        self.table = fit_table(self.c)
        self._prepare()

    def _waits(self, rules: RuleTable) -> tuple[np.ndarray, np.ndarray]:
        """Months of each guide's shortest and longest waiter, among all refugees given."""
        months = self.r.months.astype(float)
        n_types = rules.codes.shape[0]
        least, most = np.full(n_types, np.inf), np.full(n_types, -np.inf)
        np.minimum.at(least, rules.refugee_type, months)
        np.maximum.at(most, rules.refugee_type, months)
        allowed = rules.guide_columns() == Forbidden.ALLOWED   # (refugee types, guides)
        allowed &= np.isfinite(least)[:, None]
        return shortest_waits(least, allowed), -shortest_waits(-most, allowed)

    def _prepare(self) -> None:
        self.n_guides, self.n_refugees = len(self.g.x), len(self.r.x)
        self._table32 = self.table.astype(FLOAT)
        self._table_by_guide = np.ascontiguousarray(self._table32[:, self.g.category])
        self._local = threading.local()
        # Guides who left a field empty, as column positions (the same for every block).
        g = self.g
        self._empty_cols = {name: np.flatnonzero(mask) for name, mask in (
            ("int", g.n_interests == 0), ("act", g.activities_missing),
            ("lang", g.languages_missing),
            ("occ", g.occupation_missing), ("year", g.year_missing), ("slot", g.slots_missing),
            ("coords", g.coords_missing))}
        self._range_cache: dict[tuple[int, int], dict[str, np.ndarray]] = {}
        lo, hi = gate_bounds(self.c)
        wide = hi > lo  # else no fit part is weighted: the gate is always open
        formula_c = {**self.c, "gate_shift": -lo if wide else 1.0,
                     "gate_scale": 1.0 / (hi - lo) if wide else 1e30,
                     "waiting_per_month": self.c["waiting"] / WAITING_SPAN_MONTHS}
        self._c = {part: FLOAT(value) for part, value in formula_c.items()}
        self._negated_c = {part: -value for part, value in self._c.items()}
        self._negated: np.ndarray | None = None

    def _negated_table(self) -> np.ndarray:
        if self._negated is None:
            self._negated = -self._table_by_guide
        return self._negated

    def subset(self, guide_pos: np.ndarray, refugee_pos: np.ndarray) -> Scorer:
        """A scorer of some guides against some refugees, giving the very same scores."""
        part = object.__new__(Scorer)
        part.guides = part.refugees = None  # positions are the subset's own
        part.weights, part.c, part.today, part.table = self.weights, self.c, self.today, self.table
        part.longest = self.longest[guide_pos]
        part.g, part.r = self.g.take(guide_pos), self.r.take(refugee_pos)
        part._prepare()
        return part

    def workspace(self, rows: int, cols: int) -> Workspace:
        """This thread's scratch arrays for a block of rows x cols pairs."""
        ws = getattr(self._local, "workspace", None)
        if ws is None:
            size = max(BLOCK_CELLS, self.n_guides, rows * cols)
            ws = self._local.workspace = Workspace.flat(size)
        elif len(ws.total) < rows * cols:
            ws = self._local.workspace = Workspace.flat(rows * cols)
        return ws.shaped((rows, cols))

    def _empty_columns(self, c0: int, c1: int) -> dict[str, np.ndarray]:
        """Guides in c0:c1 who left a field empty, as positions in that range (cached)."""
        key = (c0, c1)
        found = self._range_cache.get(key)
        if found is None:
            found = {name: cols[(cols >= c0) & (cols < c1)] - c0
                     for name, cols in self._empty_cols.items()}
            self._range_cache[key] = found
        return found

    # -- the two ways in -------------------------------------------------------------

    def block(self, r0: int, r1: int, c0: int = 0, c1: int | None = None,
              negate: bool = False) -> np.ndarray:
        """Return scores of refugees r0:r1 (rows) against guides c0:c1 (columns).

        With `negate`, return exactly -score. The result lives in this thread's
        workspace: use it before the next block.
        """
        c1 = self.n_guides if c1 is None else c1
        g, r, rows, cols = self.g, self.r, slice(r0, r1), slice(c0, c1)
        empty = self._empty_cols if (c0, c1) == (0, self.n_guides) else self._empty_columns(c0, c1)
        ws = self.workspace(r1 - r0, c1 - c0)

        def col(a: np.ndarray) -> np.ndarray:
            return a[None, cols]

        def row(a: np.ndarray) -> np.ndarray:
            return a[rows, None]

        # Everything that carries a coefficient changes sign together.
        table, c, constant = self._table_by_guide, self._c, r.row_constant[rows, None]
        activity_scale = r.activity_scale[rows, None]
        if negate:
            table, c, constant = self._negated_table(), self._negated_c, -constant
            activity_scale = -activity_scale
        np.take(table[:, cols], r.category[rows], axis=0, out=ws.table)
        x = SimpleNamespace(
            int_r=row(r.interests), int_g=col(g.interests),
            n_int_r=row(r.n_interests), n_int_g=col(g.n_interests),
            int_miss_r=row(r.n_interests == 0), int_miss_g=empty["int"],
            act_r=row(r.activities), act_g=col(g.activities), act_scale=activity_scale,
            act_miss_r=row(r.activities_missing), act_miss_g=empty["act"],
            lang_r=r.languages[rows, None, :], lang_g=g.languages[None, cols, :],
            lang_miss_r=row(r.languages_missing), lang_miss_g=empty["lang"],
            table=ws.table,
            occ_r=row(r.occupation), occ_g=col(g.occupation),
            occ_miss_r=row(r.occupation_missing), occ_miss_g=empty["occ"],
            year_r=row(r.year), year_g=col(g.year),
            year_miss_r=row(r.year_missing), year_miss_g=empty["year"],
            slot_r=row(r.slots), slot_g=col(g.slots),
            slot_miss_r=row(r.slots_missing), slot_miss_g=empty["slot"],
            x_r=row(r.x), y_r=row(r.y), z_r=row(r.z), x_g=col(g.x), y_g=col(g.y), z_g=col(g.z),
            coords_miss_r=row(r.coords_missing), coords_miss_g=empty["coords"],
            dist_r=row(r.district), dist_g=col(g.district),
            dgiven_r=row(r.district_given), dgiven_g=col(g.district_given),
            months_r=row(r.months), shortest_g=col(g.shortest), span=FLOAT(WAITING_SPAN_MONTHS),
            row_constant=constant,
        )
        return weighted_sum(x, c, ws)

    def pairs(self, guide_pos: np.ndarray, refugee_pos: np.ndarray) -> np.ndarray:
        """Return the score of each (guide, refugee) pair of positions."""
        g, r = self.g, self.r
        gi = np.asarray(guide_pos, dtype=np.int64)
        ri = np.asarray(refugee_pos, dtype=np.int64)
        x = SimpleNamespace(
            int_r=r.interests[ri], int_g=g.interests[gi],
            n_int_r=r.n_interests[ri], n_int_g=g.n_interests[gi],
            int_miss_r=r.n_interests[ri] == 0, int_miss_g=g.n_interests[gi] == 0,
            act_r=r.activities[ri], act_g=g.activities[gi], act_scale=r.activity_scale[ri],
            act_miss_r=r.activities_missing[ri], act_miss_g=g.activities_missing[gi],
            lang_r=r.languages[ri], lang_g=g.languages[gi],
            lang_miss_r=r.languages_missing[ri], lang_miss_g=g.languages_missing[gi],
            table=self._table32[r.category[ri], g.category[gi]],
            occ_r=r.occupation[ri], occ_g=g.occupation[gi],
            occ_miss_r=r.occupation_missing[ri], occ_miss_g=g.occupation_missing[gi],
            year_r=r.year[ri], year_g=g.year[gi],
            year_miss_r=r.year_missing[ri], year_miss_g=g.year_missing[gi],
            slot_r=r.slots[ri], slot_g=g.slots[gi],
            slot_miss_r=r.slots_missing[ri], slot_miss_g=g.slots_missing[gi],
            x_r=r.x[ri], y_r=r.y[ri], z_r=r.z[ri], x_g=g.x[gi], y_g=g.y[gi], z_g=g.z[gi],
            coords_miss_r=r.coords_missing[ri], coords_miss_g=g.coords_missing[gi],
            dist_r=r.district[ri], dist_g=g.district[gi],
            dgiven_r=r.district_given[ri], dgiven_g=g.district_given[gi],
            months_r=r.months[ri], shortest_g=g.shortest[gi], span=FLOAT(WAITING_SPAN_MONTHS),
            row_constant=r.row_constant[ri],
        )
        return weighted_sum(x, self._c, Workspace.of_shape(gi.shape)).astype(float)


@dataclass(frozen=True)
class ScoreMatrix:
    """Every pair's score and Forbidden code; guides as rows, refugees as columns."""

    guide_ids: tuple[str, ...]
    refugee_ids: tuple[str, ...]
    scores: np.ndarray     # (guides, refugees) float, 0-100, given even where forbidden
    forbidden: np.ndarray  # (guides, refugees) int8 Forbidden code, 0 where allowed

    def __iter__(self):
        """Unpack as `scores, forbidden = score_matrix(...)`."""
        return iter((self.scores, self.forbidden))
