"""Sign-up rate limits fit a class registering together and still stop a flood.

Accepted sign-ups count toward SIGNUP_RATE_LIMIT (60 an hour per address by
default); refused forms count only toward SIGNUP_ATTEMPT_RATE_LIMIT (every post).
A breached limit answers 429 with the form as it was typed.
"""
from __future__ import annotations

import pytest

from guidematch.extensions import limiter
from guidematch.models import Guide, Refugee
from tests.conftest import _test_config
from tests.signup.conftest import guide_form, refugee_form

SMALL = {"SIGNUP_RATE_LIMIT": "3 per hour", "SIGNUP_ATTEMPT_RATE_LIMIT": "8 per minute"}


@pytest.fixture
def app_config(database_url) -> dict:
    """The production limits (the defaults), turned on, counted in memory."""
    return {**_test_config(database_url), "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture(autouse=True)
def fresh_counts(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def small_limits(app):
    """The same app with tiny limits, so that a few posts reach them."""
    saved = {key: app.config[key] for key in SMALL}
    app.config.update(SMALL)
    yield
    app.config.update(saved)


def test_a_class_of_thirty_registers_from_one_address_within_the_hour(client, db, branch):
    codes = []
    for i in range(30):
        if i % 2:
            data = refugee_form(email=f"student{i}@example.org", first_name=f"Student{i}")
            codes.append(client.post("/signup/refugee", data=data).status_code)
        else:
            data = guide_form(email=f"student{i}@example.org", first_name=f"Student{i}")
            codes.append(client.post("/signup/guide", data=data).status_code)
    assert codes == [302] * 30
    assert db.session.query(Guide).count() + db.session.query(Refugee).count() == 30


def test_refused_forms_do_not_count_toward_the_sign_up_limit(client, db, branch, small_limits):
    refused = [client.post("/signup/guide", data=guide_form(email="not-an-email")).status_code
               for _ in range(4)]
    assert refused == [200] * 4  # the form again, with the error
    accepted = [client.post("/signup/guide", data=guide_form(email=f"k{i}@example.org")).status_code
                for i in range(3)]
    assert accepted == [302] * 3
    assert db.session.query(Guide).count() == 3


def test_past_the_limit_the_form_comes_back_with_what_was_typed(client, db, branch, small_limits):
    for i in range(3):
        assert client.post("/signup/refugee",
                           data=refugee_form(email=f"p{i}@example.org")).status_code == 302
    typed = refugee_form(email="late@example.org", first_name="Yusra", occupation="Pharmacist")
    response = client.post("/signup/refugee", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 'value="Yusra"' in page and 'value="late@example.org"' in page
    assert "Pharmacist" in page
    assert "please wait" in page.lower() or "vent" in page.lower()
    assert db.session.query(Refugee).filter_by(first_name="Yusra").count() == 0
    assert client.get("/signup/refugee").status_code == 200  # reading the form is never limited


def test_a_flood_of_refused_forms_is_stopped_and_keeps_what_was_typed(client, db, branch,
                                                                     small_limits):
    codes = [client.post("/signup/guide", data=guide_form(email="bad", first_name="Flood")).status_code
             for _ in range(9)]
    assert codes == [200] * 8 + [429]
    last = client.post("/signup/guide", data=guide_form(email="bad", first_name="Flood"))
    assert last.status_code == 429 and 'value="Flood"' in last.get_data(as_text=True)
    assert db.session.query(Guide).count() == 0
