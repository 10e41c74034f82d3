"""A login half done: the password was right, the second step (code or set-up) is still due.

Held in the session for a few minutes, with the user's session version, so that a
new password or a deactivation meanwhile ends it too. Nobody is logged in until
the second step is done.
"""
from __future__ import annotations

from datetime import timedelta

from flask import session

from guidematch.extensions import db
from guidematch.models import User
from guidematch.services import clock

KEY = "_pending_login"
LIFETIME = timedelta(minutes=10)


def hold(user: User, next_url: str | None) -> None:
    """Remember that this user gave the right password, and where they were going."""
    session[KEY] = {"u": user.id, "v": user.session_version,
                    "t": int(clock.now().timestamp()), "n": next_url or ""}


def user() -> User | None:
    """Return the user whose login is half done here, or None (none, too old, or ended)."""
    held = session.get(KEY)
    if not isinstance(held, dict) or not isinstance(held.get("u"), int):
        return None
    if clock.now().timestamp() - held.get("t", 0) > LIFETIME.total_seconds():
        return None
    found = db.session.get(User, held["u"])
    if found is None or not found.is_active or found.session_version != held.get("v"):
        return None
    return found


def next_url() -> str | None:
    held = session.get(KEY)
    return (held.get("n") or None) if isinstance(held, dict) else None


def drop() -> None:
    session.pop(KEY, None)
