"""The matching core: guide-refugee scores, hard rules and the optimal solve. No Flask, no database.

Public API (stable; the command line and the coordinator's page use only this):

    from guidematch.matching import ProfileSet, score_matrix, solve, render_reason

    guides = ProfileSet.from_records(guide_records)        # ProfileRecord-like plain data
    refugees = ProfileSet.from_records(refugee_records)
    table = score_matrix(guides, refugees, weights, today)  # ScoreMatrix
    table.scores[g, r]      # 0-100 for every pair (guides as rows, in id order)
    table.forbidden[g, r]   # Forbidden code, 0 (ALLOWED) where the pair may be proposed
    result = solve(guides, refugees, weights=weights, locked=[("g1", "r4")],
                   excluded=[("g2", "r7")], min_score=0, today=today)   # MatchResult
    for pair in result.pairs:   # ProposedPair(guide_id, refugee_id, score, reasons, locked)
        print(pair.guide_id, pair.refugee_id, round(pair.score, 1),
              "; ".join(render_reason(r, "nb") for r in pair.reasons))
    result.unmatched_refugees   # UnmatchedRefugee(refugee_id, reason)
    result.free_places          # {guide_id: places left}

- Input: `guidematch.profile.ProfileRecord` objects (the CSV reader makes
  them; the web app's adapter makes them from models), or a `ProfileSet`
  already built from them. `solve` and `score_matrix` accept either.
- `weights`: a mapping from part name (`PARTS`, as in `vocabulary.DEFAULT_WEIGHTS`)
  to a number from 0 to 1000; parts left out keep their default.
- `today`: the reference day for waiting times and ages (default: the real today).
- Bad input (an unknown id in a lock, a lock that breaks a hard rule, bad
  weights...) raises `MatchInputError`, which names the input, entry and field.
- The same input gives the same output, whatever the order of the records.

docs/matching.md explains the score and the solve, for coordinators and developers.
"""
from guidematch.matching.build import check_min_score, score_matrix
from guidematch.matching.constraints import Forbidden, gender_wish_met
from guidematch.matching.errors import MatchInputError
from guidematch.matching.profiles import ProfileSet, normalise_text, offered_activities
from guidematch.matching.reasons import Reason, render_reason, render_reasons
from guidematch.matching.parts import PARTS, check_weights
from guidematch.matching.score import ScoreMatrix
from guidematch.matching.solve import MatchResult, ProposedPair, UnmatchedRefugee, solve
from guidematch.profile import ProfileRecord

__all__ = [
    "PARTS", "Forbidden", "MatchInputError", "MatchResult", "ProfileRecord", "ProfileSet",
    "ProposedPair", "Reason", "ScoreMatrix", "UnmatchedRefugee", "check_min_score", "check_weights",
    "gender_wish_met", "normalise_text", "offered_activities",
    "render_reason", "render_reasons", "score_matrix", "solve",
]
