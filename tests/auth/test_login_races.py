"""Races on PostgreSQL: a recovery code or a TOTP code used at the same moment by several requests
works once; failed tries at the same moment are all counted (none lost to a lost update)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from guidematch import create_app
from guidematch.extensions import db as _db
from guidematch.models import LoginThrottle, User
from guidematch.services import throttle, two_factor
from tests import factories

THREADS = 6
ROUNDS = 15


@pytest.fixture
def hosts(app_config):
    """One app per thread (each its own engine and session), as several gunicorn workers."""
    apps = [create_app(app_config) for _ in range(THREADS)]
    yield apps
    for host in apps:
        with host.app_context():
            _db.engine.dispose()


def _at_once(hosts, work) -> list:
    """Run work(host_index) in every host at the same moment, each committing; return results."""
    start, results, errors = threading.Barrier(len(hosts)), [], []

    def run(index, host):
        with host.app_context(), host.test_request_context():
            try:
                start.wait()
                results.append(work(index))
                _db.session.commit()
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                _db.session.remove()
    threads = [threading.Thread(target=run, args=(i, h)) for i, h in enumerate(hosts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
def test_a_recovery_code_used_at_once_by_several_requests_works_once(app, db, branch, hosts):
    user = factories.make_user(email="coordinator@example.org", branch=branch)
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = datetime.now(timezone.utc)
    accepted = []
    for _ in range(ROUNDS):
        [code] = two_factor.new_recovery_codes(user)[:1]
        db.session.commit()
        now = datetime.now(timezone.utc)
        user_id = user.id  # read here: the threads must not touch this session's objects
        results = _at_once(hosts, lambda i: two_factor.verify(
            _db.session.get(User, user_id), code, now))
        accepted.append(results.count(True))
    print(f"\nrecovery code, {THREADS} requests at once, {ROUNDS} rounds: accepted {accepted}")
    assert accepted == [1] * ROUNDS


@pytest.mark.postgres
def test_a_totp_code_used_at_once_by_several_requests_works_once(app, db, branch, hosts):
    user = factories.make_user(email="coordinator@example.org", branch=branch)
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = datetime.now(timezone.utc)
    db.session.commit()
    totp, accepted = pyotp.TOTP(user.totp_secret), []
    for round_ in range(ROUNDS):
        db.session.expire(user)  # the threads moved its step on in their own sessions
        moment = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc) + timedelta(minutes=round_)
        code, user_id = totp.at(moment), user.id
        results = _at_once(hosts, lambda i: two_factor.verify(
            _db.session.get(User, user_id), code, moment))
        accepted.append(results.count(True))
    print(f"\nTOTP code, {THREADS} requests at once, {ROUNDS} rounds: accepted {accepted}")
    assert accepted == [1] * ROUNDS


@pytest.mark.postgres
def test_failures_at_the_same_moment_are_all_counted(app, db, hosts):
    counted = []
    for round_ in range(ROUNDS):
        email = f"target{round_}@example.org"  # new keys each round: the insert race too
        now = datetime.now(timezone.utc)
        _at_once(hosts, lambda i: throttle.record_failure(email, "203.0.113.9", now))
        with app.test_request_context():
            keys = throttle.keys_for(email, "203.0.113.9")
        db.session.expire_all()
        rows = db.session.scalars(select(LoginThrottle).where(
            LoginThrottle.key.in_([keys.pair, keys.email]))).all()
        counted.append(sorted(row.failures for row in rows))
    print(f"\n{THREADS} failures at once, {ROUNDS} rounds: counted {counted}")
    assert counted == [[THREADS, THREADS]] * ROUNDS
