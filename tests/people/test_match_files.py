"""`match solve` fed the people pages' exports: names beside the ids, only matchable statuses."""
from __future__ import annotations

import csv

from guidematch.spreadsheets import read_table
from guidematch.vocabulary import GuideStatus, RefugeeStatus
from tests import factories


def _export(runner, kind: str, path) -> None:
    result = runner.invoke(args=["export-profiles", kind, "--branch", "tromso", "--out", str(path)])
    assert result.exit_code == 0, result.output


def _solve(runner, tmp_path, *extra: str):
    out = tmp_path / "pairs.csv"
    result = runner.invoke(args=["match", "solve", "--guides", str(tmp_path / "g.csv"),
                                 "--refugees", str(tmp_path / "r.csv"), "--out", str(out),
                                 "--today", "2026-12-01", *extra])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    with open(out, newline="", encoding="utf-8-sig") as stream:
        return raw, list(csv.DictReader(stream))


def test_solve_on_exports_names_people_and_leaves_out_those_who_cannot_be_matched(runner, branch,
                                                                                 tmp_path):
    factories.make_guide(branch, ref="g1", first_name="Øystein", last_name="Ødegård",
                         gender="male", languages=("nb", "ar"))
    factories.make_guide(branch, ref="g2", first_name="=Kari", last_name="Inaktiv",
                         gender="female", status=GuideStatus.INACTIVE, languages=("ar",))
    factories.make_refugee(branch, ref="r1", first_name="أمل", last_name="الحداد", gender="female")
    factories.make_refugee(branch, ref="r2", first_name="Yonas", last_name="Done", gender="male",
                           status=RefugeeStatus.DONE)
    _export(runner, "guides", tmp_path / "g.csv")
    _export(runner, "refugees", tmp_path / "r.csv")

    raw, pairs = _solve(runner, tmp_path)
    assert raw.startswith(b"\xef\xbb\xbfguide_id,guide_name,refugee_id,refugee_name,score,reasons")
    assert [(p["guide_id"], p["guide_name"], p["refugee_id"], p["refugee_name"]) for p in pairs] \
        == [("g1", "Øystein Ødegård", "r1", "أمل الحداد")]

    _raw, everyone = _solve(runner, tmp_path, "--all-statuses")
    assert {p["refugee_id"] for p in everyone} == {"r1", "r2"}
    assert "'=Kari Inaktiv" in {p["guide_name"] for p in everyone}  # no spreadsheet evaluates it
    table = read_table((tmp_path / "pairs.csv").read_bytes())
    assert ["g2", "=Kari Inaktiv"] in [cells[:2] for _line, cells in table.rows]  # read back as is


def test_a_locked_pair_keeps_people_whatever_their_status(runner, branch, tmp_path):
    factories.make_guide(branch, ref="g1", gender="female", status=GuideStatus.APPROVED)
    factories.make_refugee(branch, ref="r1", gender="female")
    _export(runner, "guides", tmp_path / "g.csv")
    _export(runner, "refugees", tmp_path / "r.csv")
    (tmp_path / "l.csv").write_text("guide_id,refugee_id\ng1,r1\n", encoding="utf-8")
    assert _solve(runner, tmp_path)[1] == []
    pairs = _solve(runner, tmp_path, "--locked", str(tmp_path / "l.csv"))[1]
    assert [(p["guide_id"], p["refugee_id"]) for p in pairs] == [("g1", "r1")]
