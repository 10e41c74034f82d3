"""Benchmark the matching: build and solve times, peak memory, and three ratios side by side.

    python bench/matching.py            # about two minutes on a 2-core machine

Each case runs in a fresh child process, so that its peak memory is its own.
Peak memory is the child's peak resident set size (resource.getrusage
ru_maxrss): everything the process held at its worst moment, the Python
interpreter, numpy and scipy (~70 MB) and the profiles included.

Ratios, each measured in the same process, best of three runs (the fastest run
is the one least disturbed by other work on the machine). Runs of one kind go
back to back: on the virtual machine this was written on, memory freed for
more than about two seconds goes back to the host (virtio-balloon free page
reporting), and touching 224 MB of it again costs ~0.45 s, which interleaving
would charge to every solve. The first solve of each fresh process, memory
cold, is shown apart (cold_s).
- build_speedup: the vectorised score matrix against a plain per-pair Python
  loop computing the same scores (1000 x 1000; the matrices must agree).
- overhead_ratio: the whole solve() against a bare linear_sum_assignment of the
  same cost matrix (5000 x 5000, one branch).
- split_speedup: five branches of 1000 x 1000, solved as five parts, against the
  same 5000 x 5000 solved as one matrix.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TODAY = date(2026, 11, 1)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _sets(n_guides: int, n_refugees: int, branches: int):
    from guidematch.matching import ProfileSet
    from guidematch.matching.synthetic import profiles

    guides, refugees = profiles(n_guides, n_refugees, branches=branches, seed=1, today=TODAY)
    return ProfileSet.from_records(guides), ProfileSet.from_records(refugees)


def _solve_times(guides, refugees, **options) -> dict:
    from guidematch.matching import solve

    total, result = _timed(lambda: solve(guides, refugees, today=TODAY, **options))
    return {"build_s": result.stats["build_s"], "solve_s": result.stats["solve_s"],
            "total_s": total, "pairs": len(result.pairs), "parts": result.parts}


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["total_s"])


def _first_solve(n: int, branches: int):
    """The first solve of a fresh process: its peak memory is the solve's own."""
    guides, refugees = _sets(n, n, branches)
    baseline = _peak_mb()
    cold = _solve_times(guides, refugees)
    return guides, refugees, {"cold_s": cold["total_s"], "peak_mb": _peak_mb(),
                              "baseline_mb": baseline}


def case_build() -> dict:
    """Vectorised score matrix against the per-pair loop, 1000 x 1000."""
    import numpy as np

    from guidematch.matching import score_matrix
    from guidematch.matching.reference import reference_matrix

    guides, refugees = _sets(1000, 1000, 1)
    vector_s = min(_timed(lambda: score_matrix(guides, refugees, None, TODAY))[0] for _ in range(3))
    table = score_matrix(guides, refugees, None, TODAY)
    loop_s, (scores, codes) = _timed(
        lambda: reference_matrix(guides.records, refugees.records, None, TODAY))
    difference = float(np.abs(np.array(scores) - table.scores).max())
    codes_agree = bool((np.array(codes, dtype=np.int8) == table.forbidden).all())
    if difference > 1e-3 or not codes_agree:  # single precision: about 1e-4 points
        raise SystemExit(f"vectorised and per-pair matrices disagree: {difference}, {codes_agree}")
    return {"vector_s": vector_s, "loop_s": loop_s, "max_difference": difference}


def case_single(n: int, rounds: int = 3) -> dict:
    """One branch, n x n: the whole solve against a bare solver call on the same cost matrix."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from guidematch.matching.constraints import rule_table
    from guidematch.matching.score import Scorer
    from guidematch.matching.solve import part_matrix

    guides, refugees, first = _first_solve(n, 1)
    # Back to back, as when a coordinator changes a weight and runs again (see main()).
    runs = [_solve_times(guides, refugees) for _ in range(rounds)]
    scorer, rules = Scorer(guides, refugees, None, TODAY), rule_table(guides, refugees, TODAY)
    [(part_r, part_g)] = rules.parts()  # one branch, one part: the matrix solve() builds
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    cost = part_matrix(scorer, rules, part_g, part_r, guides.capacity, none, 0.0).cost
    bare = [_timed(lambda: linear_sum_assignment(cost))[0] for _ in range(rounds)]
    return {**first, **_best(runs), "bare_s": min(bare), "cost_shape": list(cost.shape)}


def case_split(rounds: int = 3) -> dict:
    """Five branches of 1000 x 1000: solved as five parts, and as one 5000 x 5000 matrix."""
    guides, refugees, first = _first_solve(5000, 5)
    split = [_solve_times(guides, refugees) for _ in range(rounds)]
    whole = [_solve_times(guides, refugees, split=False) for _ in range(rounds)]
    best_whole = _best(whole)
    return {**first, **_best(split), "whole_total_s": best_whole["total_s"],
            "whole_build_s": best_whole["build_s"], "whole_solve_s": best_whole["solve_s"]}


CASES = {"build": case_build, "single-1000": lambda: case_single(1000),
         "single-5000": lambda: case_single(5000), "split": case_split}


def _run(case: str) -> dict:
    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--case", case],
                           capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"case {case} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), help="run one case here (used internally)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case]()))
        return

    print(f"matching benchmark: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          "peak memory = peak resident set size of a fresh process (ru_maxrss)")
    build = _run("build")
    print(f"build 1000x1000: vectorised {build['vector_s']:.3f} s, per-pair loop "
          f"{build['loop_s']:.1f} s, speedup {build['loop_s'] / build['vector_s']:.0f}x, "
          f"largest difference {build['max_difference']:.1e}")
    small, large, split = _run("single-1000"), _run("single-5000"), _run("split")
    print(f"{'size':<30} {'build_s':>8} {'solve_s':>8} {'total_s':>8} {'cold_s':>8} "
          f"{'peak_mb':>8}")
    rows = [("1000x1000, 1 branch", small), ("5000x5000, 1 branch", large),
            ("5 branches of 1000x1000", split)]
    for name, r in rows:
        print(f"{name:<30} {r['build_s']:>8.3f} {r['solve_s']:>8.3f} {r['total_s']:>8.3f} "
              f"{r['cold_s']:>8.3f} {r['peak_mb']:>8.0f}")
    print(f"{'same, as one 5000x5000 matrix':<30} {split['whole_build_s']:>8.3f} "
          f"{split['whole_solve_s']:>8.3f} {split['whole_total_s']:>8.3f}")
    print("total_s: best of three runs back to back, from profiles to proposal, reasons "
          "included; cold_s: the first run of a fresh process (memory not yet mapped)")
    rows, columns = large["cost_shape"]
    print(f"5000x5000: cost matrix {rows}x{columns} (guide places as columns), bare "
          f"linear_sum_assignment {large['bare_s']:.3f} s, solve() {large['total_s']:.3f} s; "
          f"{large['baseline_mb']:.0f} MB before solving")
    print("build_s and solve_s of the split case are summed over its parts, run side by side")
    build_speedup = build["loop_s"] / build["vector_s"]
    overhead = large["total_s"] / large["bare_s"]
    split_speedup = split["whole_total_s"] / split["total_s"]
    print(f"matching n=5000 total_s={large['total_s']:.2f} build_speedup={build_speedup:.0f} "
          f"overhead_ratio={overhead:.2f} split_speedup={split_speedup:.1f} "
          f"peak_mb={large['peak_mb']:.0f}")
    from bench import cli_times  # the command end to end, beside the in-process times above

    print("\n".join(cli_times.lines()))


if __name__ == "__main__":
    main()
