"""Accounts of coordinators and admins: creating them, and checking a login."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from guidematch.extensions import db
from guidematch.models import Branch, User
from guidematch.services import clock
from guidematch.services.errors import DomainError
from guidematch.vocabulary import Role

FREE_ATTEMPTS = 5
MAX_LOCK = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10


def lock_period(failed_logins: int) -> timedelta:
    """Return how long an account waits after this many failed logins in a row."""
    if failed_logins < FREE_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failed_logins - FREE_ATTEMPTS + 2)), MAX_LOCK)


def authenticate(email: str, password: str) -> User:
    """Return the user these credentials belong to, or raise DomainError.

    The message is the same for an unknown email and a wrong password, so the
    form does not tell who has an account.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    wrong = DomainError(_("Wrong email or password."))
    if user is None:
        raise wrong
    now = clock.now()
    if user.last_failed_login_at and now < user.last_failed_login_at + lock_period(user.failed_logins):
        raise DomainError(_("Too many failed attempts. Please wait a few minutes and try again."))
    if not user.check_password(password) or not user.is_active:
        user.failed_logins += 1
        user.last_failed_login_at = now
        raise wrong
    user.failed_logins = 0
    user.last_failed_login_at = None
    return user


def reset_password(email: str, password: str) -> User:
    """Set a new password for the account with this email, and lift any login lock."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise DomainError(_("No user has this email."), "email")
    _check_password_strength(password)
    user.set_password(password)
    user.failed_logins = 0
    user.last_failed_login_at = None
    return user


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("The password must be at least %(count)s characters.",
                            count=MIN_PASSWORD_LENGTH), "password")


def create_user(email: str, name: str, password: str, role: Role,
                branch: Branch | None, locale: str = "nb") -> User:
    """Add a coordinator (of one branch) or an admin."""
    email = email.strip().lower()
    _check_password_strength(password)
    if role == Role.COORDINATOR and branch is None:
        raise DomainError(_("A coordinator belongs to a branch."), "branch")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise DomainError(_("A user with this email exists already."), "email")
    user = User(email=email, name=name, role=role, branch=branch, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
