"""`flask match solve` and `flask match scores`: files in and out, one clear line on bad input."""
from __future__ import annotations

import csv
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guidematch import PROJECT_ROOT, create_app
from guidematch.cli import match
from guidematch.profile_csv import write_profiles
from tests.matching.factories import TODAY, guide, refugee


@pytest.fixture
def runner():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_cli_runner()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A small branch: two guides (one with pets), three refugees (one cannot be with pets)."""
    guides = [guide(id="g1", has_pets=True, interests=("fishing",), languages=("nb", "ar")),
              guide(id="g2", gender="male", capacity=2, interests=("music",))]
    refugees = [refugee(id="r1", interests=("fishing",), languages=("ar",)),
                refugee(id="r2", pets_ok=False, gender="male"),
                refugee(id="r3", interests=("music",))]
    paths = {"guides": tmp_path / "guides.csv", "refugees": tmp_path / "refugees.csv"}
    for kind, records in (("guide", guides), ("refugee", refugees)):
        with open(paths[kind + "s"], "w", newline="", encoding="utf-8") as stream:
            write_profiles(stream, records, kind)  # type: ignore[arg-type]
    return paths


def run(runner, command: str, files: dict[str, Path], out: Path, *extra: str):
    args = ["match", command, "--guides", str(files["guides"]),
            "--refugees", str(files["refugees"]), "--out", str(out), "--today", TODAY.isoformat(),
            *extra]
    return runner.invoke(args=args)


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_solve_writes_pairs_with_scores_and_reasons(runner, files, tmp_path):
    out = tmp_path / "pairs.csv"
    result = run(runner, "solve", files, out)
    assert result.exit_code == 0, result.output
    pairs = rows(out)
    assert list(pairs[0]) == ["guide_id", "guide_name", "refugee_id", "refugee_name", "score",
                              "reasons"]
    assert {(p["guide_id"], p["refugee_id"]) for p in pairs} == {
        ("g1", "r1"), ("g2", "r2"), ("g2", "r3")}
    first = next(p for p in pairs if p["refugee_id"] == "r1")
    assert "both enjoy fishing" in first["reasons"]
    assert "common language: Arabic" in first["reasons"]
    assert all(len(p["score"].split(".")[1]) == 1 for p in pairs)
    assert "3 pairs" in result.stdout
    assert sorted(os.listdir(tmp_path)) == ["guides.csv", "pairs.csv", "refugees.csv"]


def test_solve_honours_locks_exclusions_and_language(runner, files, tmp_path):
    locked = write(tmp_path / "locked.csv", "guide_id,refugee_id\ng2,r1\n")
    excluded = write(tmp_path / "excluded.csv", "guide_id,refugee_id\ng2,r3\n")
    out = tmp_path / "pairs.csv"
    result = run(runner, "solve", files, out, "--locked", str(locked), "--excluded", str(excluded),
                 "--lang", "nb")
    assert result.exit_code == 0, result.output
    pairs = {(p["guide_id"], p["refugee_id"]): p for p in rows(out)}
    assert ("g2", "r1") in pairs and ("g2", "r3") not in pairs
    assert pairs[("g2", "r1")]["reasons"].startswith("låst av koordinatoren")


def test_scores_lists_every_pair_and_agrees_with_solve(runner, files, tmp_path):
    assert run(runner, "solve", files, tmp_path / "pairs.csv").exit_code == 0
    result = run(runner, "scores", files, tmp_path / "scores.csv")
    assert result.exit_code == 0, result.output
    scores = rows(tmp_path / "scores.csv")
    assert list(scores[0]) == ["guide_id", "refugee_id", "score", "forbidden_reason"]
    assert len(scores) == 2 * 3
    by_pair = {(s["guide_id"], s["refugee_id"]): s for s in scores}
    assert by_pair[("g1", "r2")] == {"guide_id": "g1", "refugee_id": "r2", "score": "",
                                     "forbidden_reason": "pets"}
    assert all((s["score"] == "") == (s["forbidden_reason"] != "") for s in scores)
    for pair in rows(tmp_path / "pairs.csv"):
        assert by_pair[(pair["guide_id"], pair["refugee_id"])]["score"] == pair["score"]


def test_weights_change_the_proposal(runner, files, tmp_path):
    weights = write(tmp_path / "weights.json", '{"interests": 0, "waiting": 5}')
    result = run(runner, "scores", files, tmp_path / "scores.csv", "--weights", str(weights))
    assert result.exit_code == 0, result.output


def _bad_cell(files, kind: str, line: int, column: str, value: str) -> None:
    path = files[kind]
    table = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    table[line - 1][table[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(table)


def pairs_file(path: Path, *pairs: str) -> str:
    return str(write(path, "guide_id,refugee_id\n" + "".join(p + "\n" for p in pairs)))


UNKNOWN_WEIGHT = '{\n  "age": 2,\n  "colour": 1\n}'
BAD_INPUTS = {
    "unknown value": (lambda f, t: (_bad_cell(f, "guides", 3, "gender", "robot"), [])[1],
                      ["guides.csv, line 3, column 6 (gender)", "'robot'"]),
    "duplicate id": (lambda f, t: (_bad_cell(f, "refugees", 3, "id", "r1"), [])[1],
                     ["refugees.csv, line 3, column 1 (id)", "duplicate id", "'r1'"]),
    "lock breaks a rule": (lambda f, t: ["--locked", pairs_file(t / "locked.csv", "g1,r2")],
                           ["locked.csv, line 2", "breaks a hard rule", "pets", "'g1,r2'"]),
    "lock names an unknown id": (lambda f, t: ["--locked",
                                               pairs_file(t / "locked.csv", "g1,r1", "g2,r9")],
                                 ["locked.csv, line 3, column 2 (refugee_id)", "'r9'"]),
    "exclusion names an unknown id": (lambda f, t: ["--excluded",
                                                    pairs_file(t / "excluded.csv", "g9,r1")],
                                      ["excluded.csv, line 2, column 1 (guide_id)", "'g9'"]),
    "empty guides file": (lambda f, t: (write(f["guides"], ""), [])[1],
                          ["guides.csv, line 1", "empty"]),
    "header only, with an unknown column": (
        lambda f, t: (write(f["refugees"], "id,first_name,gender,colour\n"), [])[1],
        ["refugees.csv, line 1, column 4", "'colour'"]),
    "empty lock file": (lambda f, t: ["--locked", str(write(t / "locked.csv", ""))],
                        ["locked.csv, line 1", "guide_id,refugee_id"]),
    "weights not JSON": (lambda f, t: ["--weights", str(write(t / "w.json", '{\n  "age": 2,,\n}'))],
                         ["w.json, line 2, column", "not valid JSON"]),
    "unknown weight": (lambda f, t: ["--weights", str(write(t / "w.json", UNKNOWN_WEIGHT))],
                       ["w.json, line 3, column colour", "unknown score part"]),
    "negative weight": (lambda f, t: ["--weights", str(write(t / "w.json", '{"age": -2}'))],
                        ["w.json, line 1, column age", "'-2'"]),
    "empty weights file": (lambda f, t: ["--weights", str(write(t / "w.json", ""))],
                           ["w.json, line 1", "not valid JSON"]),
    "bad minimum score": (lambda f, t: ["--min-score", "lots"], ["--min-score", "'lots'"]),
    "missing branch": (lambda f, t: (_bad_cell(f, "guides", 2, "branch", ""), [])[1],
                       ["guides.csv, line 2, column branch", "branch is empty"]),
    "missing file": (lambda f, t: (f["guides"].unlink(), [])[1], ["guides.csv", "cannot be read"]),
}


@pytest.mark.parametrize(("command", "case"), [
    (command, case) for case in BAD_INPUTS for command in ("solve", "scores")
    if command == "solve" or not case.startswith(("lock", "empty lock"))])
def test_bad_input_gives_one_line_a_failure_and_no_file(runner, files, tmp_path, command, case):
    prepare, expected = BAD_INPUTS[case]
    extra = prepare(files, tmp_path)
    out = tmp_path / "out.csv"
    before = set(os.listdir(tmp_path))
    result = run(runner, command, files, out, *extra)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in expected:
        assert fragment in lines[0]
    assert not out.exists()
    assert set(os.listdir(tmp_path)) == before  # no temporary file left behind


def test_an_existing_output_survives_a_failed_run(runner, files, tmp_path):
    out = write(tmp_path / "pairs.csv", "from before\n")
    result = run(runner, "solve", files, out, "--locked", pairs_file(tmp_path / "l.csv", "x,y"))
    assert result.exit_code != 0
    assert out.read_text() == "from before\n"


def test_the_command_line_as_a_coordinator_runs_it(files, tmp_path):
    """Once through a real process: exit codes and stderr as a shell sees them."""
    flask = [sys.executable, "-m", "flask", "--app", "guidematch", "match", "solve",
             "--guides", str(files["guides"]), "--refugees", str(files["refugees"])]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    good = subprocess.run([*flask, "--out", str(tmp_path / "pairs.csv")], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert len(rows(tmp_path / "pairs.csv")) == 3

    _bad_cell(files, "refugees", 2, "pets_ok", "maybe")
    bad = subprocess.run([*flask, "--out", str(tmp_path / "again.csv")], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    errors = [line for line in bad.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {files['refugees']}, line 2, column 23 (pets_ok): must be yes or no "
                      "(value: 'maybe')"]
    assert not (tmp_path / "again.csv").exists()


def test_a_guide_who_may_be_under_18_on_the_day_is_one_line_and_no_output(runner, tmp_path):
    paths = {"guides": tmp_path / "guides.csv", "refugees": tmp_path / "refugees.csv"}
    for kind, records in (("guide", [guide(id="g1"), guide(id="g2", birth_year=TODAY.year - 18)]),
                          ("refugee", [refugee(id="r1")])):
        with open(paths[kind + "s"], "w", newline="", encoding="utf-8") as stream:
            write_profiles(stream, records, kind)  # type: ignore[arg-type]
    out = tmp_path / "pairs.csv"
    result = run(runner, "solve", paths, out)
    assert result.exit_code != 0 and not out.exists()
    [line] = result.output.strip().splitlines()
    assert f"guides.csv, line 3, column birth_year: a guide must be at least 18 years old: born in " \
           f"{TODAY.year - 19} or earlier (value: '{TODAY.year - 18}')" in line


def test_solve_writes_the_reasons_in_arabic_or_ukrainian_too(runner, files, tmp_path):
    out = tmp_path / "pairs.csv"
    for lang, words in (("ar", "لغة مشتركة: "), ("uk", "спільна мова: ")):
        result = run(runner, "solve", files, out, "--lang", lang)
        assert result.exit_code == 0, result.output
        assert any(words in p["reasons"] for p in rows(out))


@pytest.mark.parametrize("empty", [("guides",), ("refugees",), ("guides", "refugees")])
def test_a_file_with_a_header_and_no_rows_is_valid_and_everyone_waits(runner, files, tmp_path,
                                                                     empty):
    for kind in empty:
        header = files[kind].read_text(encoding="utf-8").splitlines()[0]
        write(files[kind], header + "\n")
    waiting = 0 if "refugees" in empty else 3
    result = run(runner, "solve", files, tmp_path / "pairs.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pairs.csv").read_text(encoding="utf-8-sig") == \
        "guide_id,guide_name,refugee_id,refugee_name,score,reasons\n"
    assert f"0 pairs (0 locked) written to {tmp_path / 'pairs.csv'}; {waiting} of {waiting} " \
           "refugees still wait." in result.stdout
    if waiting:
        assert "no guide fits the rules: r1, r2, r3" in result.stdout

    result = run(runner, "scores", files, tmp_path / "scores.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "scores.csv").read_text(encoding="utf-8-sig") == \
        "guide_id,refugee_id,score,forbidden_reason\n"
    assert "0 pair scores (0 allowed)" in result.stdout


def test_a_header_only_file_keeps_the_other_file_checked(runner, files, tmp_path):
    header = files["guides"].read_text(encoding="utf-8").splitlines()[0]
    write(files["guides"], header + "\n")
    _bad_cell(files, "refugees", 2, "pets_ok", "maybe")
    result = run(runner, "solve", files, tmp_path / "pairs.csv")
    assert result.exit_code != 0
    assert "refugees.csv, line 2, column 23 (pets_ok)" in result.stderr
    assert not (tmp_path / "pairs.csv").exists()


def test_no_waiting_priority_with_waiting_weight_0(runner, tmp_path):
    """One male guide, a man who has waited a year and one who came today and fits better."""
    paths = {"guides": tmp_path / "guides.csv", "refugees": tmp_path / "refugees.csv"}
    ole = guide(id="ole", first_name="Ole", gender="male", interests=("football", "fishing"),
                languages=("nb",))
    people = [refugee(id="ahmad", gender="male", gender_preference="same",
                      waiting_since=TODAY.replace(year=TODAY.year - 1)),
              refugee(id="karim", gender="male", gender_preference="same", waiting_since=TODAY,
                      interests=("football", "fishing"), languages=("nb",))]
    for kind, records in (("guide", [ole]), ("refugee", people)):
        with open(paths[kind + "s"], "w", newline="", encoding="utf-8") as stream:
            write_profiles(stream, records, kind)  # type: ignore[arg-type]
    assert run(runner, "solve", paths, tmp_path / "pairs.csv").exit_code == 0
    [pair] = rows(tmp_path / "pairs.csv")
    assert pair["refugee_id"] == "ahmad"
    assert "has waited 12 months, the longest of those who fit Ole" in pair["reasons"]

    fit_only = write(tmp_path / "w.json", '{"waiting": 0}')
    assert run(runner, "solve", paths, tmp_path / "pairs.csv", "--weights",
               str(fit_only)).exit_code == 0
    [pair] = rows(tmp_path / "pairs.csv")
    assert pair["refugee_id"] == "karim"
    assert "waited" not in pair["reasons"]


def test_the_collector_rests_during_a_run_and_is_back_on_after_it(runner, files, tmp_path,
                                                                   monkeypatch):
    # The command is a batch (guidematch/cli/match.py, _as_a_batch); this process is not.
    seen = []

    def solve(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    real = match.solve
    monkeypatch.setattr(match, "solve", solve)
    result = run(runner, "solve", files, tmp_path / "pairs.csv")
    assert result.exit_code == 0, result.output
    assert seen == [False] and gc.isenabled()
