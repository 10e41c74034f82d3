"""Whole matrices from the score, block by block: the score matrix and the solver's cost matrix.

Memory stays bounded by working on a block of about BLOCK_CELLS pairs at a
time (512 kB per scratch array, reused). One thread builds a matrix: with
blocks this size, two threads mostly wait for each other on the GIL between
numpy calls (measured: no faster on two cores); separate parts of a problem
are solved side by side instead (solve.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from guidematch.matching.constraints import Forbidden, RuleTable, resolve_pairs, rule_table
from guidematch.matching.errors import MatchInputError
from guidematch.matching.profiles import ProfileSet, as_profile_set
from guidematch.matching.score import BLOCK_CELLS, ScoreMatrix, Scorer
from guidematch.profile import ProfileRecord

GAP_COLUMNS = 64  # forbidden columns worth computing (and zeroing) to keep one wide block


def row_blocks(r0: int, r1: int, c0: int, c1: int) -> list[tuple[int, int, int, int]]:
    """Cut rows r0:r1 x columns c0:c1 into blocks of about BLOCK_CELLS pairs."""
    step = max(1, BLOCK_CELLS // max(1, c1 - c0))
    return [(r, min(r + step, r1), c0, c1) for r in range(r0, r1, step)]


def check_min_score(min_score: float) -> float:
    """Return the minimum score as a float; raise MatchInputError outside 0-100."""
    try:
        value = float(min_score)
    except (TypeError, ValueError):
        raise MatchInputError("min_score", 0, "min_score", str(min_score),
                              "must be a number") from None
    if not 0.0 <= value <= 100.0:
        raise MatchInputError("min_score", 0, "min_score", str(min_score), "must be from 0 to 100")
    return value


def score_matrix(guides: ProfileSet | Iterable[ProfileRecord],
                 refugees: ProfileSet | Iterable[ProfileRecord],
                 weights: Mapping[str, float] | None, today: date, *,
                 excluded: Iterable[tuple[str, str]] = (), min_score: float = 0.0) -> ScoreMatrix:
    """Return every guide-refugee pair's score and Forbidden code (guides as rows)."""
    gs, rs = as_profile_set(guides, "guide"), as_profile_set(refugees, "refugee")
    min_score = check_min_score(min_score)
    rules = rule_table(gs, rs, today)
    scorer = Scorer(gs, rs, weights, today, rules)  # waiting is relative to this whole set
    ex_g, ex_r = resolve_pairs(gs, rs, excluded, "excluded")
    by_guide = rules.guide_columns()
    scores = np.empty((len(rs), len(gs)))
    codes = np.empty((len(rs), len(gs)), dtype=np.int8)

    for r0, r1, _, _ in row_blocks(0, len(rs), 0, len(gs)):
        scores[r0:r1] = scorer.block(r0, r1)
        codes[r0:r1] = by_guide[rules.refugee_type[r0:r1]]
    if len(ex_g):
        hit = codes[ex_r, ex_g] == Forbidden.ALLOWED
        codes[ex_r[hit], ex_g[hit]] = Forbidden.EXCLUDED
    if min_score > 0:
        codes[(codes == Forbidden.ALLOWED) & (scores < min_score)] = Forbidden.BELOW_MIN_SCORE
    return ScoreMatrix(guide_ids=gs.ids, refugee_ids=rs.ids, scores=scores.T, forbidden=codes.T)


def _runs(values: np.ndarray) -> list[tuple[int, int, int]]:
    """(value, start, stop) of each run of equal values."""
    if not len(values):
        return []
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    stops = np.r_[starts[1:], len(values)]
    return [(int(values[a]), int(a), int(b)) for a, b in zip(starts, stops)]


Rectangle = tuple[int, int, int, int, tuple[tuple[int, int], ...]]


def allowed_rectangles(rules: RuleTable) -> list[Rectangle]:
    """Rows r0:r1 x columns c0:c1 holding the pairs the hard rules allow, and the column
    runs inside that they forbid after all.

    Needs refugees and guides ordered by type: a pair of types is then a
    rectangle with one verdict. Allowed runs closer than GAP_COLUMNS are joined
    (their forbidden gap computed and zeroed): a narrow block costs more in calls
    than the pairs it would save.
    """
    found = []
    guide_runs = _runs(rules.guide_type)
    for r_type, r0, r1 in _runs(rules.refugee_type):
        start, stop, gaps = -1, -1, []
        for g_type, c0, c1 in guide_runs:
            if rules.codes[r_type, g_type] != Forbidden.ALLOWED:
                continue
            if start >= 0 and c0 - stop < GAP_COLUMNS:
                if c0 > stop:
                    gaps.append((stop, c0))
                stop = c1
                continue
            if start >= 0:
                found.append((r0, r1, start, stop, tuple(gaps)))
            start, stop, gaps = c0, c1, []
        if start >= 0:
            found.append((r0, r1, start, stop, tuple(gaps)))
    return found


def cost_matrix(scorer: Scorer, rules: RuleTable, excluded: tuple[np.ndarray, np.ndarray],
                min_score: float, big: float) -> tuple[np.ndarray, bool]:
    """Return the cost matrix of refugees (rows) against guide places (columns), and
    whether it is transposed (places as rows).

    An allowed pair costs -(BIG + score); a forbidden one 0: it brings no benefit,
    so the solver takes it only where nothing else is left. Refugees and places
    should come ordered by type (solve.part_matrix does it), so that only the few
    rectangles the hard rules allow are computed and the rest stays zero; in any
    other order the matrix is the same, but built in many small pieces. The shorter
    side goes on the rows, as the solver needs (it would copy the whole matrix
    otherwise).
    """
    n_r, n_c = scorer.n_refugees, scorer.n_guides
    transposed = n_r > n_c
    cost = np.zeros((n_c, n_r) if transposed else (n_r, n_c))

    def work(block: Rectangle) -> None:
        r0, r1, c0, c1, gaps = block
        s = scorer.block(r0, r1, c0, c1, negate=True)  # -score, in the cache-sized workspace
        # BIG is subtracted in double precision, on the way into the matrix.
        target = cost[c0:c1, r0:r1].T if transposed else cost[r0:r1, c0:c1]
        np.subtract(s, big, out=target, dtype=np.float64)
        if min_score > 0:  # compare the exact score, as `score_matrix` reports it
            target[s > -min_score] = 0.0
        for g0, g1 in gaps:
            target[:, g0 - c0:g1 - c0] = 0.0

    for *rectangle, gaps in allowed_rectangles(rules):
        for block in row_blocks(*rectangle):
            work((*block, gaps))
    ex_c, ex_r = excluded
    if transposed:
        cost[ex_c, ex_r] = 0.0
    else:
        cost[ex_r, ex_c] = 0.0
    return cost, transposed
