"""Speed belongs in bench/: no test asserts how long something took."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent
# A clock read inside a test, compared with a number: `took < 1.0`, `elapsed <= 2`.
TIMED = re.compile(r"(perf_counter|monotonic|time\.time|process_time)\(")


def test_hypothesis_has_no_deadline():
    assert settings().deadline is None


def test_no_test_reads_a_clock_to_time_itself():
    offenders = []
    for path in TESTS.rglob("*.py"):
        if path.name == "checks.py":  # the page checker waits for its server to start
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TIMED.search(line) and "TIMED" not in line:
                offenders.append(f"{path.relative_to(TESTS)}:{number}: {line.strip()}")
    assert not offenders, "timing belongs in bench/: " + "; ".join(offenders)
