"""Confirmation links carry an id and a keyed fingerprint of the address, never the address."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidematch import create_app, errors, links
from guidematch.services import signup
from guidematch.vocabulary import GuideStatus
from tests import factories
from tests.conftest import _test_config
from tests.privacy.test_no_personal_data_in_logs import payload_of


@pytest.fixture
def unconfirmed(db, branch):
    return factories.make_guide(branch, status=GuideStatus.UNCONFIRMED, email="Kari.N@example.org")


def test_the_link_carries_the_id_and_a_fingerprint_only(app, unconfirmed):
    token = signup.confirmation_token(unconfirmed, "guide")
    payload = payload_of(token)
    assert "@" not in payload and "kari" not in payload.lower()
    assert signup.load_confirmation(token) == ("guide", unconfirmed)


def test_a_changed_address_makes_the_link_worthless(app, db, unconfirmed):
    token = signup.confirmation_token(unconfirmed, "guide")
    unconfirmed.email = "someone.else@example.org"
    db.session.commit()
    with pytest.raises(links.LinkError):
        signup.load_confirmation(token)


def test_the_same_address_in_other_letters_is_the_same_address(app, db, unconfirmed):
    token = signup.confirmation_token(unconfirmed, "guide")
    unconfirmed.email = "kari.n@EXAMPLE.org"
    db.session.commit()
    assert signup.load_confirmation(token)[1] == unconfirmed


def test_a_link_sent_before_the_change_works_until_it_expires(app, db, unconfirmed, monkeypatch):
    # Links mailed by the previous version carried the address; they are honoured, never made.
    old = links.sign(signup.CONFIRM_PURPOSE, kind="guide", id=unconfirmed.id,
                     email=unconfirmed.email)
    assert signup.load_confirmation(old)[1] == unconfirmed
    unconfirmed.email = "new@example.org"
    db.session.commit()
    with pytest.raises(links.LinkError):
        signup.load_confirmation(old)


def test_an_old_link_expires_after_the_confirmation_days(app, db, unconfirmed, monkeypatch):
    old = links.sign(signup.CONFIRM_PURPOSE, kind="guide", id=unconfirmed.id,
                     email=unconfirmed.email)
    monkeypatch.setattr(signup, "CONFIRM_MAX_AGE", timedelta(seconds=-1))
    with pytest.raises(links.LinkExpired):
        signup.load_confirmation(old)


FINGERPRINTS = create_app({"TESTING": True, "SECRET_KEY": "k",
                           "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@settings(max_examples=100, deadline=None)
@given(address=st.emails())
def test_a_fingerprint_is_short_hex_and_tells_addresses_apart(address):
    with FINGERPRINTS.app_context():
        mark = links.fingerprint("confirm-email", address)
        assert re.fullmatch("[0-9a-f]{16}", mark)
        assert mark == links.fingerprint("confirm-email", address.upper())
        assert mark != links.fingerprint("confirm-email", "x" + address)
        assert mark != links.fingerprint("another-purpose", address)


def test_an_unhandled_error_is_logged_without_its_message(database_url, caplog):
    app = create_app(_test_config(database_url))

    detail = "Key (email)=(kari@example.org) already exists"  # as PostgreSQL words it

    @app.route("/boom")
    def boom():
        raise ValueError(detail)

    caplog.set_level(logging.ERROR)
    with pytest.raises(ValueError):
        app.test_client().get("/boom")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Unhandled error on GET /boom" in logged and "builtins.ValueError" in logged
    assert "kari@example.org" not in logged
    assert "kari" not in errors.scrubbed_traceback(ValueError("kari@example.org"))
