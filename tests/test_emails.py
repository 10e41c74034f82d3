"""The email rule's fast lane says what email-validator says, for every address tried."""
from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guidematch import emails


def by_the_library(raw: str) -> str | None:
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def by_the_rule(raw: str) -> str | None:
    try:
        return emails.normalise(raw)
    except emails.InvalidEmail:
        return None


ATEXT = "abcxyzABCXYZ0189!#$%&'*+/=?^_`{|}~-."
HOST = "abcxyzABC019-."
local_parts = st.text(alphabet=ATEXT + ' "(),:;<>[\\]@é', min_size=0, max_size=70)
hosts = st.lists(st.text(alphabet=HOST, min_size=0, max_size=20), min_size=1, max_size=4).map(".".join)
tlds = st.sampled_from(["org", "no", "COM", "x", "museum", "123", "local", "test", "localhost",
                        "invalid", "onion", "arpa", "xn--p1ai", "a1", "co"])


@settings(max_examples=2000, deadline=None)
@given(local=local_parts, host=hosts, tld=tlds)
@example(local="guide1", host="example", tld="org")
@example(local="a" * 65, host="example", tld="org")
@example(local="a..b", host="example", tld="org")
@example(local="kari", host="my.test", tld="local")
@example(local="x", host="a-", tld="com")
@example(local="x", host="xn--zz", tld="com")
@example(local="x", host="b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 50, tld="no")
def test_the_rule_and_email_validator_agree(local, host, tld):
    raw = f"{local}@{host}.{tld}"
    assert by_the_rule(raw) == by_the_library(raw)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_they_agree_on_any_text(raw):
    assert by_the_rule(raw) == by_the_library(raw)


@pytest.mark.parametrize("raw", ["Kari.Nordmann@Example.ORG", "ole+guide@tromso.no"])
def test_common_addresses_take_the_fast_lane_and_come_out_lowercase(raw, monkeypatch):
    monkeypatch.setattr(emails, "validate_email", None)  # the library is not called at all
    assert emails.normalise(raw) == raw.lower()


@pytest.mark.parametrize("raw", ["", "kari", "kari@", "kari@localhost", "kari@tromso", "kari@@x.no"])
def test_not_addresses(raw):
    with pytest.raises(emails.InvalidEmail):
        emails.normalise(raw)
