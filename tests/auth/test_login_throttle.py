"""A login neither tells who has an account nor locks the real coordinator out.

Failed tries are counted per (email, address), per address and per email, each
with exponential back-off (services/throttle.py); a wait is never a lock.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from guidematch.models import LoginThrottle, User
from guidematch.services import clock, passwords, throttle
from tests import factories
from tests.auth.conftest import ATTACKER, USUAL, login_from


@pytest.fixture
def hash_checks(monkeypatch):
    """Count the password hash checks (the slow part of a login)."""
    calls = []
    real = passwords.matches

    def counting(password_hash, password):
        calls.append(password_hash)
        return real(password_hash, password)
    monkeypatch.setattr(passwords, "matches", counting)
    return calls


@pytest.mark.parametrize(("email", "password"), [
    ("coordinator@example.org", factories.PASSWORD),   # right
    ("coordinator@example.org", "wrong password"),     # known email, wrong password
    ("nobody@example.org", "wrong password"),          # unknown email
    ("Nobody@Example.org", factories.PASSWORD),        # unknown email, a real password
])
def test_every_login_checks_exactly_one_password_hash(client, coordinator, hash_checks, email,
                                                      password):
    login_from(client, USUAL, email, password)
    assert len(hash_checks) == 1


def test_an_unknown_email_is_checked_against_a_hash_of_todays_kind(client, coordinator,
                                                                   hash_checks):
    login_from(client, USUAL, "nobody@example.org", "a guess")
    # The dummy is made like a real password's hash (same method and cost), not a cheap stand-in.
    assert hash_checks[0].split("$")[0] == passwords.make_hash("x").split("$")[0]


def test_a_deactivated_account_answers_like_a_wrong_password(client, db, coordinator,
                                                             hash_checks):
    coordinator.is_active_account = False
    db.session.commit()
    page = login_from(client, USUAL).get_data(as_text=True)
    assert len(hash_checks) == 1
    assert "Feil e-post eller passord" in page
    assert client.get("/").status_code == 302


def test_after_the_free_tries_the_next_one_waits_and_then_the_right_password_works(
        client, coordinator, travel):
    for _ in range(throttle.FREE_PER_PAIR):
        login_from(client, USUAL, password="wrong password")
    page = login_from(client, USUAL).get_data(as_text=True)
    assert "For mange mislykkede forsøk. Prøv igjen om 2 sekunder." in page
    assert client.get("/").status_code == 302  # not logged in
    travel.shift(timedelta(seconds=2))
    response = login_from(client, USUAL)
    assert response.status_code == 302 and response.location == "/"


def test_tries_refused_while_waiting_are_not_counted(client, db, coordinator, travel):
    # The fault: one try every 15 minutes kept the account locked for good.
    for _ in range(throttle.FREE_PER_PAIR + 3):
        login_from(client, USUAL, password="wrong password")
        travel.shift(timedelta(minutes=1))
    login_from(client, USUAL, password="wrong password")  # counted: the last wait was over
    counts_before = _counts(db)
    assert set(counts_before.values()) == {throttle.FREE_PER_PAIR + 4}
    for _ in range(30):
        login_from(client, USUAL, password="wrong password")  # all during a wait
    assert _counts(db) == counts_before


def test_an_attacker_elsewhere_does_not_lock_out_the_coordinator(client, db, coordinator, travel):
    assert login_from(client, USUAL).status_code == 302  # the office: a usual address from now
    client.post("/logout")
    # A long guessing run from elsewhere, one try whenever the wait allows (so every one counts).
    for _ in range(40):
        login_from(client, ATTACKER, password="guess")
        travel.shift(throttle.MAX_WAIT)
    refused = login_from(client, ATTACKER, password="guess")
    travel.shift(timedelta(seconds=1))
    attacker_right = login_from(client, ATTACKER)  # even the right password must wait there
    assert "Prøv igjen om" in attacker_right.get_data(as_text=True)
    assert refused.status_code == 200
    response = login_from(client, USUAL)  # the coordinator, at once, from the office
    assert response.status_code == 302 and response.location == "/"


def test_guessing_from_many_addresses_slows_the_email_but_not_the_usual_address(
        client, db, coordinator, travel):
    assert login_from(client, USUAL).status_code == 302
    client.post("/logout")
    for n in range(throttle.FREE_PER_EMAIL):  # one try from each of 100 addresses
        throttle.record_failure(coordinator.email, f"10.0.{n // 250}.{n % 250}", clock.now())
    db.session.commit()
    new_address = login_from(client, "192.0.2.200", password="guess")
    assert "Prøv igjen om" in new_address.get_data(as_text=True)
    assert login_from(client, USUAL).status_code == 302


def test_one_address_guessing_many_emails_is_slowed(client, db, coordinator, travel):
    for n in range(throttle.FREE_PER_ADDRESS):
        login_from(client, ATTACKER, f"guess{n}@example.org", "guess")
        travel.shift(timedelta(seconds=1))
    page = login_from(client, ATTACKER, "another@example.org", "guess").get_data(as_text=True)
    assert "Prøv igjen om" in page
    # The same wait for an email that exists: the answer tells nothing about accounts.
    assert "Prøv igjen om" in login_from(client, ATTACKER, password="guess").get_data(as_text=True)


def test_ipv6_addresses_count_by_their_64_network():
    assert throttle.network_of("2001:db8:1:2::5") == throttle.network_of("2001:db8:1:2:ffff::9")
    assert throttle.network_of("2001:db8:1:2::5") != throttle.network_of("2001:db8:1:3::5")
    assert throttle.network_of("::ffff:192.0.2.1") == "192.0.2.1"


def test_the_counts_hold_no_email_and_no_address(client, db, coordinator):
    login_from(client, ATTACKER, password="wrong password")
    rows = db.session.scalars(select(LoginThrottle)).all()
    assert len(rows) == 3
    stored = " ".join(f"{r.key} {r.account_key}" for r in rows)
    assert "coordinator" not in stored and ATTACKER not in stored and "example" not in stored


def test_a_new_password_lifts_the_waits(runner, client, db, coordinator):
    for _ in range(throttle.FREE_PER_PAIR + 1):
        login_from(client, USUAL, password="wrong password")
    result = runner.invoke(args=["set-password", coordinator.email, "--password",
                                 "a brand new password"])
    assert result.exit_code == 0, result.output
    assert login_from(client, USUAL, password="a brand new password").status_code == 302
    assert db.session.get(User, coordinator.id).session_version == 2


@given(free=st.integers(0, 200), failures=st.integers(0, 10_000))
def test_the_wait_grows_stepwise_and_never_passes_the_cap(free, failures):
    wait = throttle.wait_after(failures, free)
    assert timedelta(0) <= wait <= throttle.MAX_WAIT
    assert (wait == timedelta(0)) == (failures < free)
    assert throttle.wait_after(failures + 1, free) >= wait
    if failures >= free:
        assert throttle.wait_after(failures + 1, free) in (2 * wait, throttle.MAX_WAIT)


def test_the_counts_are_forgotten_a_day_after_the_last_failure(client, coordinator, travel):
    for _ in range(throttle.FREE_PER_PAIR + 8):
        login_from(client, USUAL, password="wrong password")
        travel.shift(throttle.MAX_WAIT)
    travel.shift(throttle.FORGET_AFTER)
    login_from(client, USUAL, password="wrong password")  # counts as the first again
    assert login_from(client, USUAL).status_code == 302


def _counts(db) -> dict[str, int]:
    db.session.expire_all()
    return {row.key: row.failures for row in db.session.scalars(select(LoginThrottle))}
