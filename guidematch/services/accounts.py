"""Accounts of coordinators and admins: creating them, checking a login, new passwords."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from guidematch import links
from guidematch.extensions import db
from guidematch.mail import queue_email
from guidematch.models import Branch, OutboxMessage, User
from guidematch.services import clock, passwords, throttle
from guidematch.services.errors import DomainError
from guidematch.vocabulary import Role

MIN_PASSWORD_LENGTH = 10
RESET_PURPOSE = "password_reset"
RESET_LINK_AGE = timedelta(hours=1)
# One reset email per account this often, so the form cannot flood a coordinator's inbox.
RESET_EMAIL_GAP = timedelta(minutes=5)


def find_by_email(email: str) -> User | None:
    """Return the account with this email (any case), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user these credentials belong to, or raise DomainError.

    The message and the work are the same for an unknown email, a wrong password and
    a deactivated account (one password hash checked each time), so neither the
    answer nor its time tells who has an account. Failures are counted by
    services/throttle.py, which may ask the next try from here to wait.
    """
    now = clock.now()
    wait = throttle.wait_needed(email, address, now)
    if wait:
        raise DomainError(_("Too many failed tries. Try again in %(wait)s.",
                            wait=wait_in_words(wait)), "password")
    user = find_by_email(email)
    correct = passwords.verify(user.password_hash if user else None, password)
    if not correct or not user.is_active:
        throttle.record_failure(email, address, now)
        raise DomainError(_("Wrong email or password."), "password")
    throttle.record_success(email, address, now)
    return user


def wait_in_words(wait: timedelta) -> str:
    """Return a wait in the page's language ("3 seconds", "15 minutes"), rounded up."""
    seconds = max(1, int(wait.total_seconds() + 0.999))
    return format_timedelta(timedelta(seconds=seconds), threshold=2, add_direction=False)


def set_new_password(user: User, password: str) -> None:
    """Give the user a new password: every session of theirs ends and login waits are lifted."""
    check_password_strength(password)
    user.set_password(password)
    user.session_version += 1
    throttle.forgive(user.email)


def reset_password(email: str, password: str) -> User:
    """Set a new password for the account with this email (the set-password command)."""
    user = find_by_email(email)
    if user is None:
        raise DomainError(_("No user has this email."), "email")
    set_new_password(user, password)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a logged-in user's own password, once the current one is given."""
    if not user.check_password(current):
        raise DomainError(_("This is not your current password."), "current_password")
    set_new_password(user, new)


def check_password_strength(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("The password must be at least %(count)s characters.",
                            count=MIN_PASSWORD_LENGTH), "password")


def send_reset_link(email: str) -> None:
    """Email a password reset link to the account with this email, if there is an active one.

    The caller says the same thing either way, so the form does not tell who has an account.
    """
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    now = clock.now()
    recent = db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.template == "password_reset", OutboxMessage.to_address == user.email,
        OutboxMessage.created_at > now - RESET_EMAIL_GAP).limit(1))
    if recent:
        return
    token = links.sign(RESET_PURPOSE, u=user.id, f=passwords.fingerprint(user.password_hash))
    # No branch: a branch's outbox page is read by all its coordinators, and this link is a key.
    queue_email(to=user.email, name=user.name, locale=user.locale, template="password_reset",
                subject=_l("Set a new password for guidematch"), branch_id=None,
                url=links.external_url("auth.reset_password", token=token),
                minutes=int(RESET_LINK_AGE.total_seconds() // 60))


def user_for_reset(token: str) -> User:
    """Return the user a reset link is for; raise links.LinkError when it is not valid any more.

    The link carries a digest of the password hash: once the password changed (by this
    link or otherwise) the link is dead, which makes it single use.
    """
    payload = links.verify(RESET_PURPOSE, token, RESET_LINK_AGE)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if (user is None or not user.is_active
            or payload.get("f") != passwords.fingerprint(user.password_hash)):
        raise links.LinkError("used")
    return user


def set_active(user: User, active: bool) -> bool:
    """Deactivate (ending every session) or re-activate an account; say whether it changed."""
    if user.is_active_account == active:
        return False
    user.is_active_account = active
    user.session_version += 1
    return True


def create_user(email: str, name: str, password: str, role: Role,
                branch: Branch | None, locale: str = "nb") -> User:
    """Add a coordinator (of one branch) or an admin."""
    email = email.strip().lower()
    check_password_strength(password)
    if role == Role.COORDINATOR and branch is None:
        raise DomainError(_("A coordinator belongs to a branch."), "branch")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise DomainError(_("A user with this email exists already."), "email")
    user = User(email=email, name=name, role=role, branch=branch, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
