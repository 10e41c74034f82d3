"""The solve (DESIGN.md "Matching"): most refugees matched first, then the best total score.

Locked pairs are fixed first (each takes its refugee and one of the guide's
places). The rest splits into parts that no allowed pair joins (branches
never mix); each part is one `scipy.optimize.linear_sum_assignment` on a cost
matrix where an allowed pair is worth BIG + score and BIG is more than any
total score, so one more matched refugee always beats any gain in score.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.optimize import linear_sum_assignment

from guidematch.matching.build import check_min_score, cost_matrix
from guidematch.matching.constraints import Forbidden, RuleTable, resolve_pairs, rule_table
from guidematch.matching.errors import MatchInputError
from guidematch.matching.profiles import ProfileSet, as_profile_set
from guidematch.matching.reasons import Reason, explain, render_reason
from guidematch.matching.score import Scorer
from guidematch.profile import ProfileRecord


PARALLEL_MAX_CELLS = 4_000_000  # parts above this (32 MB of cost matrix) are solved alone
# Parts under this are solved one after another too: building their matrix holds the GIL and
# is most of their time, so side by side they only wait for each other (8 branches of 150 x
# 150: 0.038 s one after another, 0.042 s side by side; of 600 x 600: 0.25 s and 0.17 s).
PARALLEL_MIN_CELLS = 100_000


def workers_available() -> int:
    """Threads worth using for parts solved side by side: the CPUs we may run on, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


@dataclass(frozen=True)
class ProposedPair:
    """A guide and a refugee the matching proposes, with the score and why."""

    guide_id: str
    refugee_id: str
    score: float
    reasons: tuple[Reason, ...]
    locked: bool = False


@dataclass(frozen=True)
class UnmatchedRefugee:
    """A refugee left waiting, and why (no guide fits, or every fitting guide is taken)."""

    refugee_id: str
    reason: Reason


@dataclass(frozen=True)
class MatchResult:
    """What a solve proposes: pairs (locked ones included), who waits, places left."""

    pairs: tuple[ProposedPair, ...]
    unmatched_refugees: tuple[UnmatchedRefugee, ...]
    free_places: Mapping[str, int]
    weights: Mapping[str, float]
    today: date
    min_score: float = 0.0
    parts: int = 0
    stats: Mapping[str, float] = field(default_factory=dict)  # build_s, solve_s: summed over parts

    @property
    def total_score(self) -> float:
        """Sum of the proposed pairs' scores."""
        return float(sum(p.score for p in self.pairs))


def solve(guides: ProfileSet | Iterable[ProfileRecord],
          refugees: ProfileSet | Iterable[ProfileRecord], *,
          weights: Mapping[str, float] | None = None, locked: Iterable[tuple[str, str]] = (),
          excluded: Iterable[tuple[str, str]] = (), min_score: float = 0.0,
          today: date, split: bool = True) -> MatchResult:
    """Propose pairs: as many refugees as the hard rules allow, then the best total score.

    `locked` and `excluded` are (guide_id, refugee_id) pairs; pairs scoring under
    `min_score` are never proposed (locks excepted); `today` dates waiting times
    and ages. `split=False` solves everything as one matrix (for comparison only:
    the answer is equally good, just slower). Raises MatchInputError on input
    the solve cannot accept, naming the entry.
    """
    gs, rs = as_profile_set(guides, "guide"), as_profile_set(refugees, "refugee")
    min_score = check_min_score(min_score)
    rules = rule_table(gs, rs, today)
    scorer = Scorer(gs, rs, weights, today, rules)  # waiting is relative to this whole set
    ex_g, ex_r = resolve_pairs(gs, rs, excluded, "excluded")
    lk_g, lk_r = _check_locks(gs, rs, rules, list(locked), set(zip(ex_g.tolist(), ex_r.tolist())))

    places = gs.capacity.copy()
    np.subtract.at(places, lk_g, 1)
    free = np.ones(len(rs), dtype=bool)
    free[lk_r] = False
    parts = rules.parts() if split else [(np.arange(len(rs)), np.arange(len(gs)))]
    tasks = [(g, r) for r, g in ((r[free[r]], g[places[g] > 0]) for r, g in parts)
             if len(r) and len(g)]
    new_g, new_r, stats = _solve_parts(scorer, rules, tasks, places, (ex_g, ex_r), min_score)

    all_g, all_r = np.concatenate([lk_g, new_g]), np.concatenate([lk_r, new_r])
    scores = scorer.pairs(all_g, all_r)
    reasons = explain(scorer, all_g, all_r)
    pairs = [ProposedPair(gs.ids[g], rs.ids[r], float(s), why, locked=k < len(lk_g))
             for k, (g, r, s, why) in enumerate(zip(all_g, all_r, scores, reasons))]
    pairs.sort(key=lambda p: (gs.index[p.guide_id], rs.index[p.refugee_id]))
    np.subtract.at(places, new_g, 1)
    waiting = np.setdiff1d(np.arange(len(rs)), all_r)
    fits = _has_allowed_guide(scorer, rules, waiting, (ex_g, ex_r), min_score)
    unmatched = tuple(
        UnmatchedRefugee(rs.ids[r], Reason("guides_taken" if ok else "no_allowed_guide"))
        for r, ok in zip(waiting, fits))
    return MatchResult(
        pairs=tuple(pairs), unmatched_refugees=unmatched,
        free_places={gs.ids[g]: int(places[g]) for g in np.flatnonzero(places > 0)},
        weights=dict(scorer.weights), today=today, min_score=min_score, parts=len(tasks),
        stats=stats,
    )


def _solve_parts(scorer: Scorer, rules: RuleTable, tasks: list[tuple[np.ndarray, np.ndarray]],
                 places: np.ndarray, excluded: tuple[np.ndarray, np.ndarray], min_score: float
                 ) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Solve every (guides, refugees) part: the matched positions, and the time spent."""
    def solve_one(k: int) -> tuple[np.ndarray, np.ndarray, float, float]:
        return _solve_part(scorer, rules, *tasks[k], places, excluded, min_score)

    # Large parts one at a time, so that memory stays bounded; middle-sized ones side by side
    # (the solver releases the GIL, so threads do run at once).
    cells = [len(r) * int(places[g].sum()) for g, r in tasks]
    alone = [k for k in range(len(tasks))
             if not PARALLEL_MIN_CELLS <= cells[k] <= PARALLEL_MAX_CELLS or len(tasks) == 1]
    together = [k for k in range(len(tasks)) if k not in alone]
    results = {k: solve_one(k) for k in alone}
    if together:
        with ThreadPoolExecutor(max_workers=min(workers_available(), len(together))) as pool:
            results.update(zip(together, pool.map(solve_one, together)))
    matched = [results[k] for k in range(len(tasks))]  # in part order, whichever finished first
    none = np.zeros(0, dtype=np.int64)
    return (np.concatenate([none] + [m[0] for m in matched]),
            np.concatenate([none] + [m[1] for m in matched]),
            {"build_s": sum(m[2] for m in matched), "solve_s": sum(m[3] for m in matched)})


@dataclass(frozen=True)
class PartMatrix:
    """One part's cost matrix, and which refugee and guide each row and column stands for."""

    cost: np.ndarray
    transposed: bool        # guide places as rows (more refugees than places)
    rows: np.ndarray        # refugee position (in the whole set) of each refugee row
    columns: np.ndarray     # guide position of each place column


def part_matrix(scorer: Scorer, rules: RuleTable, part_g: np.ndarray, part_r: np.ndarray,
                places: np.ndarray, excluded: tuple[np.ndarray, np.ndarray],
                min_score: float) -> PartMatrix:
    """Build the cost matrix of one part (see build.cost_matrix)."""
    # Ordered by type (then by id), so the hard rules hold or fail over whole rectangles;
    # a guide's column is repeated once per free place.
    rows = part_r[np.lexsort((part_r, rules.refugee_type[part_r]))]
    guides = part_g[np.lexsort((part_g, rules.guide_type[part_g]))]
    columns = np.repeat(guides, places[guides])
    # Each exclusion inside the part covers every place column of its guide.
    row_of = np.full(scorer.n_refugees, -1)
    row_of[rows] = np.arange(len(rows))
    first_column = np.full(scorer.n_guides, -1)
    first_column[guides] = np.cumsum(places[guides]) - places[guides]
    ex_g, ex_r = excluded
    inside = (row_of[ex_r] >= 0) & (first_column[ex_g] >= 0)
    ex_g, ex_r = ex_g[inside], ex_r[inside]
    width = places[ex_g]
    offsets = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    local_ex = (np.repeat(first_column[ex_g], width) + offsets, np.repeat(row_of[ex_r], width))
    # Larger than any total score of this part: one more matched refugee always wins.
    big = 100.0 * (min(len(rows), len(columns)) + 1)
    cost, transposed = cost_matrix(scorer.subset(columns, rows), rules.subset(columns, rows),
                                   local_ex, min_score, big)
    return PartMatrix(cost, transposed, rows, columns)


def _solve_part(scorer: Scorer, rules: RuleTable, part_g: np.ndarray, part_r: np.ndarray,
                places: np.ndarray, excluded: tuple[np.ndarray, np.ndarray],
                min_score: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Solve one part: the matched (guide, refugee) positions in the whole sets, and timings."""
    started = time.perf_counter()
    part = part_matrix(scorer, rules, part_g, part_r, places, excluded, min_score)
    built = time.perf_counter()
    r_idx, c_idx = linear_sum_assignment(part.cost)
    solved = time.perf_counter()
    allowed = part.cost[r_idx, c_idx] < 0
    cols, refs = (r_idx, c_idx) if part.transposed else (c_idx, r_idx)
    return part.columns[cols[allowed]], part.rows[refs[allowed]], built - started, solved - built


def _check_locks(gs: ProfileSet, rs: ProfileSet, rules: RuleTable, locked: list[tuple[str, str]],
                 excluded: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Return the locked pairs' positions; raise MatchInputError for a lock that cannot hold."""
    g_pos, r_pos = resolve_pairs(gs, rs, locked, "locked")
    keep: list[int] = []
    guide_of: dict[int, tuple[int, int]] = {}
    used = np.zeros(len(gs), dtype=np.int64)
    codes = rules.pair_codes(g_pos, r_pos) if len(g_pos) else np.zeros(0, dtype=np.int8)
    for i, (g, r) in enumerate(zip(g_pos.tolist(), r_pos.tolist())):
        pair = f"{gs.ids[g]},{rs.ids[r]}"
        if codes[i] != Forbidden.ALLOWED:
            rule = render_reason(Reason("forbidden_" + Forbidden(codes[i]).key), "en")
            raise MatchInputError("locked", i, "", pair, f"this lock breaks a hard rule: {rule}")
        if (g, r) in excluded:
            raise MatchInputError("locked", i, "", pair, "this pair is both locked and excluded")
        if r in guide_of:
            first_g, first_i = guide_of[r]
            if first_g == g:
                continue  # the same lock twice: harmless
            raise MatchInputError("locked", i, "refugee_id", rs.ids[r],
                                  f"refugee is already locked to guide {gs.ids[first_g]} "
                                  f"(entry {first_i + 1})")
        guide_of[r] = (g, i)
        used[g] += 1
        if used[g] > gs.capacity[g]:
            raise MatchInputError("locked", i, "guide_id", gs.ids[g],
                                  f"more locks than the guide's capacity ({gs.capacity[g]})")
        keep.append(i)
    return g_pos[keep], r_pos[keep]


def _has_allowed_guide(scorer: Scorer, rules: RuleTable, refugees: np.ndarray,
                       excluded: tuple[np.ndarray, np.ndarray], min_score: float) -> np.ndarray:
    """Whether each refugee has any guide the rules, exclusions and minimum score allow."""
    if not len(refugees) or not scorer.n_guides:
        return np.zeros(len(refugees), dtype=bool)
    ok = rules.guide_columns()[rules.refugee_type[refugees]] == Forbidden.ALLOWED
    ex_g, ex_r = excluded
    row_of = {r: k for k, r in enumerate(refugees.tolist())}
    for g, r in zip(ex_g.tolist(), ex_r.tolist()):
        if r in row_of:
            ok[row_of[r], g] = False
    if min_score > 0:
        k, g = np.nonzero(ok)
        ok[k, g] = scorer.pairs(g, refugees[k]) >= min_score
    return ok.any(axis=1)
