"""Who gets the scarce guides: three policies played over the same simulated year and more.

    python bench/fairness.py            # 10 seeds, 52 weeks of history + 78 measured weeks
    python bench/fairness.py --quick    # 2 seeds, 8 + 26 weeks: a smoke run

One branch like Tromsø: about 44 new guides a year (about 70 % women) and about
one refugee a week (about 60 % men); gender wishes as coordinators report them
(most women and many men want a guide of their own gender, some guides too);
pets, languages, interests and free times as in guidematch/matching/synthetic.py.
A pairing lasts 9-12 months; then the guide comes back for another refugee
with probability RETURN_ODDS. Every week the coordinator runs the matching on
who is waiting and the guides with a free place, and every proposal is taken.

The history before the measured weeks is played once, by first-come-first-served
(what coordinators did by hand), so every policy starts from the same backlog;
then each policy plays the same arrivals:
- fcfs: down the waiting list, longest waiter first, each takes the best-fitting
  free guide the hard rules allow (fit: the score with waiting weight 0);
- fitonly: the real solve with waiting weight 0;
- default: the real solve with the default weights.
The solves are `guidematch.matching.solve`, the very call the app makes.

Per policy: matched (pairs made in the measured weeks); p50 / p90 / max wait of
men and of women in days, over everyone on the waiting list during the measured
weeks (who is still waiting at the end counts up to the end); and the mean
fit-only score of the pairs made. The `fairness ...` line gives the means over
the seeds. The hindsight figure is the best total fit a coordinator could have
reached knowing the measured weeks in advance: one solve (most matched first,
then the best total fit) of everyone waiting against every guide place that was
free at the start or arrived later, a pair possible only while both are
present (nobody leaves, so: the hard rules); each place serves once, because a
returning place's return depends on the policy. The default's share compares
its pairs made with those same places (returned places left out).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from guidematch.matching import ProfileRecord, score_matrix, solve  # noqa: E402
from guidematch.matching import synthetic  # noqa: E402

START = date(2026, 1, 5)          # a Monday: the first measured week
GUIDES_A_YEAR = 44
REFUGEES_A_WEEK = 1.0
GUIDE_WOMEN = 0.70
REFUGEE_MEN = 0.60
RETURN_ODDS = 0.3                 # a guide comes back after a pairing
PAIRING_WEEKS = (39, 52)          # 9-12 months
FIT_ONLY = {"waiting": 0.0}
# Gender wishes (the wanted gender of the other): (any, same) odds by side and gender.
WISH = {("guide", "female"): (0.65, 0.35), ("guide", "male"): (0.90, 0.10),
        ("refugee", "female"): (0.20, 0.80), ("refugee", "male"): (0.35, 0.65)}
POLICIES = ("fcfs", "fitonly", "default")


@dataclass
class Place:
    """One place of a guide: free from a week on, or busy until a week."""

    guide: str
    free_from: int
    returned: bool = False        # free again after a pairing (not in the hindsight)


@dataclass
class Arrivals:
    """Everyone who comes, with the draws that do not depend on the policy."""

    guides: dict[str, tuple[int, ProfileRecord]] = field(default_factory=dict)  # id: (week, p)
    refugees: dict[str, tuple[int, ProfileRecord]] = field(default_factory=dict)
    pairing_weeks: dict[str, int] = field(default_factory=dict)     # refugee id: length
    returns: dict[str, list[bool]] = field(default_factory=dict)    # guide id: after each


def _wish(rng: random.Random, kind: str, gender: str) -> str:
    if gender == "other":
        return "any"
    return rng.choices(("any", "same"), WISH[(kind, gender)])[0]


def arrivals(seed: int, first_week: int, last_week: int) -> Arrivals:
    """Draw who arrives in weeks first_week..last_week-1 (week 0 is START)."""
    rng, counts = random.Random(seed), np.random.default_rng(seed)
    found = Arrivals()
    for week in range(first_week, last_week):
        day = START + timedelta(weeks=week)
        for _ in range(counts.poisson(GUIDES_A_YEAR / 52)):
            i = len(found.guides) + 1
            gender = "female" if rng.random() < GUIDE_WOMEN else "male"
            g = dataclasses.replace(synthetic.guide(rng, i, "tromso", day), gender=gender,
                                    gender_preference=_wish(rng, "guide", gender))
            found.guides[g.id] = (week, g)
            found.returns[g.id] = [rng.random() < RETURN_ODDS for _ in range(8)]
        for _ in range(counts.poisson(REFUGEES_A_WEEK)):
            i = len(found.refugees) + 1
            gender = "male" if rng.random() < REFUGEE_MEN else "female"
            r = dataclasses.replace(synthetic.refugee(rng, i, "tromso", day), gender=gender,
                                    gender_preference=_wish(rng, "refugee", gender),
                                    waiting_since=day)
            found.refugees[r.id] = (week, r)
            found.pairing_weeks[r.id] = rng.randint(*PAIRING_WEEKS)
    return found


@dataclass
class Branch:
    """The branch's state between weekly runs."""

    places: list[Place] = field(default_factory=list)
    busy: list[tuple[int, Place]] = field(default_factory=list)   # (ends in week, place)
    waiting: dict[str, int] = field(default_factory=dict)          # refugee id: arrival week
    done: dict[str, int] = field(default_factory=dict)             # guide id: pairings ended
    pairs: list[tuple[str, str, int, float, bool]] = field(default_factory=list)
    # (guide, refugee, week, fit-only score, place had returned)

    def copy(self) -> Branch:
        places = {id(p): dataclasses.replace(p) for p in self.places + [p for _, p in self.busy]}
        return Branch([places[id(p)] for p in self.places],
                      [(w, places[id(p)]) for w, p in self.busy], dict(self.waiting),
                      dict(self.done), list(self.pairs))


def fcfs(guides: list[ProfileRecord], refugees: list[ProfileRecord],
         day: date) -> list[tuple[str, str]]:
    """Down the waiting list: each takes the best-fitting free guide the hard rules allow."""
    table = score_matrix(guides, refugees, FIT_ONLY, day)
    column = {rid: k for k, rid in enumerate(table.refugee_ids)}
    free = {g.id: g.capacity for g in guides}
    chosen = []
    for r in sorted(refugees, key=lambda r: (r.waiting_since, column[r.id])):
        k = column[r.id]
        best = [(-table.scores[i, k], i) for i, gid in enumerate(table.guide_ids)
                if free[gid] > 0 and table.forbidden[i, k] == 0]
        if best:
            gid = table.guide_ids[min(best)[1]]
            free[gid] -= 1
            chosen.append((gid, r.id))
    return chosen


def run_week(branch: Branch, found: Arrivals, week: int, policy: str) -> None:
    """One week: pairings end, people arrive, the matching runs and every proposal is taken."""
    for ends, place in [b for b in branch.busy if b[0] <= week]:
        branch.busy.remove((ends, place))
        n = branch.done.get(place.guide, 0)
        branch.done[place.guide] = n + 1
        if found.returns[place.guide][min(n, 7)]:
            place.free_from, place.returned = week, True
            branch.places.append(place)
    for gid, (w, g) in found.guides.items():
        if w == week:
            branch.places += [Place(gid, week) for _ in range(g.capacity)]
    for rid, (w, _) in found.refugees.items():
        if w == week:
            branch.waiting[rid] = w
    if not branch.places or not branch.waiting:
        return
    day = START + timedelta(weeks=week)
    count: dict[str, int] = {}
    for p in branch.places:
        count[p.guide] = count.get(p.guide, 0) + 1
    guides = [dataclasses.replace(found.guides[gid][1], capacity=n) for gid, n in count.items()]
    refugees = [found.refugees[rid][1] for rid in branch.waiting]
    if policy == "fcfs":
        chosen = fcfs(guides, refugees, day)
    else:
        result = solve(guides, refugees, weights=FIT_ONLY if policy == "fitonly" else None,
                       today=day)
        chosen = [(p.guide_id, p.refugee_id) for p in result.pairs]
    if not chosen:
        return
    fit = score_matrix(guides, refugees, FIT_ONLY, day)
    g_row = {gid: i for i, gid in enumerate(fit.guide_ids)}
    r_col = {rid: k for k, rid in enumerate(fit.refugee_ids)}
    for gid, rid in chosen:
        place = next(p for p in sorted(branch.places, key=lambda p: p.returned)
                     if p.guide == gid)  # a first-time place before a returned one
        branch.places.remove(place)
        branch.busy.append((week + found.pairing_weeks[rid], place))
        del branch.waiting[rid]
        branch.pairs.append((gid, rid, week, float(fit.scores[g_row[gid], r_col[rid]]),
                             place.returned))


def waits(branch: Branch, found: Arrivals, end_week: int,
          start_week: int = 0) -> dict[str, list[int]]:
    """Days waited by men and women on the list during the measured weeks."""
    matched = {rid: week for _, rid, week, _, _ in branch.pairs}
    by_gender: dict[str, list[int]] = {"male": [], "female": []}
    for rid, (arrived, r) in found.refugees.items():
        ended = matched.get(rid, end_week)
        if ended < start_week or r.gender not in by_gender:
            continue  # paired before the measured weeks, or neither man nor woman
        by_gender[r.gender].append(7 * (ended - arrived))
    return by_gender


def hindsight(start: Branch, found: Arrivals, end_week: int) -> tuple[int, float]:
    """Most matched, then the best total fit, knowing every arrival of the measured weeks."""
    count: dict[str, int] = {}
    for p in start.places:
        count[p.guide] = count.get(p.guide, 0) + 1
    for gid, (w, g) in found.guides.items():
        if 0 <= w < end_week:
            count[gid] = count.get(gid, 0) + g.capacity
    guides = [dataclasses.replace(found.guides[gid][1], capacity=n) for gid, n in count.items()]
    refugees = [r for rid, (w, r) in found.refugees.items()
                if rid in start.waiting or 0 <= w < end_week]
    result = solve(guides, refugees, weights=FIT_ONLY, today=START + timedelta(weeks=end_week))
    return len(result.pairs), result.total_score


def pct(values: list[int], q: float) -> float:
    """The q-th percentile (linear between ranks); 0 for no values."""
    return float(np.percentile(values, q)) if values else 0.0


def play(seed: int, history: int, weeks: int) -> dict[str, dict[str, float]]:
    """One seed: the history by fcfs, then each policy over the measured weeks."""
    found = arrivals(seed, -history, weeks)
    start = Branch()
    for week in range(-history, 0):
        run_week(start, found, week, "fcfs")
    figures = {}
    for policy in POLICIES:
        branch = start.copy()
        for week in range(weeks):
            run_week(branch, found, week, policy)
        made = [p for p in branch.pairs if p[2] >= 0]
        w = waits(branch, found, weeks)
        figures[policy] = {
            "matched": len(made),
            **{f"{q}_wait_{g}": f(w[gender]) for g, gender in (("men", "male"),
                                                              ("women", "female"))
               for q, f in (("p50", lambda v: pct(v, 50)), ("p90", lambda v: pct(v, 90)),
                            ("max", lambda v: float(max(v, default=0))))},
            "mean_fit": statistics.fmean(p[3] for p in made) if made else 0.0,
            "total_fit_first_places": sum(p[3] for p in made if not p[4]),
        }
    figures["hindsight"] = dict(zip(("matched", "total_fit"), hindsight(start, found, weeks)))
    return figures


def main(argv: list[str] | None = None) -> int:
    """Play the seeds and print each one's figures, their means and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, 8 + 26 weeks")
    parser.add_argument("--seeds", type=int, help="how many seeds (default 10, quick 2)")
    parser.add_argument("--weeks", type=int, help="measured weeks (default 78, quick 26)")
    parser.add_argument("--history", type=int, help="weeks played before (default 52, quick 8)")
    args = parser.parse_args(argv)
    seeds = args.seeds or (2 if args.quick else 10)
    weeks = args.weeks or (26 if args.quick else 78)
    history = args.history if args.history is not None else (8 if args.quick else 52)
    started = time.perf_counter()
    runs = [play(seed, history, weeks) for seed in range(1, seeds + 1)]
    columns = ("matched", "p50_wait_men", "p90_wait_men", "max_wait_men",
               "p50_wait_women", "p90_wait_women", "max_wait_women", "mean_fit")
    print(f"{seeds} seeds, {history} weeks of history by fcfs, then {weeks} weeks per policy;"
          " waits in days")
    print(f"{'policy':8} {'seed':>4} " + " ".join(f"{c:>14}" for c in columns))
    mean = {p: {c: statistics.fmean(r[p][c] for r in runs) for c in runs[0][p]}
            for p in (*POLICIES, "hindsight")}
    for policy in POLICIES:
        for seed, r in enumerate(runs, start=1):
            print(f"{policy:8} {seed:>4} " + " ".join(f"{r[policy][c]:>14.1f}" for c in columns))
        print(f"{policy:8} {'mean':>4} " + " ".join(f"{mean[policy][c]:>14.1f}" for c in columns))
    share = (statistics.fmean(r["default"]["total_fit_first_places"] / r["hindsight"]["total_fit"]
                              for r in runs if r["hindsight"]["total_fit"]))
    print(f"hindsight: {mean['hindsight']['matched']:.1f} matched, total fit "
          f"{mean['hindsight']['total_fit']:.0f}; the default reaches {100 * share:.1f} % of it"
          " with the same places (returned places left out)")
    d, f, c = mean["default"], mean["fitonly"], mean["fcfs"]
    print(f"goal: p90 wait of men {d['p90_wait_men'] / c['p90_wait_men']:.3f} x fcfs (<= 1.10), "
          f"mean fit {d['mean_fit'] / f['mean_fit']:.3f} x fit only (>= 0.95), "
          f"matched {d['matched'] - f['matched']:+.1f} against fit only, "
          f"{d['matched'] - c['matched']:+.1f} against fcfs (never fewer)")
    print(f"fairness default_p90_wait_men={d['p90_wait_men']:.1f} "
          f"fcfs_p90_wait_men={c['p90_wait_men']:.1f} "
          f"fitonly_p90_wait_men={f['p90_wait_men']:.1f} default_mean_fit={d['mean_fit']:.1f} "
          f"fitonly_mean_fit={f['mean_fit']:.1f} default_matched={d['matched']:.1f} "
          f"fitonly_matched={f['matched']:.1f} hindsight_share={share:.3f}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
