"""Tables in and out of the files spreadsheet programs make and open: CSV and XLSX.

Pure Python (no Flask): every CSV and XLSX file guidematch writes goes through
`csv_text` / `xlsx_bytes`, and every table it reads through `read_table`, so the
encoding, the separator and the formula guard are decided in one place.

Written CSV starts with a UTF-8 byte-order mark (Excel and LibreOffice then read
it as UTF-8, not as the system's code page) and is formula-safe, as OWASP's
CSV-injection advice says: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading single quote, so no spreadsheet evaluates it. A
cell that starts with a quote gets one too, and reading drops exactly one, so
that any text reads back as it was written.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
BOM = "\ufeff"
SEPARATORS = (",", ";")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000  # a workbook bigger than any branch's people is not a people file


def N_(message: str) -> str:
    """Mark `message` for the catalogs; it is translated where it is shown."""
    return message


class SheetError(ValueError):
    """A file that is not readable as a table at all (encoding, format): a message id."""

    def __init__(self, message: str, **params: object):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


@dataclass(frozen=True)
class Table:
    """A file's rows as text cells, each with the line (or sheet row) it is on."""

    rows: list[tuple[int, list[str]]]
    encoding: str  # "UTF-8", "UTF-8 (BOM)", "Windows-1252" or "XLSX"
    separator: str  # "," or ";" ("" for XLSX)


# --- writing ------------------------------------------------------------------------

def safe_cell(text: str) -> str:
    """Return `text` as a CSV cell no spreadsheet evaluates as a formula."""
    return QUOTE + text if text.startswith(FORMULA_STARTS + (QUOTE,)) else text


def unsafe_cell(text: str) -> str:
    """Return the text a `safe_cell` was made from (one leading quote dropped)."""
    return text[1:] if text.startswith(QUOTE) else text


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV table (BOM, comma-separated, CRLF), every cell formula-safe, row by row."""
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(_csv_value(value)) for value in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a CSV text as `write_csv` writes it."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """Return a workbook with one sheet per (title, header, rows); cells keep their types.

    Dates are date cells, numbers number cells, and text is always a text cell:
    a name such as `=HYPERLINK(...)` is stored as text, never as a formula.
    """
    from openpyxl import Workbook  # imported here: the command line starts without it
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([_xlsx_value(name) for name in header])
        for cell in sheet[1]:
            cell.data_type = "s"
            cell.font = Font(bold=True)
        widths = [len(name) for name in header]
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
            for index, cell in enumerate(sheet[sheet.max_row]):
                _type_cell(cell)
                widths[index] = max(widths[index], min(len(_csv_value(cell.value)), 40))
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths):
            sheet.column_dimensions[_column_letter(index)].width = width + 2
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; callers give local times
    return value


def _type_cell(cell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise make "=..." a formula
    elif isinstance(cell.value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(cell.value, date):
        cell.number_format = "yyyy-mm-dd"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


# --- reading ------------------------------------------------------------------------

def read_table(data: bytes) -> Table:
    """Return the rows of a CSV (UTF-8 or Windows-1252, `,` or `;`) or XLSX file."""
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    text, encoding = decode(data)
    separator = detect_separator(text)
    return Table(list(read_csv_rows(text, separator)), encoding, separator)


def decode(data: bytes) -> tuple[str, str]:
    """Return a CSV file's text and its encoding: UTF-8 (with or without BOM), else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(N_(
            "is UTF-16 text (Excel's “Unicode text”); save it as “CSV UTF-8”"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if text.startswith(BOM):
            return text[1:], "UTF-8 (BOM)"
        return text, "UTF-8"
    try:
        # Norwegian Excel's "CSV (semicolon separated)": every byte but five is a character.
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise SheetError(N_("is neither UTF-8 nor Windows-1252 text (byte %(position)s); "
                            "save it as “CSV UTF-8”"), position=exc.start + 1) from None


def detect_separator(text: str) -> str:
    """Return the separator of a CSV text's header line: `;` or `,`."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_csv_rows(text: str, separator: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Yield (line, cells) of a CSV text, each cell as it was before `safe_cell`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    line = 1
    try:
        for row in reader:
            # Only a row with a quote somewhere can hold a cell that `safe_cell` quoted.
            yield line, [unsafe_cell(cell) for cell in row] if QUOTE in "".join(row) else row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SheetError(N_("line %(line)s is not readable as CSV (%(problem)s)"),
                         line=reader.line_num, problem=str(exc)) from None


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise SheetError(N_("is not an Excel workbook (.xlsx) that can be read")) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise SheetError(N_("has more than %(n)s rows"), n=MAX_ROWS)
            rows.append((number, _trim([_xlsx_text(value) for value in values])))
    finally:
        book.close()
    # Sheets keep no trailing empty cells, and carry formatted but empty ones: a row is as
    # wide as the header, as in a CSV file.
    width = len(rows[0][1]) if rows else 0
    rows = [(number, cells + [""] * (width - len(cells))) for number, cells in rows]
    return Table(rows, "XLSX", "")


def _trim(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _xlsx_text(value: object) -> str:
    """Return a workbook cell as the CSV form's text (a date as YYYY-MM-DD, 1970.0 as 1970)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
