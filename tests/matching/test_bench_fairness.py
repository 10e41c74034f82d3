"""bench/fairness.py runs (on a tiny horizon) and its first-come-first-served is what it says."""
from __future__ import annotations

import importlib.util
import re
import sys
from datetime import timedelta

from guidematch import PROJECT_ROOT
from tests.matching.factories import TODAY, guide, refugee

_spec = importlib.util.spec_from_file_location("bench_fairness",
                                               PROJECT_ROOT / "bench" / "fairness.py")
fairness = importlib.util.module_from_spec(_spec)
sys.modules["bench_fairness"] = fairness  # its dataclasses look their module up
_spec.loader.exec_module(fairness)  # type: ignore[union-attr]

SUMMARY = re.compile(
    r"^fairness default_p90_wait_men=[\d.]+ fcfs_p90_wait_men=[\d.]+ "
    r"fitonly_p90_wait_men=[\d.]+ default_mean_fit=[\d.]+ fitonly_mean_fit=[\d.]+ "
    r"default_matched=[\d.]+ fitonly_matched=[\d.]+ hindsight_share=[\d.]+$", re.M)


def test_the_bench_plays_every_policy_and_prints_the_summary_line(capsys):
    assert fairness.main(["--seeds", "1", "--weeks", "8", "--history", "4"]) == 0
    out = capsys.readouterr().out
    assert SUMMARY.search(out), out
    for policy in ("fcfs", "fitonly", "default"):
        assert re.search(rf"^{policy} +mean ", out, re.M)
    assert "hindsight:" in out


def test_first_come_first_served_gives_the_longest_waiter_the_best_fitting_guide():
    fishing = guide(id="fishing", interests=("fishing",))
    music = guide(id="music", interests=("music",))
    early = refugee(id="early", interests=("fishing",), waiting_since=TODAY - timedelta(days=90))
    late = refugee(id="late", interests=("fishing",), waiting_since=TODAY - timedelta(days=5))
    assert set(fairness.fcfs([music, fishing], [late, early], TODAY)) == {
        ("fishing", "early"), ("music", "late")}


def test_the_policies_play_the_same_arrivals():
    one, two = fairness.arrivals(3, -2, 6), fairness.arrivals(3, -2, 6)
    assert one.guides == two.guides and one.refugees == two.refugees
    assert one.pairing_weeks == two.pairing_weeks and one.returns == two.returns
