"""Sessions that end on the server: a version checked on every request, and an idle timeout.

The session cookie is signed, not stored: on its own, a copy taken before logout
would work after it. So the session carries the user's `session_version`, and a
request whose version is not the user's current one is logged out. Logout, a new
password and deactivation raise the version, ending every session of that user
(on every device). A session unused for SESSION_IDLE_MINUTES ends too.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from guidematch.extensions import db, login_manager
from guidematch.models import User
from guidematch.services import clock

VERSION_KEY = "_session_version"
SEEN_KEY = "_last_seen"
# What a logged-in session may carry besides Flask-Login's own keys; dropped at its end.
USER_KEYS = (VERSION_KEY, SEEN_KEY, "branch_id")


def register(app: Flask) -> None:
    """Load the user only from a current session, and end sessions that are not."""
    login_manager.user_loader(_load_user)
    app.before_request(_check_session)


def start(user: User) -> None:
    """Log the user in for this browser, with their current session version."""
    session.pop("branch_id", None)
    login_user(user)
    session[VERSION_KEY] = user.session_version
    session[SEEN_KEY] = _now_seconds()


def end(user: User) -> None:
    """Log out here, and end every other session of this user (copies of this cookie too)."""
    user.session_version += 1
    _forget()


def renew(user: User) -> None:
    """Keep this browser logged in after the user's version went up (their own new password)."""
    session[VERSION_KEY] = user.session_version


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _now_seconds() -> int:
    return int(clock.now().timestamp())


def _load_user(user_id: str) -> User | None:
    # Flask-Login keeps what this returns for the rest of the request (`_check_session`
    # reads it first), so a request loads its user once.
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None


def _check_session() -> None:
    """End this session unless it is the user's current one and was used lately."""
    user_id = session.get("_user_id")
    if request.endpoint == "static" or user_id is None:
        return
    # Through Flask-Login's loader, so the rest of the request reuses this user: a
    # second lookup could query again once the garbage collector took the first.
    user = current_user._get_current_object() if current_user.is_authenticated else None
    seen, now = session.get(SEEN_KEY), _now_seconds()
    current = (user is not None
               and session.get(VERSION_KEY) == user.session_version)
    idle = not isinstance(seen, int) or now - seen > idle_timeout().total_seconds()
    if current and not idle:
        session[SEEN_KEY] = now
        return
    _forget()
    if current:  # ended by the clock, not by a logout elsewhere: say why
        flash(_("You were logged out after %(hours)s hours without activity.",
                hours=_hours(idle_timeout())), "info")


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g}"


def _forget() -> None:
    logout_user()
    for key in USER_KEYS:
        session.pop(key, None)
