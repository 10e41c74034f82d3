"""One cell of DESIGN.md's profile CSV form: parse its text into a value, or refuse it.

Pure Python, shared by the CSV and XLSX import (`profile_csv`), the public forms
and the coordinator's forms, so that a value is read by one rule wherever it
comes from. Spreadsheets' Norwegian ways are read too: ja/nei, 15.03.2026, 69,6496.
A refusal is a `CellError`: a gettext message id and its named values.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum


from guidematch import emails
from guidematch.column_aliases import VALUE_ALIASES
from guidematch.spreadsheets import N_
from guidematch.vocabulary import (
    ACTIVITIES, COUNTRY_CODES, INTERESTS, LANGUAGE_CODES, SLOTS, EducationLevel,
    FamilySituation, Gender, GenderPreference, NorwegianLevel,
)

MAX_TEXT = 200  # longest free-text cell we accept (names, occupation, district)
# The database's range; "not after this year" is the people service's rule (it knows the day).
FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR = 1900, 2100


def untranslated(message: str) -> str:
    """Return a message id as it is: English, for the command line."""
    return message


def fill(gettext: Callable[[str], str], message: str, params: dict[str, object]) -> str:
    """Return a message id translated by `gettext`, its named values filled in."""
    return gettext(message) % params if params else gettext(message)


class CellError(ValueError):
    """A cell's value is refused: a message id and its named values."""

    def __init__(self, message: str, **params: object):
        self.message, self.params = message, params
        super().__init__(fill(untranslated, message, params))


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


def enum_parser(enum: type[StrEnum], aliases: dict[str, str] | None = None
                ) -> Callable[[str], StrEnum]:
    """Return a parser of one of the values of `enum` (or of a Norwegian word for one)."""
    # A dict of the members: calling the enum took longer than the rest of the cell.
    members, words = {e.value: e for e in enum}, aliases or {}

    def parse(raw: str):
        member = members.get(words.get(raw.casefold(), raw))
        if member is None:
            raise CellError(N_("must be one of %(values)s"), values=", ".join(members))
        return member
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
    value = VALUE_ALIASES["yes_no"].get(value, value)
    if value not in {"yes", "no"}:
        raise CellError(N_("must be yes or no"))
    return value == "yes"


FOUR_DIGITS = re.compile(r"\d{4}")


def _birth_year(raw: str) -> int:
    if not FOUR_DIGITS.fullmatch(raw):
        raise CellError(N_("must be a 4-digit year"))
    if not FIRST_BIRTH_YEAR <= int(raw) <= LAST_BIRTH_YEAR:
        raise CellError(N_("must be a year from %(first)s to %(last)s"), first=FIRST_BIRTH_YEAR,
                        last=LAST_BIRTH_YEAR)
    return int(raw)


def _float_in(lo: float, hi: float):
    def parse(raw: str) -> float:
        try:
            # Norwegian spreadsheets write 69,6496; a comma is never a thousands mark here.
            value = float(raw.replace(",", ".", 1) if "." not in raw else raw)
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


def _date(raw: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", raw):  # Norwegian: 15.03.2026
            return datetime.strptime(raw, "%d.%m.%Y").date()
    except ValueError:
        pass
    raise CellError(N_("must be a date YYYY-MM-DD or dd.mm.yyyy"))


def _slug(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", raw):
        raise CellError(N_("must be a branch slug (lowercase letters, digits, dashes)"))
    return raw


PARSERS = {
    "id": _text, "first_name": _text, "last_name": _text, "phone": _text,
    "district": _text, "occupation": _text, "email": _email,
    "gender": enum_parser(Gender, VALUE_ALIASES["gender"]),
    "gender_preference": enum_parser(GenderPreference, VALUE_ALIASES["gender_preference"]),
    "birth_year": _birth_year,
    "languages": _choices(LANGUAGE_CODES, N_("%(item)s is not a known ISO 639-1 language code")),
    "interests": _choices(INTERESTS, N_("%(item)s is not a known interest")),
    "activities": _choices(ACTIVITIES, N_("%(item)s is not a known activity")),
    "availability": _choices(SLOTS, N_("%(item)s is not a known availability slot")),
    "family_situation": enum_parser(FamilySituation),
    "education_level": enum_parser(EducationLevel),
    "lat": _float_in(-90, 90), "lon": _float_in(-180, 180), "branch": _slug,
    "has_car": _yes_no, "has_pets": _yes_no, "capacity": _capacity,
    "police_certificate": _yes_no, "country_of_origin": _country,
    "norwegian_level": enum_parser(NorwegianLevel), "waiting_since": _date,
    "pets_ok": _yes_no, "interpreter_needed": _yes_no,
}
