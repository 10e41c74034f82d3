"""Properties on random small instances: optimal, safe, consistent, independent of row order.

The optimum is checked against an exhaustive search over every feasible
matching of the same scores; the hard rules against the plain-Python
reference, not against the code under test.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import timedelta
from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guidematch.matching import Forbidden, ProfileSet, score_matrix, solve
from guidematch.matching.reference import reference_matrix
from guidematch.matching.constraints import rule_table
from guidematch.matching.parts import FIT_FLOOR, shortest_waits
from guidematch.matching.score import Scorer
from guidematch.matching.solve import part_matrix
from tests.matching.factories import TODAY, only
from tests.matching.strategies import any_pairs, people

SETTINGS = settings(max_examples=150, deadline=None)
PARTS = ("interests", "activities", "language", "family", "age", "availability", "location",
         "background", "waiting")


@st.composite
def instances(draw):
    guides, refugees = draw(people())
    excluded = any_pairs(draw, guides, refugees, 4)
    _, codes = reference_matrix(guides, refugees, None, TODAY)
    candidates = [(g, r) for i, g in enumerate(guides) for j, r in enumerate(refugees)
                  if codes[i][j] == Forbidden.ALLOWED and (g.id, r.id) not in excluded]
    locked: list[tuple[str, str]] = []
    used: Counter[str] = Counter()
    wanted = (draw(st.lists(st.sampled_from(candidates), max_size=3, unique=True))
              if candidates else [])
    for g, r in wanted:
        if r.id not in {rid for _, rid in locked} and used[g.id] < g.capacity:
            locked.append((g.id, r.id))
            used[g.id] += 1
    min_score = draw(st.sampled_from((0.0, 0.0, 35.0, 45.0)))
    # Default weights, random ones, or a single part (scores spread from 0 to 100,
    # where the best-scoring matching is often not the one that matches the most).
    weights = draw(st.one_of(
        st.none(),
        st.fixed_dictionaries({name: st.sampled_from((0.0, 1.0, 2.5)) for name in PARTS})
        .filter(lambda w: sum(w.values()) > 0),
        st.sampled_from(PARTS).map(only)))
    return guides, refugees, locked, excluded, min_score, weights


def best_possible(guides, refugees, allowed, locked) -> tuple[int, float]:
    """The best (refugees matched, total score) of every feasible matching: exhaustive search."""
    locked_refugees = {r for _, r in locked}
    places = {g.id: g.capacity - sum(1 for lg, _ in locked if lg == g.id) for g in guides}
    free = [r.id for r in refugees if r.id not in locked_refugees]
    guide_ids = [g.id for g in guides]

    @lru_cache(maxsize=None)
    def search(i: int, left: tuple[int, ...]) -> tuple[int, float]:
        if i == len(free):
            return (0, 0.0)
        best = search(i + 1, left)                           # this refugee waits
        for k, gid in enumerate(guide_ids):
            if left[k] and (gid, free[i]) in allowed:
                count, total = search(i + 1, left[:k] + (left[k] - 1,) + left[k + 1:])
                best = max(best, (count + 1, total + allowed[(gid, free[i])]))
        return best

    return search(0, tuple(places[g] for g in guide_ids))


@SETTINGS
@given(instances())
def test_the_solve_is_optimal_and_breaks_no_rule(instance):
    guides, refugees, locked, excluded, min_score, weights = instance
    result = solve(guides, refugees, weights=weights, locked=locked, excluded=excluded,
                   min_score=min_score, today=TODAY)
    table = score_matrix(guides, refugees, weights, TODAY)
    ref_scores, ref_codes = reference_matrix(guides, refugees, weights, TODAY)
    g_at = {g.id: i for i, g in enumerate(guides)}
    r_at = {r.id: j for j, r in enumerate(refugees)}
    g_row = {gid: i for i, gid in enumerate(table.guide_ids)}
    r_col = {rid: j for j, rid in enumerate(table.refugee_ids)}

    # No hard rule broken, nothing excluded, capacities and locks kept.
    for pair in result.pairs:
        assert ref_codes[g_at[pair.guide_id]][r_at[pair.refugee_id]] == Forbidden.ALLOWED
        assert (pair.guide_id, pair.refugee_id) not in excluded
        assert pair.locked == ((pair.guide_id, pair.refugee_id) in locked)
        if not pair.locked:
            assert pair.score >= min_score
        # The same score as `match scores` gives, exactly.
        assert pair.score == table.scores[g_row[pair.guide_id], r_col[pair.refugee_id]]
    assert set(locked) <= {(p.guide_id, p.refugee_id) for p in result.pairs}
    assert len({p.refugee_id for p in result.pairs}) == len(result.pairs)
    per_guide = Counter(p.guide_id for p in result.pairs)
    assert all(per_guide[g.id] <= g.capacity for g in guides)
    assert {u.refugee_id for u in result.unmatched_refugees} == \
        {r.id for r in refugees} - {p.refugee_id for p in result.pairs}

    # As many refugees as possible, then the best total, over the same scores.
    allowed = {(g.id, r.id): float(table.scores[g_row[g.id], r_col[r.id]])
               for g in guides for r in refugees
               if ref_codes[g_at[g.id]][r_at[r.id]] == Forbidden.ALLOWED
               and (g.id, r.id) not in excluded
               and table.scores[g_row[g.id], r_col[r.id]] >= min_score}
    count, total = best_possible(guides, refugees, allowed, locked)
    locked_total = sum(p.score for p in result.pairs if p.locked)
    assert len(result.pairs) - len(locked) == count
    assert abs(result.total_score - locked_total - total) < 1e-6
    # Every pair explained by at most three reasons.
    assert all(len(p.reasons) <= 3 for p in result.pairs)


@SETTINGS
@given(instances(), st.randoms(use_true_random=False))
def test_the_output_does_not_depend_on_the_order_of_the_rows(instance, rnd):
    guides, refugees, locked, excluded, min_score, weights = instance
    first = solve(guides, refugees, weights=weights, locked=locked, excluded=excluded,
                  min_score=min_score, today=TODAY)
    shuffled_g, shuffled_r = list(guides), list(refugees)
    rnd.shuffle(shuffled_g)
    rnd.shuffle(shuffled_r)
    again = solve(shuffled_g, shuffled_r, weights=weights, locked=locked[::-1],
                  excluded=excluded[::-1], min_score=min_score, today=TODAY)
    assert again.pairs == first.pairs
    assert again.unmatched_refugees == first.unmatched_refugees


@settings(max_examples=60, deadline=None)
@given(people(max_guides=9, max_refugees=9))
def test_the_vectorised_scores_agree_with_the_per_pair_reference(group):
    guides, refugees = group
    table = score_matrix(guides, refugees, None, TODAY)
    scores, codes = reference_matrix(table_order(guides, table.guide_ids),
                                     table_order(refugees, table.refugee_ids), None, TODAY)
    expected = np.array(scores).reshape(table.scores.shape)
    # Single precision arithmetic: exact to about 1e-4 points (1e-3 allowed).
    assert np.allclose(table.scores, expected, rtol=0, atol=1e-3)
    assert (table.forbidden == np.array(codes, dtype=np.int8).reshape(table.forbidden.shape)).all()


@settings(max_examples=60, deadline=None)
@given(people(max_guides=9, max_refugees=9))
def test_a_pair_scores_the_same_alone_as_in_the_matrix(group):
    guides, refugees = group
    gs, rs = ProfileSet.from_records(guides, "guide"), ProfileSet.from_records(refugees, "refugee")
    matrix = score_matrix(gs, rs, None, TODAY).scores  # guides as rows
    g_pos, r_pos = np.meshgrid(np.arange(len(gs)), np.arange(len(rs)), indexing="ij")
    alone = Scorer(gs, rs, None, TODAY).pairs(g_pos.ravel(), r_pos.ravel())
    assert np.array_equal(alone, matrix.ravel())


def table_order(records, ids):
    by_id = {r.id: r for r in records}
    return [by_id[i] for i in ids]


@settings(max_examples=60, deadline=None)
@given(people(max_guides=9, max_refugees=9), st.sampled_from((0.0, 40.0)))
def test_the_cost_matrix_holds_big_plus_score_where_allowed_and_zero_elsewhere(group, min_score):
    guides, refugees = group
    gs, rs = ProfileSet.from_records(guides, "guide"), ProfileSet.from_records(refugees, "refugee")
    scorer, rules = Scorer(gs, rs, None, TODAY), rule_table(gs, rs, TODAY)
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    part = part_matrix(scorer, rules, np.arange(len(gs)), np.arange(len(rs)), gs.capacity, none,
                       min_score)
    cost = part.cost.T if part.transposed else part.cost
    g, r = np.meshgrid(part.columns, part.rows)
    scores = scorer.pairs(g.ravel(), r.ravel()).reshape(cost.shape)
    allowed = (rules.pair_codes(g.ravel(), r.ravel()).reshape(cost.shape) == Forbidden.ALLOWED)
    allowed &= scores >= min_score
    big = 100.0 * (min(cost.shape) + 1)
    assert np.array_equal(cost < 0, allowed) and (cost[~allowed] == 0).all()
    # big is added in one step with the per-refugee constant: equal up to rounding
    assert np.allclose(cost, np.where(allowed, -(big + scores), 0.0), rtol=0, atol=1e-9)


@SETTINGS
@given(instances(), st.lists(st.integers(0, 800), min_size=7, max_size=7))
def test_with_waiting_weight_0_how_long_anyone_waited_changes_nothing(instance, days):
    guides, refugees, locked, excluded, min_score, weights = instance
    fit_only = {**(weights or {}), "waiting": 0.0}
    if not sum(fit_only.values()):  # the weights were waiting only: the default fit parts
        fit_only = {"waiting": 0.0}
    first = solve(guides, refugees, weights=fit_only, locked=locked, excluded=excluded,
                  min_score=min_score, today=TODAY)
    moved = [dataclasses.replace(r, waiting_since=TODAY - timedelta(days=d))
             for r, d in zip(refugees, days)]
    again = solve(guides, moved, weights=fit_only, locked=locked, excluded=excluded,
                  min_score=min_score, today=TODAY)
    assert [(p.guide_id, p.refugee_id, p.score) for p in again.pairs] == \
        [(p.guide_id, p.refugee_id, p.score) for p in first.pairs]
    assert np.array_equal(score_matrix(guides, moved, fit_only, TODAY).scores,
                          score_matrix(guides, refugees, fit_only, TODAY).scores)


@settings(max_examples=60, deadline=None)
@given(people(max_guides=9, max_refugees=9))
def test_waiting_buys_nothing_for_a_poor_fit_and_never_lowers_a_score(group):
    guides, refugees = group
    default = score_matrix(guides, refugees, None, TODAY).scores
    fit = score_matrix(guides, refugees, {"waiting": 0.0}, TODAY).scores
    share = 15 / 25   # the fit parts' weights of all default weights
    assert (default >= fit * share - 1e-3).all()
    poor = fit < FIT_FLOOR - 1e-3
    assert np.allclose(default[poor], fit[poor] * share, rtol=0, atol=1e-3)
    # At most the waiting weight's share (10 of 25) on top of the fit.
    assert (default <= fit * share + 40 + 1e-3).all()


@given(st.integers(0, 6).flatmap(lambda rows: st.tuples(
    st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0, 12.0, np.inf]), min_size=rows, max_size=rows),
    st.lists(st.lists(st.booleans(), min_size=rows, max_size=rows), max_size=5))))
def test_each_guides_shortest_waiter_is_the_least_months_among_those_allowed(case):
    months, columns = case
    allowed = np.array(columns, dtype=bool).T.reshape(len(months), len(columns))
    expected = [min((m for m, ok in zip(months, column) if ok and np.isfinite(m)), default=0.0)
                for column in columns]
    assert shortest_waits(np.array(months), allowed).tolist() == expected
