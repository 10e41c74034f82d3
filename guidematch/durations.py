"""Minutes as hours, in the reader's language: the one way every text states a time together.

The agreement, the guide's commitment, the weekly email and the pages all say a
branch's weekly minimum through `duration`, so 90 minutes reads "1,5 timer" /
"1.5 hours" everywhere and is never rounded to 2.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import format_decimal, ngettext, pgettext


def hours_number(minutes: int) -> str:
    """Return `minutes` as a number of hours in the reader's language: 90 -> "1,5" (nb), "1.5"."""
    return format_decimal(Decimal(minutes) / 60, format="#,##0.##")


def _exact_in_hours(minutes: int) -> bool:
    # Two decimals state a multiple of 3 minutes exactly (1,25 / 1,5 / 1,75); others would round.
    return minutes >= 60 and minutes * 100 % 60 == 0


def duration(minutes: int) -> str:
    """Return a time together in words: "2 timer", "1,5 timer"; "100 minutter" where hours round."""
    minutes = int(minutes)
    if minutes % 60 == 0:
        return ngettext("%(num)s hour", "%(num)s hours", minutes // 60)
    if _exact_in_hours(minutes):
        # A decimal number of hours takes the plural (or the form CLDR gives fractions) everywhere.
        return pgettext("a decimal number of hours, e.g. 1.5", "%(num)s hours",
                        num=hours_number(minutes))
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


def register(app: Flask) -> None:
    """Make `{{ minutes|duration }}` available in every template."""
    app.add_template_filter(duration, "duration")
