"""The one clock: every "now" and "today" of the package is read here, so tests can set it.

"Today" is the calendar day in the programme's time zone (Europe/Oslo unless
configured), never the server's: a sign-up at 00:30 in Oslo on a server running
in UTC belongs to the Oslo day. Pure code (the matching core, programme.py) does
not read the clock; its callers pass `today` or `now` in.

Models use `now` as a column default, so this module must stay importable without
an app: it reads Flask's config only when called, and falls back on the default
zone outside an app context.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import current_app, has_app_context

from guidematch import config
from guidematch.programme import local_to_utc, today_in

DEFAULT_TIMEZONE = config.DEFAULT_TIMEZONE


def timezone_name() -> str:
    """Return the programme's time zone (the app's BABEL_DEFAULT_TIMEZONE)."""
    if not has_app_context():  # the matching commands run without an app
        return config.timezone_name()
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE


def now() -> datetime:
    """Return the current moment as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def today() -> date:
    """Return the calendar day it is now in the programme's time zone."""
    return today_in(timezone_name(), now())


def day_of(moment: datetime) -> date:
    """Return the calendar day a stored (UTC) moment falls on in the programme's time zone."""
    return today_in(timezone_name(), moment)


def moment_on(day: date) -> datetime:
    """Return now moved by whole days to `day`: "now" for a command run with `--today`."""
    return now() + (day - today())


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Return the UTC moments the local days `first` to `last` (included) begin and end.

    The end is the first moment after `last`: compare stored moments with >= and <.
    """
    tz = timezone_name()
    return local_to_utc(first, time(0), tz), local_to_utc(last + timedelta(days=1), time(0), tz)
