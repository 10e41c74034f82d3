"""Read and write guide and refugee profiles in DESIGN.md's CSV form.

Pure Python: used by the import page, `import-profiles`, exports and the
matching command line alike, so a column is parsed and checked in one place.
Every problem is a `CsvError` that names the file, line, column and value.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum
from typing import IO

from email_validator import EmailNotValidError, validate_email

from guidematch.profile import Kind, ProfileRecord
from guidematch.vocabulary import (
    ACTIVITIES, COUNTRY_CODES, INTERESTS, LANGUAGE_CODES, SLOTS, EducationLevel,
    FamilySituation, Gender, GenderPreference, NorwegianLevel,
)

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

MAX_TEXT = 200  # longest free-text cell we accept (names, occupation, district)
MIN_GUIDE_AGE = 18


class CsvError(ValueError):
    """One bad cell (or a bad file), located so that a person can find and fix it."""

    def __init__(self, file: str, line: int, column: str, value: str, message: str):
        self.file, self.line, self.column, self.value = file, line, column, value
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}"
        if self.column:
            where += f", column {self.column}"
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{where}: {self.message} (value: {value!r})"


# --- cell parsers: each takes the raw text and returns a value or raises ValueError

def _text(raw: str) -> str:
    if len(raw) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT} characters")
    return raw


def _email(raw: str) -> str:
    if not raw:
        return ""
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError("is not a valid email address") from None


def _enum(enum: type[StrEnum]):
    def parse(raw: str):
        try:
            return enum(raw)
        except ValueError:
            raise ValueError("must be one of " + ", ".join(e.value for e in enum)) from None
    return parse


def _choices(allowed: Iterable[str], what: str, normalise=str.lower):
    allowed_set = frozenset(allowed)

    def parse(raw: str) -> tuple[str, ...]:
        items: list[str] = []
        for part in raw.split(";"):
            item = normalise(part.strip())
            if not item:
                continue
            if item not in allowed_set:
                raise ValueError(f"{item!r} is not a known {what}")
            if item not in items:
                items.append(item)
        return tuple(items)
    return parse


def _yes_no(raw: str) -> bool:
    value = raw.lower()
    if value not in {"yes", "no"}:
        raise ValueError("must be yes or no")
    return value == "yes"


def _birth_year(raw: str) -> int:
    if not re.fullmatch(r"\d{4}", raw):
        raise ValueError("must be a 4-digit year")
    year = int(raw)
    if not 1900 <= year <= date.today().year:
        raise ValueError("is not a plausible birth year")
    return year


def _float_in(lo: float, hi: float):
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("must be a decimal number") from None
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return value
    return parse


def _capacity(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 10:
        raise ValueError("must be a whole number from 1 to 10")
    return int(raw)


def _country(raw: str) -> str:
    code = raw.upper()
    if code not in COUNTRY_CODES:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code")
    return code


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


def _slug(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", raw):
        raise ValueError("must be a branch slug (lowercase letters, digits, dashes)")
    return raw


PARSERS = {
    "id": _text, "first_name": _text, "last_name": _text, "phone": _text,
    "district": _text, "occupation": _text, "email": _email,
    "gender": _enum(Gender), "gender_preference": _enum(GenderPreference),
    "birth_year": _birth_year,
    "languages": _choices(LANGUAGE_CODES, "ISO 639-1 language code"),
    "interests": _choices(INTERESTS, "interest"),
    "activities": _choices(ACTIVITIES, "activity"),
    "availability": _choices(SLOTS, "availability slot"),
    "family_situation": _enum(FamilySituation), "education_level": _enum(EducationLevel),
    "lat": _float_in(-90, 90), "lon": _float_in(-180, 180), "branch": _slug,
    "has_car": _yes_no, "has_pets": _yes_no, "capacity": _capacity,
    "police_certificate": _yes_no, "country_of_origin": _country,
    "norwegian_level": _enum(NorwegianLevel), "waiting_since": _iso_date,
    "pets_ok": _yes_no, "interpreter_needed": _yes_no,
}


def read_profiles(stream: IO[str], kind: Kind, filename: str = "<upload>") -> list[ProfileRecord]:
    """Parse a whole file into records, or raise CsvError at the first bad cell."""
    reader = csv.reader(stream)
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        raise CsvError(filename, 1, "", "", "the file is empty") from None
    except csv.Error as exc:
        raise CsvError(filename, 1, "", "", f"is not readable as CSV ({exc})") from None
    known = COLUMNS[kind]
    for number, name in enumerate(header, start=1):
        if name not in known:
            raise CsvError(filename, 1, f"{number}", name, f"unknown column for a {kind} file")
        if header.index(name) != number - 1:
            raise CsvError(filename, 1, f"{number}", name, "column appears twice")
    for name in REQUIRED_COLUMNS:
        if name not in header:
            raise CsvError(filename, 1, "", name, "required column is missing")

    records: list[ProfileRecord] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise CsvError(filename, line, "", ",".join(row)[:60],
                               f"has {len(row)} cells where the header has {len(header)}")
            record = _record(dict(zip(header, row)), header, kind, filename, line)
            if record.id in seen:
                raise CsvError(filename, line, _col(header, "id"), record.id,
                               f"duplicate id (first on line {seen[record.id]})")
            seen[record.id] = line
            records.append(record)
    except csv.Error as exc:
        raise CsvError(filename, reader.line_num, "", "", f"is not readable as CSV ({exc})") from None
    if not records:
        raise CsvError(filename, 2, "", "", "the file has a header but no rows")
    return records


def _col(header: list[str], name: str) -> str:
    return f"{header.index(name) + 1} ({name})"


def _record(cells: dict[str, str], header: list[str], kind: Kind, filename: str,
            line: int) -> ProfileRecord:
    values: dict[str, object] = {}
    for name, raw in cells.items():
        raw = raw.strip()
        if name in REQUIRED_COLUMNS and not raw:
            raise CsvError(filename, line, _col(header, name), raw, "must not be empty")
        if not raw:
            continue
        try:
            values[name] = PARSERS[name](raw)
        except ValueError as exc:
            raise CsvError(filename, line, _col(header, name), raw, str(exc)) from None
    if kind == "guide" and "birth_year" in values:
        if date.today().year - int(values["birth_year"]) < MIN_GUIDE_AGE:  # type: ignore[arg-type]
            raise CsvError(filename, line, _col(header, "birth_year"), cells["birth_year"],
                           f"a guide must be at least {MIN_GUIDE_AGE}")
    return ProfileRecord(kind=kind, line=line, **values)  # type: ignore[arg-type]


def read_profiles_file(path: str, kind: Kind) -> list[ProfileRecord]:
    """Read a CSV file from disk (UTF-8, with or without a byte-order mark)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            return read_profiles(stream, kind, filename=path)
    except UnicodeDecodeError as exc:
        raise CsvError(path, 0, "", "", f"is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise CsvError(path, 0, "", "", f"cannot be read ({exc.strerror})") from None


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
        raise CsvError(filename, 1, "", ",".join(header), "header must be guide_id,refugee_id")
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2 or not all(cell.strip() for cell in row):
            raise CsvError(filename, reader.line_num, "", ",".join(row), "needs a guide_id and a refugee_id")
        yield reader.line_num, row[0].strip(), row[1].strip()
