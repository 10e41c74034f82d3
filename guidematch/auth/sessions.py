"""Sessions that end on the server: a version checked on every request, and an idle timeout.

The session cookie is signed, not stored: on its own, a copy taken before logout
would work after it. So the session carries the user's `session_version`, and a
request whose version is not the user's current one is logged out. Logout, a new
password and deactivation raise the version, ending every session of that user
(on every device). A session unused for SESSION_IDLE_MINUTES ends too.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, request, session
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
    app.before_request(_end_stale_session)


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
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or session.get(VERSION_KEY) != user.session_version:
        return None
    seen = session.get(SEEN_KEY)
    now = _now_seconds()
    if not isinstance(seen, int) or now - seen > idle_timeout().total_seconds():
        g.session_idle = True
        return None
    session[SEEN_KEY] = now
    return user


def _end_stale_session() -> None:
    if request.endpoint == "static" or "_user_id" not in session:
        return
    if current_user.is_authenticated:
        return
    idle = g.pop("session_idle", False)
    _forget()
    if idle:
        flash(_("You were logged out after %(hours)s hours without activity.",
                hours=_hours(idle_timeout())), "info")


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g}"


def _forget() -> None:
    logout_user()
    for key in USER_KEYS:
        session.pop(key, None)
