"""End-to-end times of `flask --app guidematch match solve`, beside the same work in-process.

    python bench/cli_times.py        (bench/matching.py prints these lines too)

Two inputs, written with ../shared/tools/synth_profiles.py's people: the national
shape (100 branches of 20-300 people, a third of them guides) and one branch of
5000 guides x 5000 refugees. "cli" is the command as cron or a coordinator runs
it: a new process, imports, reading and checking the files, solving, writing
pairs.csv; "cpu" is that process's user + system time (on a machine shared with
other work the wall time is the cpu time plus waiting). "in-process" reads the
same files and solves them in this process, imports excluded.
Goals (issue 11): national < 1.5 s, 5000 x 5000 < 8 s end to end.
"""
from __future__ import annotations

import csv
import importlib.util
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = date(2026, 11, 1)
SYNTH = Path("/work/shared/tools/synth_profiles.py")
for candidate in (ROOT.parent / "shared" / "tools" / "synth_profiles.py",
                  ROOT.parents[1] / "shared" / "tools" / "synth_profiles.py"):
    if candidate.exists():
        SYNTH = candidate
        break


def _synth():
    spec = importlib.util.spec_from_file_location("synth_profiles", SYNTH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def national(folder: Path, seed: int = 1) -> tuple[Path, Path]:
    """Write 100 branches of 20-300 people (a third guides); return the two files."""
    synth, rng = _synth(), random.Random(seed)
    guides, refugees = [], []
    for b in range(100):
        size, key = rng.randint(20, 300), list(synth.BRANCHES)[b % len(synth.BRANCHES)]
        for _ in range(size // 3):
            guides.append({**synth.guide(rng, len(guides) + 1, key, TODAY), "branch": f"b{b}"})
        for _ in range(size - size // 3):
            person = synth.refugee(rng, len(refugees) + 1, key, TODAY)
            refugees.append({**person, "branch": f"b{b}"})
    _write(folder / "national_guides.csv", guides)
    _write(folder / "national_refugees.csv", refugees)
    return folder / "national_guides.csv", folder / "national_refugees.csv"


def one_branch(folder: Path, n: int, seed: int = 2) -> tuple[Path, Path]:
    """Write one branch of n guides and n refugees; return the two files."""
    synth, rng = _synth(), random.Random(seed)
    key = next(iter(synth.BRANCHES))
    _write(folder / "big_guides.csv", [synth.guide(rng, i, key, TODAY) for i in range(1, n + 1)])
    _write(folder / "big_refugees.csv",
           [synth.refugee(rng, i, key, TODAY) for i in range(1, n + 1)])
    return folder / "big_guides.csv", folder / "big_refugees.csv"


def cli(guides: Path, refugees: Path, out: Path) -> tuple[float, float]:
    """Run the command in a new process; return (wall seconds, cpu seconds)."""
    flask = Path(sys.executable).with_name("flask")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([str(flask), "--app", "guidematch", "match", "solve", "--guides", str(guides),
                    "--refugees", str(refugees), "--out", str(out), "--today", TODAY.isoformat()],
                   check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(guides: Path, refugees: Path) -> float:
    """Read and solve the files here (modules already imported); return the seconds."""
    from guidematch.matching import ProfileSet, solve
    from guidematch.profile_csv import read_profiles_file

    began = time.perf_counter()
    solve(ProfileSet.from_records(read_profiles_file(str(guides), "guide"), "guide"),
          ProfileSet.from_records(read_profiles_file(str(refugees), "refugee"), "refugee"),
          today=TODAY)
    return time.perf_counter() - began


def lines(rounds: int = 3) -> list[str]:
    """Return the printed lines: best of `rounds` for each input."""
    import guidematch.cli.match  # noqa: F401  (imports paid once, as in a long-lived process)

    out = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for label, (guides, refugees), goal in (
                ("national (100 branches)", national(folder), 1.5),
                ("5000 x 5000, one branch", one_branch(folder, 5000), 8.0)):
            runs = [cli(guides, refugees, folder / "pairs.csv") for _ in range(rounds)]
            wall, cpu = min(runs)
            inside = min(in_process(guides, refugees) for _ in range(rounds))
            out.append(f"cli {label:<24} end-to-end {wall:6.2f} s (cpu {cpu:5.2f} s, goal {goal} s)"
                       f"  in-process {inside:6.2f} s")
    out.append(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return out


if __name__ == "__main__":
    print("\n".join(lines()))
