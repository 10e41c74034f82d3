"""How emails print dates and times, and text people typed (the email templates' filters).

Dates and times in words, in each language's own form (Babel's CLDR data):
nb "torsdag 7. januar 2027 kl. 18.00", en "Thursday 7 January 2027 at 18:00",
uk "четвер, 7 січня 2027 р. о 18:00", ar "الخميس، 7 يناير 2027 الساعة 6:00 م" (CLDR's 12-hour Arabic).
A time is a time of day in the programme's zone, to the minute: never
"18:00:00 normaltid for Sentral-Europa" (CLDR's full time). Every email template
uses these filters (`long_date`, `long_datetime`, `day_month`), and nothing else,
for a date; tests/test_mail_kinds.py holds the templates to that. Text people typed
goes through `bdi` in the HTML part, so that it keeps its own direction in
right-to-left mail.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from flask import Flask
from flask_babel import get_locale, gettext
from markupsafe import Markup

from guidematch.services import clock

# Where CLDR's form is not the one our readers expect: its English is American
# ("Thursday, January 7, 2027", "6:00 PM") and our English readers are in Norway, so
# British English; and Norwegian writes the time with a full stop (Språkrådet: "kl. 18.00").
BABEL_LOCALE = {"en": "en_GB"}
DATE_PATTERNS = {"en": "EEEE d MMMM y"}
TIME_PATTERNS = {"nb": "HH.mm"}


def _language() -> str:
    return str(get_locale() or "nb")


def _babel_locale(language: str) -> str:
    return BABEL_LOCALE.get(language, language)


def long_date(day: date | datetime) -> str:
    """Return the day as a weekday, day, month and year in words ("torsdag 7. januar 2027")."""
    if isinstance(day, datetime):
        day = _local(day).date()
    language = _language()
    return format_date(day, DATE_PATTERNS.get(language, "full"), locale=_babel_locale(language))


def time_of_day(moment: datetime) -> str:
    """Return the local time of day to the minute ("18.00" in Norwegian, "18:00" in English)."""
    language = _language()
    return format_time(_local(moment), TIME_PATTERNS.get(language, "short"),
                       locale=_babel_locale(language))


def long_datetime(moment: datetime) -> str:
    """Return the day and the time ("torsdag 7. januar 2027 kl. 18.00")."""
    return gettext("%(date)s at %(time)s", date=long_date(moment), time=time_of_day(moment))


def day_month(day: date) -> str:
    """Return day and month only, short ("7. jan." in Norwegian, "7 Jan" in English)."""
    return format_skeleton("MMMd", day, locale=_babel_locale(_language()))


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # stored times are UTC (models.base.UTCDateTime)
        raise ValueError("naive datetime given; use aware UTC datetimes")
    return moment.astimezone(ZoneInfo(clock.timezone_name()))


def bdi(text: object) -> Markup:
    """Isolate text people typed (a name, a meeting's title) in an HTML email, escaped.

    In an Arabic email a Norwegian title would otherwise take the sentence's direction
    and run backwards with its punctuation; `<bdi>` gives it its own.
    """
    return Markup("<bdi>{}</bdi>").format(text if text is not None else "")


def register(app: Flask) -> None:
    """Make the filters available in every template."""
    for function in (long_date, long_datetime, day_month, time_of_day, bdi):
        app.add_template_filter(function, function.__name__)
