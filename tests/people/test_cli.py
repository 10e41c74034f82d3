"""`flask import-profiles` and `flask export-profiles`."""
from __future__ import annotations

from datetime import date

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


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(runner, branch, db, tmp_path):
    factories.make_guide(branch, ref="g1", first_name="Øystein", last_name="Ødegård")
    path = tmp_path / "guider.csv"
    path.write_bytes(("fornavn;etternavn;id;kjønn;fødselsår;språk;kapasitet\r\n"
                      "Øystein;Ødegård;g1;male;1970;\"nb;en\";2\r\n"
                      "Åse;Aas;g2;female;1985;nb;1\r\n").encode("cp1252"))
    result = runner.invoke(args=["import-profiles", "guides", str(path), "--branch", "tromso",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (f"Dry run, nothing written: {path} (read as Windows-1252, separated by ';') would "
            "import 2 guides into tromso: 1 new, 1 updated, 0 unchanged; 0 rows refused.") \
        in result.output
    assert db.session.query(Guide).count() == 1
    db.session.expire_all()
    assert db.session.query(Guide).one().capacity == 1  # not the file's 2


def test_a_dry_run_lists_every_refused_row_and_fails(runner, branch, db, tmp_path):
    text = GUIDES_CSV.replace("male,1970", "robot,1970").replace("female,1990", "female,2090")
    result = runner.invoke(args=["import-profiles", "guides", write(tmp_path, text), "--branch",
                                 "tromso", "--dry-run"])
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if ", line " in line]
    assert len(refused) == 2
    assert "line 2, column 5 (gender)" in refused[0] and "'robot'" in refused[0]
    assert "line 4, column 6 (birth_year)" in refused[1] and "'2090'" in refused[1]
    assert db.session.query(Guide).count() == 0


def test_an_encoding_problem_is_one_line_naming_the_file_not_a_line(runner, branch, db, tmp_path):
    path = tmp_path / "guides.csv"
    path.write_bytes(b"id,first_name,gender\ng1,K\x81ari,female\n")
    result = runner.invoke(args=["import-profiles", "guides", str(path), "--branch", "tromso"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: {path}: is neither UTF-8 nor Windows-1252 text (byte 26); "
                     "save it as “CSV UTF-8”"]


def test_an_xlsx_export_and_import_on_the_command_line(runner, branch, db, tmp_path):
    factories.make_refugee(branch, ref="r1", first_name="أمل", waiting_since=date(2026, 3, 15))
    out = tmp_path / "refugees.xlsx"
    result = runner.invoke(args=["export-profiles", "refugees", "--branch", "tromso", "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import-profiles", "refugees", str(out), "--branch", "tromso"])
    assert "1 unchanged (read as XLSX)." in result.output
    other = factories.make_branch(slug="bodo")
    result = runner.invoke(args=["import-profiles", "refugees", str(out), "--branch", other.slug])
    assert result.exit_code != 0 and "belongs to another branch than bodo" in result.output
