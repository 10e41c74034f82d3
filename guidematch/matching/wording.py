"""The words of the reasons, in the gettext catalogs like every other text; no Flask here.

The English words are marked with no-op markers (`N_`, `NC_` with a context,
`NN_` for a singular and a plural), so that `make messages` extracts them into
guidematch/translations; they are translated when a reason is put into words,
with the translations the caller gives: the web passes Flask-Babel's, the
command line loads the catalog of its `--lang` (`catalog`). Language names, day
names, lists and numbers come from Babel (CLDR) in the reader's language.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from guidematch.vocabulary import DAYS, PERSON_LOCALES

CATALOGS = Path(__file__).resolve().parent.parent / "translations"


class Gettext(Protocol):
    """What the reasons need of a catalog (babel.support.Translations has it)."""

    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def pgettext(self, context: str, message: str) -> str: ...


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark a message with its context (msgctxt) for extraction."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with its plural for extraction."""
    return singular, plural


# Each vocabulary's words as they stand inside a reason ("both enjoy hiking"),
# with the gettext context that keeps them apart from the forms' labels.
LABELS: dict[str, dict[str, str]] = {
    "interest": {
        "outdoor": NC_("reason:interest", "the outdoors"),
        "hiking": NC_("reason:interest", "hiking"),
        "fishing": NC_("reason:interest", "fishing"),
        "skiing": NC_("reason:interest", "skiing"),
        "sports": NC_("reason:interest", "sports"),
        "football": NC_("reason:interest", "football"),
        "cooking": NC_("reason:interest", "cooking"),
        "music": NC_("reason:interest", "music"),
        "art": NC_("reason:interest", "art"),
        "crafts": NC_("reason:interest", "crafts"),
        "reading": NC_("reason:interest", "reading"),
        "games": NC_("reason:interest", "games"),
        "technology": NC_("reason:interest", "technology"),
        "gardening": NC_("reason:interest", "gardening"),
        "film": NC_("reason:interest", "film"),
        "dancing": NC_("reason:interest", "dancing"),
        "culture": NC_("reason:interest", "culture"),
    },
    "activity": {
        "language_practice": NC_("reason:activity", "language practice"),
        "homework_help": NC_("reason:activity", "homework help"),
        "driving_practice": NC_("reason:activity", "driving practice"),
        "job_seeking": NC_("reason:activity", "job seeking"),
        "social_network": NC_("reason:activity", "a social network"),
        "outdoor_activities": NC_("reason:activity", "outdoor activities"),
        "culture_events": NC_("reason:activity", "cultural events"),
        "practical_help": NC_("reason:activity", "practical help"),
    },
    "family_both": {
        "single": NC_("reason:family", "both single"),
        "couple": NC_("reason:family", "both couples without children at home"),
        "single_parent": NC_("reason:family", "both single parents"),
        "family_with_children": NC_("reason:family", "both families with children"),
    },
    "education": {
        "none": NC_("reason:education", "no schooling"),
        "primary": NC_("reason:education", "primary school"),
        "secondary": NC_("reason:education", "upper secondary school"),
        "vocational": NC_("reason:education", "vocational training"),
        "bachelor": NC_("reason:education", "bachelor's degree"),
        "master_or_higher": NC_("reason:education", "master's degree or higher"),
    },
    "day_part": {
        "day": NC_("reason:day part", "daytime"),
        "evening": NC_("reason:day part", "evening"),
    },
}
CONTEXTS = {"interest": "reason:interest", "activity": "reason:activity",
            "family_both": "reason:family", "education": "reason:education",
            "day_part": "reason:day part"}

# One phrase per reason key (and variant); a pair is (singular, plural) by the count in COUNTS.
PHRASES: dict[str, str | tuple[str, str]] = {
    "interests": N_("both enjoy %(interests)s"),
    "activities": N_("the guide offers %(activities)s"),
    "language": NN_("common language: %(languages)s", "common languages: %(languages)s"),
    "family_children": N_("both have children at home"),
    "family_no_children": N_("neither has children at home"),
    "age": NN_("close in age (%(years)s year apart)", "close in age (%(years)s years apart)"),
    "age/none": N_("the same age"),
    "availability": N_("both free %(slots)s"),
    "district": N_("both live in %(district)s"),
    "distance": N_("live %(km)s km apart"),
    "occupation": N_("same occupation: %(occupation)s"),
    "education": N_("same level of education (%(level)s)"),
    "waiting": NN_("has waited %(days)s day", "has waited %(days)s days"),
    "waiting/months": NN_("has waited %(months)s month", "has waited %(months)s months"),
    # The waiting priority decided the proposal: the longest waiter among those the hard
    # rules allow with this guide (named by first name).
    "waiting_longest": NN_("has waited %(days)s day, the longest of those who fit %(guide)s",
                           "has waited %(days)s days, the longest of those who fit %(guide)s"),
    "waiting_longest/months": NN_(
        "has waited %(months)s month, the longest of those who fit %(guide)s",
        "has waited %(months)s months, the longest of those who fit %(guide)s"),
    "locked": N_("locked by the coordinator"),
    "no_allowed_guide": N_(
        "no guide meets the hard rules (or the minimum score) for this person"),
    "guides_taken": N_("every guide who fits is taken by someone else"),
    # The hard rules (Forbidden), for the command line's errors and the coordinator's page.
    "forbidden_branch": N_("they belong to different branches"),
    "forbidden_gender_preference": N_("a wish about the other person's gender is not met"),
    "forbidden_pets": N_("the refugee cannot be with pets, and the guide has pets"),
    "forbidden_police_certificate": N_(
        "the refugee may be under 18, and the guide has no police certificate"),
    "forbidden_excluded": N_("this pair was rejected earlier"),
    "forbidden_below_min_score": N_("the score is under the branch's lowest score for proposals"),
}
MONTHS_FROM_DAYS = 61  # from here a waiting time reads in months


def months_of(days: int) -> int:
    """Return a waiting time of `days` in whole months, as the reasons say it."""
    return days * 12 // 365


def language_of(locale: str) -> str:
    """Return the supported language nearest to a locale such as "nb_NO"; English otherwise."""
    language = str(locale).replace("-", "_").split("_")[0].lower()
    if language in ("no", "nn"):
        return "nb"
    return language if language in PERSON_LOCALES else "en"


@lru_cache(maxsize=8)
def catalog(locale: str) -> NullTranslations:
    """Return the compiled gettext catalog of a language (English words when there is none)."""
    return Translations.load(str(CATALOGS), [language_of(locale)])


@lru_cache(maxsize=16)
def _cldr(locale: str) -> Locale:
    """The CLDR data of the reader's language, made once (Babel parses a name on every call)."""
    return Locale(language_of(locale))


def label(vocabulary: str, value: str, translations: Gettext) -> str:
    """Return a vocabulary value's words inside a reason (the value itself if unknown)."""
    word = LABELS[vocabulary].get(value)
    return translations.pgettext(CONTEXTS[vocabulary], word) if word else value


def language_name(code: str, locale: str) -> str:
    """Return a language's name in the reader's language, from CLDR ("arabisk", "Arabic")."""
    return _cldr(locale).languages.get(code, code)


def slot_name(slot: str, locale: str, translations: Gettext) -> str:
    """Return "Monday evening" / "mandag kveld" for mon_evening."""
    day, part = slot.split("_")
    name = _cldr(locale).days["format"]["wide"][DAYS.index(day)]
    if language_of(locale) == "en":
        name = name.capitalize()
    return f"{name} {label('day_part', part, translations)}"


def listing(items: Sequence[str], locale: str) -> str:
    """Return "a, b and c" in the locale's way."""
    return format_list(list(items), locale=_cldr(locale))


def number(value: float, locale: str) -> str:
    """Return a number with one decimal, in the locale's way ("3,2" / "3.2")."""
    return format_decimal(value, "0.0", locale=_cldr(locale))


def _variant(key: str, params: Mapping[str, object]) -> tuple[str, int]:
    """The phrase to use, and the count that picks its plural form."""
    if key == "language":
        return key, len(params["languages"])  # type: ignore[arg-type]
    if key == "age":
        years = int(params["years"])  # type: ignore[call-overload]
        return ("age/none", 0) if years == 0 else (key, years)
    if key in ("waiting", "waiting_longest"):
        days = int(params["days"])  # type: ignore[call-overload]
        if days >= MONTHS_FROM_DAYS:
            return key + "/months", months_of(days)
        return key, days
    return key, 1


def _shown(name: str, value: object, locale: str, translations: Gettext) -> str:
    """A parameter as the reader sees it: labels, names, lists and numbers in their language."""
    items: Sequence[str] = value if isinstance(value, (tuple, list)) else ()
    if name == "interests":
        return listing([label("interest", v, translations) for v in items], locale)
    if name == "activities":
        return listing([label("activity", v, translations) for v in items], locale)
    if name == "languages":
        return listing([language_name(v, locale) for v in items], locale)
    if name == "slots":
        return listing([slot_name(v, locale, translations) for v in items], locale)
    if name == "level":
        return label("education", str(value), translations)
    if name == "km":
        return number(float(value), locale)  # type: ignore[arg-type]
    return str(value)


def phrase(key: str, params: Mapping[str, object], locale: str,
           translations: Gettext | None = None) -> str:
    """Return the words of a reason key with its parameters, in the locale's language."""
    translations = translations if translations is not None else catalog(locale)
    if key == "family_same":  # the situation's own words say it all: "both single parents"
        return label("family_both", str(params["situation"]), translations)
    variant, count = _variant(key, params)
    shown = {name: _shown(name, value, locale, translations) for name, value in params.items()}
    if variant.endswith("/months"):
        shown["months"] = str(count)
    words = PHRASES[variant]
    if isinstance(words, tuple):
        return translations.ngettext(words[0], words[1], count) % shown
    text = translations.gettext(words)
    return text % shown if shown else text
