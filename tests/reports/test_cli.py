"""`flask report`: the known branch's figures in CSV and XLSX, read back; bad input writes nothing."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.reports import known_branch
from tests.reports.known_branch import EXPECTED, TODAY

ARGS = ["report", "--branch", "tromso", "--from", "2026-10-01", "--to", "2026-10-31"]


@pytest.fixture
def known(db, branch, monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    return known_branch.build(branch)


def _number(text: str):
    return float(text) if text else None


def test_the_csv_is_one_row_per_measure_with_every_number_as_it_is(runner, known, tmp_path):
    out = tmp_path / "report.csv"
    result = runner.invoke(args=[*ARGS, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["measure", "value"]
    got = {name: value for name, value in rows[1:]}
    assert list(got) == list(dict.fromkeys(got))  # no measure twice
    assert set(got) == set(EXPECTED)
    for name, value in EXPECTED.items():
        assert _number(got[name]) == pytest.approx(value), name
    assert got["pairings_started"] == "1"  # for the branch itself: no "<3"
    assert got["group_meeting_attendance_rate"] == repr(2 / 3)  # unrounded


def test_the_xlsx_has_the_summary_a_sheet_per_month_and_one_per_campaign(runner, known, tmp_path):
    out = tmp_path / "report.xlsx"
    args = ["report", "--branch", "tromso", "--from", "2026-09-01", "--to", "2026-10-31"]
    result = runner.invoke(args=[*args, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Per month", "Per campaign"]
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0] == ("measure", "value")
    detail = {row[0]: row[1:] for row in book["Per month"].iter_rows(values_only=True)}
    assert detail["measure"] == ("2026-09", "2026-10")
    assert [row[0] for row in summary[1:]] == [name for name in detail if name != "measure"]
    assert detail["pairings_started"] == (0, 1)
    assert detail["group_meetings_held"] == (1, 2)
    assert dict(summary[1:])["group_meetings_held"] == 3
    # The known branch ran no campaign: every guide is under "no campaign", numbers as they are.
    campaigns = list(book["Per campaign"].iter_rows(values_only=True))
    assert campaigns[1:] == [("(no campaign)", None, 2, 2, 0, 1, 0, 0)]
    assert sum(campaigns[1][2:5]) == dict(summary[1:])["guides_signed_up"]


@pytest.mark.parametrize("change, message", [
    ({"--branch": "nowhere"}, "No branch with slug 'nowhere'."),
    ({"--from": "2026-13-01"}, "--from '2026-13-01' is not a date (YYYY-MM-DD)."),
    ({"--to": "31.10.2026"}, "--to '31.10.2026' is not a date (YYYY-MM-DD)."),
    ({"--from": "2026-11-01"}, "--from 2026-11-01 is after --to 2026-10-31."),
])
def test_bad_input_is_one_clear_line_and_no_file(runner, known, tmp_path, change, message):
    out = tmp_path / "report.csv"
    args = list(ARGS)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    result = runner.invoke(args=[*args, "--format", "csv", "--out", str(out)])
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: {message}"
    assert not out.exists()
