"""Read and write guide and refugee profiles in DESIGN.md's CSV form.

Pure Python: used by the import page, `import-profiles`, exports and the
matching command line alike, so a column is parsed and checked in one place.
Files come as spreadsheet programs write them (`spreadsheets.read_table`: CSV
with `,` or `;`, UTF-8 or Windows-1252, or XLSX), with the DESIGN names or the
Norwegian ones of `column_aliases` as headers, dates as YYYY-MM-DD or dd.mm.yyyy
and decimal commas.
Every problem is a `CsvError` that names the file, line, column and value. Its
sentences are gettext message ids with named placeholders, marked with `N_` and
translated where they are shown (`CsvError.text(gettext)`): this module stays
free of Flask, and the command line shows them in English.
"""
from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import IO

from guidematch import spreadsheets
from guidematch.control_characters import has_control_characters
from guidematch.column_aliases import ALIASES, canonical_column
from guidematch.profile import Kind, ProfileRecord
from guidematch.profile_cells import PARSERS, CellError, enum_parser, fill, untranslated
from guidematch.spreadsheets import N_, SheetError
from guidematch.vocabulary import GuideStatus, RefugeeStatus


COMMON_COLUMNS: tuple[str, ...] = (
    "id", "first_name", "last_name", "email", "phone", "gender", "gender_preference",
    "birth_year", "languages", "interests", "activities", "family_situation",
    "availability", "district", "lat", "lon", "education_level", "occupation", "branch",
)
GUIDE_COLUMNS: tuple[str, ...] = COMMON_COLUMNS + (
    "has_car", "has_pets", "capacity", "police_certificate",
)
REFUGEE_COLUMNS: tuple[str, ...] = COMMON_COLUMNS + (
    "country_of_origin", "norwegian_level", "waiting_since", "pets_ok", "interpreter_needed",
)
COLUMNS: dict[str, tuple[str, ...]] = {"guide": GUIDE_COLUMNS, "refugee": REFUGEE_COLUMNS}
# What an export adds: read back (and by `match solve`), never imported (statuses have rules).
STATUS_COLUMN = "status"
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    kind: columns + (STATUS_COLUMN,) for kind, columns in COLUMNS.items()}
STATUSES: dict[str, type[StrEnum]] = {"guide": GuideStatus, "refugee": RefugeeStatus}
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "first_name", "gender")
# Cells a record cannot be made without; which fields a person needs is the people service's rule.
REQUIRED_CELLS: tuple[str, ...] = ("id", "gender")

UNKNOWN_COLUMN = {"guide": N_("unknown column for a guide file"),
                  "refugee": N_("unknown column for a refugee file")}


class CsvError(ValueError):
    """One bad cell (or a bad file), located so that a person can find and fix it."""

    def __init__(self, file: str, line: int, column: str, value: str, message: str,
                 **params: object):
        self.file, self.line, self.column, self.value = file, line, column, value
        self.message, self.params = message, params
        super().__init__(str(self))

    def text(self, gettext: Callable[[str], str] = untranslated) -> str:
        """Return the one-line error, its sentences translated by `gettext` (English without)."""
        place = {"file": self.file, "line": self.line, "column": self.column}
        if not self.line:  # the whole file (its encoding, its format): no line to name
            where = self.file
        elif self.column:
            where = fill(gettext, N_("%(file)s, line %(line)s, column %(column)s"), place)
        else:
            where = fill(gettext, N_("%(file)s, line %(line)s"), place)
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        if not self.value and not self.line:
            return fill(gettext, N_("%(where)s: %(message)s"), {
                "where": where, "message": fill(gettext, self.message, self.params)})
        return fill(gettext, N_("%(where)s: %(message)s (value: %(value)s)"), {
            "where": where, "message": fill(gettext, self.message, self.params),
            "value": repr(value)})

    def problem(self, gettext: Callable[[str], str] = untranslated) -> str:
        """Return what is wrong, without where: for a table of refused rows."""
        return fill(gettext, self.message, self.params)

    def __str__(self) -> str:
        return self.text()


@dataclass
class ProfileFile:
    """A file's records and the refused rows; its columns as the DESIGN names and as written."""

    kind: Kind
    filename: str
    columns: list[str]
    labels: list[str]
    records: list[ProfileRecord] = field(default_factory=list)
    refused: list[CsvError] = field(default_factory=list)
    encoding: str = "UTF-8"
    separator: str = ","

    @functools.cached_property
    def cells(self) -> list[tuple[str, Callable[[str], object], bool]]:
        """Each column's name, parser and whether it must be filled: looked up once a file."""
        return [(name, _status_parser(self.kind) if name == STATUS_COLUMN else PARSERS[name],
                 name in REQUIRED_CELLS) for name in self.columns]

    def where(self, column: str) -> str:
        """Return how an error names a column: its number and the name the file gives it."""
        if column not in self.columns:
            return column
        index = self.columns.index(column)
        return f"{index + 1} ({self.labels[index]})"


def read_table_profiles(table: spreadsheets.Table, kind: Kind, filename: str = "<upload>",
                        keep_going: bool = False, allow_no_rows: bool = False) -> ProfileFile:
    """Parse a table's rows into records; raise CsvError at the first bad cell.

    With `keep_going`, a bad row is kept in `refused` (its first bad cell) and the
    next row is read; a bad header or an empty file still raises. A header without
    rows is an error (an import of nothing is a mistake) unless `allow_no_rows`:
    for the matching, "no guides" is a real situation.
    """
    rows = iter(table.rows)
    first = next(rows, None)
    if first is None:
        raise CsvError(filename, 1, "", "", N_("the file is empty"))
    labels = [name.strip().lstrip("\ufeff") for name in first[1]]
    file = ProfileFile(kind, filename, _header(labels, kind, filename), labels,
                       encoding=table.encoding, separator=table.separator)
    seen: dict[str, int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        try:
            record = _row(file, line, row)
            if record.id in seen:
                raise CsvError(filename, line, file.where("id"), record.id,
                               N_("duplicate id (first on line %(first_line)s)"),
                               first_line=seen[record.id])
        except CsvError as error:
            if not keep_going:
                raise
            file.refused.append(error)
            continue
        seen[record.id] = line
        file.records.append(record)
    if not file.records and not file.refused and not allow_no_rows:
        raise CsvError(filename, 2, "", "", N_("the file has a header but no rows"))
    return file


def _header(labels: list[str], kind: Kind, filename: str) -> list[str]:
    known = EXPORT_COLUMNS[kind]
    columns: list[str] = []
    for number, label in enumerate(labels, start=1):
        name = canonical_column(label, known)
        if name is None:
            raise CsvError(filename, 1, f"{number}", label, UNKNOWN_COLUMN[kind])
        if name in columns:
            raise CsvError(filename, 1, f"{number}", label, N_("column appears twice"))
        columns.append(name)
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise CsvError(filename, 1, "", " / ".join((name, *ALIASES.get(name, ())[:1])),
                           N_("required column is missing"))
    return columns


def _row(file: ProfileFile, line: int, row: list[str]) -> ProfileRecord:
    if len(row) != len(file.columns):
        raise CsvError(file.filename, line, "", file.separator.join(row)[:60] if file.separator
                       else " ".join(row)[:60],
                       N_("has %(cells)s cells where the header has %(columns)s"),
                       cells=len(row), columns=len(file.columns))
    values: dict[str, object] = {"first_name": ""}  # an empty one is refused by the service
    # One look at the whole row; only a row that holds a control character is searched cell
    # by cell, so the error names the same cell as before.
    suspect = has_control_characters("".join(row))
    for (name, parse, required), raw in zip(file.cells, row):
        raw = raw.strip()
        if not raw:
            if required:
                raise CsvError(file.filename, line, file.where(name), raw, N_("must not be empty"))
            continue
        if suspect and has_control_characters(raw):
            raise CsvError(file.filename, line, file.where(name), raw,
                           N_("contains a control character (an invisible character such as a "
                              "null byte)"))
        try:
            values[name] = parse(raw)
        except CellError as exc:
            raise CsvError(file.filename, line, file.where(name), raw, exc.message,
                           **exc.params) from None
    return ProfileRecord(kind=file.kind, line=line, **values)  # type: ignore[arg-type]


@functools.cache
def _status_parser(kind: Kind) -> Callable[[str], str]:
    parse = enum_parser(STATUSES[kind])
    return lambda raw: str(parse(raw.lower()))


def read_profiles(stream: IO[str], kind: Kind, filename: str = "<upload>", *,
                  allow_no_rows: bool = False) -> list[ProfileRecord]:
    """Parse a whole CSV text into records, or raise CsvError at the first bad cell."""
    text = stream.read().lstrip("\ufeff")
    table = _csv_table(text, filename)
    return read_table_profiles(table, kind, filename, allow_no_rows=allow_no_rows).records


def _csv_table(text: str, filename: str, encoding: str = "UTF-8") -> spreadsheets.Table:
    separator = spreadsheets.detect_separator(text)
    try:
        return spreadsheets.Table(list(spreadsheets.read_csv_rows(text, separator)), encoding,
                                  separator)
    except SheetError as error:
        raise sheet_error(filename, error) from None


def sheet_error(filename: str, error: SheetError) -> CsvError:
    """Return a file-level problem (encoding, format) as a CsvError naming the file only."""
    return CsvError(filename, 0, "", "", error.message, **error.params)


def read_profile_bytes(data: bytes, kind: Kind, filename: str = "<upload>",
                       keep_going: bool = False, allow_no_rows: bool = False) -> ProfileFile:
    """Parse a CSV or XLSX file's bytes (see read_table_profiles)."""
    try:
        table = spreadsheets.read_table(data)
    except SheetError as error:
        raise sheet_error(filename, error) from None
    return read_table_profiles(table, kind, filename, keep_going, allow_no_rows)


def read_profiles_file(path: str, kind: Kind, *,
                       allow_no_rows: bool = False) -> list[ProfileRecord]:
    """Read a CSV or XLSX file from disk, as spreadsheet programs write them."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as exc:
        raise CsvError(path, 0, "", "", N_("cannot be read (%(problem)s)"),
                       problem=exc.strerror) from None
    return read_profile_bytes(data, kind, path, allow_no_rows=allow_no_rows).records


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def record_row(record: ProfileRecord) -> dict[str, str]:
    """Return the CSV cells of one record, keyed by column."""
    return {name: _cell(getattr(record, name)) for name in COLUMNS[record.kind]}


def record_cells(record: ProfileRecord) -> list[object]:
    """Return an export row of one record, typed for a workbook (dates, numbers stay so)."""
    typed = (int, float, date)
    return [value if isinstance(value, typed) and not isinstance(value, bool) else _cell(value)
            for value in (getattr(record, name) for name in EXPORT_COLUMNS[record.kind])]


def write_profiles(stream: IO[str], records: Iterable[ProfileRecord], kind: Kind) -> None:
    """Write records in the CSV form with their status, header first (BOM, formula-safe)."""
    spreadsheets.write_csv(stream, EXPORT_COLUMNS[kind], (
        [_cell(getattr(record, name)) for name in EXPORT_COLUMNS[kind]] for record in records))


def profiles_to_csv(records: Iterable[ProfileRecord], kind: Kind) -> str:
    """Return records as a CSV text with their status (BOM, formula-safe)."""
    buffer = io.StringIO()
    write_profiles(buffer, records, kind)
    return buffer.getvalue()


def profiles_to_xlsx(records: Iterable[ProfileRecord], kind: Kind, title: str) -> bytes:
    """Return records as a workbook of one sheet, the same columns as the CSV form."""
    return spreadsheets.xlsx_bytes([(title, EXPORT_COLUMNS[kind],
                                     (record_cells(record) for record in records))])


MATCHABLE_STATUSES: dict[str, frozenset[str]] = {
    "guide": frozenset({GuideStatus.AVAILABLE.value}),
    "refugee": frozenset({RefugeeStatus.WAITING.value}),
}


def matchable(record: ProfileRecord) -> bool:
    """Return whether a record may be matched: its status says so, or the file gives none."""
    return not record.status or record.status in MATCHABLE_STATUSES[record.kind]


def iter_pairs(stream: IO[str], filename: str) -> Iterator[tuple[int, str, str]]:
    """Yield (line, guide_id, refugee_id) from a lock or exclusion file."""
    reader = csv.reader(stream)
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    if header[:2] != ["guide_id", "refugee_id"] or len(header) != 2:
        raise CsvError(filename, 1, "", ",".join(header), N_("header must be guide_id,refugee_id"))
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2 or not all(cell.strip() for cell in row):
            raise CsvError(filename, reader.line_num, "", ",".join(row),
                           N_("needs a guide_id and a refugee_id"))
        yield reader.line_num, row[0].strip(), row[1].strip()
