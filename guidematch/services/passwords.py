"""Password hashes: the one place that makes and checks them.

`verify` does the same work with no hash (an unknown email) as with one: it checks
against a dummy hash of the same kind, so a login with an unknown email costs what
one with a known email costs, and the time of the answer does not tell who has an
account.
"""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash


def make_hash(password: str) -> str:
    """Return a salted, slow hash of a password."""
    return generate_password_hash(password)


def matches(password_hash: str, password: str) -> bool:
    """Say whether the password is the one this hash was made of."""
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash() -> str:
    # Made with today's method and cost, once per process, of a password nobody knows.
    return make_hash(secrets.token_urlsafe(32))


def verify(password_hash: str | None, password: str) -> bool:
    """Check a password against a hash, or against the dummy when there is none (False)."""
    dummy = _dummy_hash()  # made on the first login of either kind, so neither pays it alone
    correct = matches(password_hash or dummy, password)
    return correct and password_hash is not None


def fingerprint(password_hash: str) -> str:
    """Return a short digest of a password hash: it changes whenever the password does."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]
