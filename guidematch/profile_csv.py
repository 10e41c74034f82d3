"""Read and write guide and refugee profiles in DESIGN.md's CSV form.

Pure Python: used by the import page, `import-profiles`, exports and the
matching command line alike, so a column is parsed and checked in one place.
Every problem is a `CsvError` that names the file, line, column and value. Its
sentences are gettext message ids with named placeholders, marked with `N_` and
translated where they are shown (`CsvError.text(gettext)`): this module stays
free of Flask, and the command line shows them in English.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import StrEnum
from typing import IO


from guidematch import emails
from guidematch.control_characters import has_control_characters
from guidematch.profile import Kind, ProfileRecord
from guidematch.vocabulary import (
    ACTIVITIES, COUNTRY_CODES, INTERESTS, LANGUAGE_CODES, SLOTS, EducationLevel,
    FamilySituation, Gender, GenderPreference, NorwegianLevel,
)

def N_(message: str) -> str:
    """Mark `message` for the catalogs; it is translated where it is shown."""
    return message


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
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "first_name", "gender")
# Cells a record cannot be made without; which fields a person needs is the people service's rule.
REQUIRED_CELLS: tuple[str, ...] = ("id", "gender")

MAX_TEXT = 200  # longest free-text cell we accept (names, occupation, district)
# The database's range; "not after this year" is the people service's rule (it knows the day).
FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR = 1900, 2100
UNKNOWN_COLUMN = {"guide": N_("unknown column for a guide file"),
                  "refugee": N_("unknown column for a refugee file")}


def _untranslated(message: str) -> str:
    return message


def _fill(gettext: Callable[[str], str], message: str, params: dict[str, object]) -> str:
    return gettext(message) % params if params else gettext(message)


class CellError(ValueError):
    """A cell's value is refused: a message id and its named values."""

    def __init__(self, message: str, **params: object):
        self.message, self.params = message, params
        super().__init__(_fill(_untranslated, message, params))


class CsvError(ValueError):
    """One bad cell (or a bad file), located so that a person can find and fix it."""

    def __init__(self, file: str, line: int, column: str, value: str, message: str,
                 **params: object):
        self.file, self.line, self.column, self.value = file, line, column, value
        self.message, self.params = message, params
        super().__init__(str(self))

    def text(self, gettext: Callable[[str], str] = _untranslated) -> str:
        """Return the one-line error, its sentences translated by `gettext` (English without)."""
        place = {"file": self.file, "line": self.line, "column": self.column}
        where = (_fill(gettext, N_("%(file)s, line %(line)s, column %(column)s"), place)
                 if self.column else _fill(gettext, N_("%(file)s, line %(line)s"), place))
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return _fill(gettext, N_("%(where)s: %(message)s (value: %(value)s)"), {
            "where": where, "message": _fill(gettext, self.message, self.params),
            "value": repr(value)})

    def __str__(self) -> str:
        return self.text()


# --- cell parsers: each takes the raw text and returns a value or raises CellError

def _text(raw: str) -> str:
    if len(raw) > MAX_TEXT:
        raise CellError(N_("is longer than %(n)s characters"), n=MAX_TEXT)
    return raw


def _email(raw: str) -> str:
    if not raw:
        return ""
    try:
        return emails.normalise(raw)
    except emails.InvalidEmail:
        raise CellError(N_("is not a valid email address")) from None


def _enum(enum: type[StrEnum]):
    def parse(raw: str):
        try:
            return enum(raw)
        except ValueError:
            raise CellError(N_("must be one of %(values)s"),
                            values=", ".join(e.value for e in enum)) from None
    return parse


def _choices(allowed: Iterable[str], unknown: str, normalise=str.lower):
    allowed_set = frozenset(allowed)

    def parse(raw: str) -> tuple[str, ...]:
        items: list[str] = []
        for part in raw.split(";"):
            item = normalise(part.strip())
            if not item:
                continue
            if item not in allowed_set:
                raise CellError(unknown, item=repr(item))
            if item not in items:
                items.append(item)
        return tuple(items)
    return parse


def _yes_no(raw: str) -> bool:
    value = raw.lower()
    if value not in {"yes", "no"}:
        raise CellError(N_("must be yes or no"))
    return value == "yes"


def _birth_year(raw: str) -> int:
    if not re.fullmatch(r"\d{4}", raw):
        raise CellError(N_("must be a 4-digit year"))
    if not FIRST_BIRTH_YEAR <= int(raw) <= LAST_BIRTH_YEAR:
        raise CellError(N_("must be a year from %(first)s to %(last)s"), first=FIRST_BIRTH_YEAR,
                        last=LAST_BIRTH_YEAR)
    return int(raw)


def _float_in(lo: float, hi: float):
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise CellError(N_("must be a decimal number")) from None
        if not lo <= value <= hi:
            raise CellError(N_("must be between %(lo)s and %(hi)s"), lo=f"{lo:g}", hi=f"{hi:g}")
        return value
    return parse


def _capacity(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 10:
        raise CellError(N_("must be a whole number from 1 to 10"))
    return int(raw)


def _country(raw: str) -> str:
    code = raw.upper()
    if code not in COUNTRY_CODES:
        raise CellError(N_("must be an ISO 3166-1 alpha-2 country code"))
    return code


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(N_("must be a date YYYY-MM-DD")) from None


def _slug(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", raw):
        raise CellError(N_("must be a branch slug (lowercase letters, digits, dashes)"))
    return raw


PARSERS = {
    "id": _text, "first_name": _text, "last_name": _text, "phone": _text,
    "district": _text, "occupation": _text, "email": _email,
    "gender": _enum(Gender), "gender_preference": _enum(GenderPreference),
    "birth_year": _birth_year,
    "languages": _choices(LANGUAGE_CODES, N_("%(item)s is not a known ISO 639-1 language code")),
    "interests": _choices(INTERESTS, N_("%(item)s is not a known interest")),
    "activities": _choices(ACTIVITIES, N_("%(item)s is not a known activity")),
    "availability": _choices(SLOTS, N_("%(item)s is not a known availability slot")),
    "family_situation": _enum(FamilySituation), "education_level": _enum(EducationLevel),
    "lat": _float_in(-90, 90), "lon": _float_in(-180, 180), "branch": _slug,
    "has_car": _yes_no, "has_pets": _yes_no, "capacity": _capacity,
    "police_certificate": _yes_no, "country_of_origin": _country,
    "norwegian_level": _enum(NorwegianLevel), "waiting_since": _iso_date,
    "pets_ok": _yes_no, "interpreter_needed": _yes_no,
}


def read_profiles(stream: IO[str], kind: Kind, filename: str = "<upload>", *,
                  allow_no_rows: bool = False) -> list[ProfileRecord]:
    """Parse a whole file into records, or raise CsvError at the first bad cell.

    A header without rows is an error (an import of nothing is a mistake) unless
    `allow_no_rows`: for the matching, "no guides" is a real situation.
    """
    reader = csv.reader(stream)
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        raise CsvError(filename, 1, "", "", N_("the file is empty")) from None
    except csv.Error as exc:
        raise CsvError(filename, 1, "", "", N_("is not readable as CSV (%(problem)s)"),
                       problem=str(exc)) from None
    known = COLUMNS[kind]
    for number, name in enumerate(header, start=1):
        if name not in known:
            raise CsvError(filename, 1, f"{number}", name, UNKNOWN_COLUMN[kind])
        if header.index(name) != number - 1:
            raise CsvError(filename, 1, f"{number}", name, N_("column appears twice"))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            raise CsvError(filename, 1, "", name, N_("required column is missing"))

    records: list[ProfileRecord] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise CsvError(filename, line, "", ",".join(row)[:60],
                               N_("has %(cells)s cells where the header has %(columns)s"),
                               cells=len(row), columns=len(header))
            record = _record(dict(zip(header, row)), header, kind, filename, line)
            if record.id in seen:
                raise CsvError(filename, line, _col(header, "id"), record.id,
                               N_("duplicate id (first on line %(first_line)s)"),
                               first_line=seen[record.id])
            seen[record.id] = line
            records.append(record)
    except csv.Error as exc:
        raise CsvError(filename, reader.line_num, "", "",
                       N_("is not readable as CSV (%(problem)s)"), problem=str(exc)) from None
    if not records and not allow_no_rows:
        raise CsvError(filename, 2, "", "", N_("the file has a header but no rows"))
    return records


def _col(header: list[str], name: str) -> str:
    return f"{header.index(name) + 1} ({name})"


def _record(cells: dict[str, str], header: list[str], kind: Kind, filename: str,
            line: int) -> ProfileRecord:
    values: dict[str, object] = {"first_name": ""}  # an empty one is refused by the service
    for name, raw in cells.items():
        raw = raw.strip()
        if name in REQUIRED_CELLS and not raw:
            raise CsvError(filename, line, _col(header, name), raw, N_("must not be empty"))
        if not raw:
            continue
        if has_control_characters(raw):
            raise CsvError(filename, line, _col(header, name), raw,
                           N_("contains a control character (an invisible character such as a "
                              "null byte)"))
        try:
            values[name] = PARSERS[name](raw)
        except CellError as exc:
            raise CsvError(filename, line, _col(header, name), raw, exc.message,
                           **exc.params) from None
    return ProfileRecord(kind=kind, line=line, **values)  # type: ignore[arg-type]


def read_profiles_file(path: str, kind: Kind, *,
                       allow_no_rows: bool = False) -> list[ProfileRecord]:
    """Read a CSV file from disk (UTF-8, with or without a byte-order mark)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            return read_profiles(stream, kind, filename=path, allow_no_rows=allow_no_rows)
    except UnicodeDecodeError as exc:
        raise CsvError(path, 0, "", "", N_("is not UTF-8 text (%(problem)s)"),
                       problem=exc.reason) from None
    except OSError as exc:
        raise CsvError(path, 0, "", "", N_("cannot be read (%(problem)s)"),
                       problem=exc.strerror) from None


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


def write_profiles(stream: IO[str], records: Iterable[ProfileRecord], kind: Kind) -> None:
    """Write records in the CSV form, header first."""
    writer = csv.DictWriter(stream, fieldnames=list(COLUMNS[kind]), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record_row(record))


def profiles_to_csv(records: Iterable[ProfileRecord], kind: Kind) -> str:
    buffer = io.StringIO()
    write_profiles(buffer, records, kind)
    return buffer.getvalue()


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
