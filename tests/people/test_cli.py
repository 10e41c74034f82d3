"""`flask import-profiles` and `flask export-profiles`."""
from __future__ import annotations

from guidematch.models import Guide, Refugee
from tests import factories
from tests.people.test_import_export import GUIDES_CSV, REFUGEES_CSV


def write(tmp_path, text: str, name: str = "guides.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_prints_a_summary(runner, branch, db, tmp_path):
    result = runner.invoke(args=["import-profiles", "guides", write(tmp_path, GUIDES_CSV), "--branch", "tromso"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 guides into tromso: 3 new, 0 updated, 0 unchanged (read as UTF-8" in result.output
    assert {g.first_name for g in db.session.query(Guide)} == {"Øystein", "Åse", "Олена"}


def test_a_bad_row_is_one_line_naming_file_line_column_and_value(runner, branch, db, tmp_path):
    path = write(tmp_path, REFUGEES_CSV.replace("2026-01-15", "31.02.2026"), "refugees.csv")
    result = runner.invoke(args=["import-profiles", "refugees", path, "--branch", "tromso"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert f"{path}, line 3, column 10 (waiting_since)" in lines[0] and "'31.02.2026'" in lines[0]
    assert db.session.query(Refugee).count() == 0


def test_an_unknown_branch_or_file_is_an_error(runner, branch, db, tmp_path):
    result = runner.invoke(args=["import-profiles", "guides", write(tmp_path, GUIDES_CSV), "--branch", "nowhere"])
    assert result.exit_code != 0 and "No branch with slug 'nowhere'" in result.output
    result = runner.invoke(args=["import-profiles", "guides", str(tmp_path / "missing.csv"), "--branch", "tromso"])
    assert result.exit_code != 0 and "missing.csv: cannot be read" in result.output


def test_export_then_import_into_an_emptied_branch(runner, branch, db, tmp_path):
    factories.make_refugee(branch, ref="r1", first_name="أمل", last_name="الحداد", languages=("ar", "en"))
    factories.make_refugee(branch, ref="r2", first_name="Дмитро", gender="male", email=None)
    out = tmp_path / "refugees.csv"
    result = runner.invoke(args=["export-profiles", "refugees", "--branch", "tromso", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = out.read_text(encoding="utf-8")
    assert "أمل,الحداد" in exported and "Дмитро" in exported
    for refugee in db.session.query(Refugee):
        db.session.delete(refugee)
    db.session.commit()
    result = runner.invoke(args=["import-profiles", "refugees", str(out), "--branch", "tromso"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["export-profiles", "refugees", "--branch", "tromso"])
    assert again.output == exported


def test_export_writes_nothing_of_another_branch(runner, branch, db):
    factories.make_guide(factories.make_branch(slug="bodo"), first_name="Elsewhere")
    result = runner.invoke(args=["export-profiles", "guides", "--branch", "tromso"])
    assert result.exit_code == 0 and "Elsewhere" not in result.output
