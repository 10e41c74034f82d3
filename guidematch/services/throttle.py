"""Slow down password guessing without locking the real coordinator out.

Failed logins are counted under three keys, each with a number of free tries and
then an exponential back-off (2 s after the first try over, doubling, at most 15
minutes); a count is forgotten 24 hours after its last failure:

- the (email, address) pair: 5 free. A coordinator who mistypes waits seconds.
- the address, across all emails: 20 free (an office behind one address).
- the email, across all addresses: 100 free (guessing from many addresses).

A wait is not a lock: once it has passed, the next try is checked, and a try
refused while waiting is not counted, so an attacker cannot keep anyone out by
retrying. The address and email counts do not apply from an address where the
right password for that email was given in the last 90 days (the coordinator's
usual address): an attacker elsewhere, who runs those counts up, slows only
themselves. IPv6 addresses count by their /64 network (one subscriber's). Keys are
keyed hashes (HMAC with SECRET_KEY), so the table holds neither emails nor addresses.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from guidematch.extensions import db
from guidematch.models import LoginThrottle
from guidematch.unit_of_work import savepoint

FREE_PER_PAIR = 5
FREE_PER_ADDRESS = 20
FREE_PER_EMAIL = 100
FIRST_WAIT = timedelta(seconds=2)
MAX_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)
USUAL_FOR = timedelta(days=90)


def wait_after(failures: int, free: int) -> timedelta:
    """Return the back-off after this many failures in a row under a key with `free` tries."""
    if failures < free:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - free, 20), MAX_WAIT)


@dataclass(frozen=True)
class Keys:
    pair: str
    address: str
    email: str


def network_of(address: str) -> str:
    """Return what one client is counted as: its IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _hash(kind: str, *parts: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(secret, "\0".join((kind, *parts)).encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def keys_for(email: str, address: str) -> Keys:
    """Return the three keys a login try of this email from this address counts under."""
    email, client = email.strip().lower(), network_of(address or "")
    return Keys(pair=_hash("pair", email, client), address=_hash("addr", client),
                email=_hash("email", email))


def _remaining(row: LoginThrottle | None, free: int, now: datetime) -> timedelta:
    if row is None or row.last_failure_at is None or now - row.last_failure_at > FORGET_AFTER:
        return timedelta(0)
    return max(row.last_failure_at + wait_after(row.failures, free) - now, timedelta(0))


def _usual(pair: LoginThrottle | None, now: datetime) -> bool:
    return pair is not None and pair.succeeded_at is not None and now - pair.succeeded_at < USUAL_FOR


def wait_needed(email: str, address: str, now: datetime) -> timedelta:
    """Return how long a login try of this email from this address must wait (0: none)."""
    keys = keys_for(email, address)
    rows = {row.key: row for row in db.session.scalars(
        select(LoginThrottle).where(LoginThrottle.key.in_([keys.pair, keys.address, keys.email])))}
    pair = rows.get(keys.pair)
    waits = [_remaining(pair, FREE_PER_PAIR, now)]
    if not _usual(pair, now):
        waits += [_remaining(rows.get(keys.address), FREE_PER_ADDRESS, now),
                  _remaining(rows.get(keys.email), FREE_PER_EMAIL, now)]
    return max(waits)


def record_failure(email: str, address: str, now: datetime) -> None:
    """Count a failed try under all three keys."""
    keys = keys_for(email, address)
    for key in (keys.pair, keys.address, keys.email):
        _count(key, keys.email if key == keys.pair else None, now)


def _count(key: str, account_key: str | None, now: datetime) -> None:
    # One UPDATE (not read, add one, write), so simultaneous failures are all counted.
    stale = or_(LoginThrottle.last_failure_at.is_(None),
                LoginThrottle.last_failure_at < now - FORGET_AFTER)
    increment = (update(LoginThrottle).where(LoginThrottle.key == key)
                 .values(failures=case((stale, 1), else_=LoginThrottle.failures + 1),
                         last_failure_at=now)
                 .execution_options(synchronize_session=False))
    if db.session.execute(increment).rowcount:
        return
    try:
        with savepoint():
            db.session.add(LoginThrottle(key=key, account_key=account_key, failures=1,
                                         last_failure_at=now))
    except IntegrityError:  # a twin request added the row first: count on it
        db.session.execute(increment)


def record_success(email: str, address: str, now: datetime) -> None:
    """Clear the pair's count and mark the address as usual for this email."""
    keys = keys_for(email, address)
    cleared = db.session.execute(
        update(LoginThrottle).where(LoginThrottle.key == keys.pair)
        .values(failures=0, last_failure_at=None, succeeded_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if cleared:
        return
    try:
        with savepoint():
            db.session.add(LoginThrottle(key=keys.pair, account_key=keys.email, failures=0,
                                         succeeded_at=now))
    except IntegrityError:  # a twin login added it first
        pass


def forgive(email: str) -> None:
    """Clear every count of this email (its owner or an admin has just set a new password)."""
    email_key = keys_for(email, "").email
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == email_key))
    db.session.execute(update(LoginThrottle).where(LoginThrottle.account_key == email_key)
                       .values(failures=0, last_failure_at=None)
                       .execution_options(synchronize_session=False))
