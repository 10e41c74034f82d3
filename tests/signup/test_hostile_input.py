"""Bad or hostile posts get the form again with errors (or a 4xx), never a 500, and write nothing."""
from __future__ import annotations

import re

import pytest

from guidematch import create_app
from guidematch.models import AuditEvent, Consent, Guide, OutboxMessage, Refugee
from guidematch.services import clock
from tests.conftest import _test_config
from tests.signup.conftest import guide_form, refugee_form

HOSTILE = [
    ("email", "not-an-email"),
    ("email", "kari@example.org\r\nBcc: victim@example.org"),
    ("first_name", "K" * 10_000),
    ("first_name", "<script>alert('x')</script>"),
    ("last_name", "Nord\x00mann"),
    ("occupation", "<img src=x onerror=alert(1)>"),
    ("phone", "call me maybe"),
    ("gender", "robot"),
    ("gender_preference", ""),
    ("birth_year", "19x5"),
    ("birth_year", "1850"),
    ("languages", ["xx"]),
    ("languages", []),
    ("interests", ["hiking", "<b>"]),
    ("availability", ["mon_night"]),
    ("family_situation", "polycule"),
    ("education_level", "phd" * 100),
    ("lat", "north"),
    ("lon", "999"),
    ("locale", "de"),
    ("consent", None),
    ("commitment", None),
    ("capacity", "lots"),
    ("capacity", "99"),
    ("motivation", "x" * 2001),
]


def nothing_written(db) -> bool:
    return all(db.session.query(model).count() == 0
               for model in (Guide, Refugee, OutboxMessage, Consent, AuditEvent))


@pytest.mark.parametrize(("field", "value"), HOSTILE)
def test_guide_form_refuses_and_keeps_what_was_typed(client, db, branch, field, value):
    data = guide_form(**{field: value})
    response = client.post("/signup/guide", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="invalid-feedback' in page
    assert "<script>alert" not in page and "<img src=x" not in page  # shown escaped, never run
    if field == "occupation":
        assert "&lt;img src=x" in page  # what was typed is kept
    assert nothing_written(db)


# The refugee form shares the guide form's fields and checks; these are its own, and a sample.
@pytest.mark.parametrize(("field", "value"), HOSTILE[:4] + [("consent", None), ("country_of_origin", "XX"),
                                                            ("norwegian_level", "fluent"),
                                                            ("pets_ok", "maybe")])
def test_refugee_form_refuses(client, db, branch, field, value):
    data = refugee_form(**{field: value})
    response = client.post("/signup/refugee", data=data)
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert nothing_written(db)


@pytest.mark.parametrize(("field", "value"), [("caseworker_email", "nope"), ("caseworker_name", ""),
                                              ("caseworker_name", "x" * 10_000), ("email", "bad@")])
def test_referral_form_refuses(client, db, branch, field, value):
    data = refugee_form(caseworker_name="Siri", caseworker_email="siri@kommune.example")
    data[field] = value
    response = client.post(f"/referral/{branch.referral_token}", data=data)
    assert response.status_code == 200
    assert nothing_written(db)


def test_a_guide_must_be_an_adult(client, db, branch):
    response = client.post("/signup/guide", data=guide_form(birth_year=str(clock.today().year - 16)))
    assert response.status_code == 200
    assert "18" in response.get_data(as_text=True)
    assert nothing_written(db)


def test_the_honeypot_gets_the_thank_you_page_and_nothing_is_saved(client, db, branch):
    response = client.post("/signup/guide", data=guide_form(website="http://spam.example"))
    assert response.status_code == 302 and "/signup/thanks" in response.location
    assert nothing_written(db)


def test_a_huge_post_is_refused(client, db, branch):
    response = client.post("/signup/guide", data=guide_form(motivation="x" * (6 * 1024 * 1024)))
    assert response.status_code == 413
    assert nothing_written(db)


@pytest.fixture
def strict_app(database_url, db):
    """The app as in production: CSRF checked, rate limits on."""
    return create_app({**_test_config(database_url), "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True,
                       "SIGNUP_RATE_LIMIT": "3 per minute",
                       "RATELIMIT_STORAGE_URI": "memory://"})


def test_a_wrong_csrf_token_is_refused(strict_app, db, branch):
    client = strict_app.test_client()
    for token in (None, "forged-token"):
        data = guide_form()
        if token:
            data["csrf_token"] = token
        response = client.post("/signup/guide", data=data)
        assert response.status_code == 400
        assert "Traceback" not in response.get_data(as_text=True)
    assert nothing_written(db)


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_real_browser_post_with_its_token_works(strict_app, db, branch):
    client = strict_app.test_client()
    data = {**guide_form(), "csrf_token": csrf_token(client, "/signup/guide")}
    assert client.post("/signup/guide", data=data).status_code == 302
    assert db.session.query(Guide).count() == 1


def test_public_forms_are_rate_limited(strict_app, db, branch):
    client = strict_app.test_client()
    token = csrf_token(client, "/signup/refugee")
    codes = [client.post("/signup/refugee", data={**refugee_form(email=f"p{i}@example.org"),
                                                  "csrf_token": token}).status_code
             for i in range(4)]
    assert codes == [302, 302, 302, 429]
    assert db.session.query(Refugee).count() == 3
    assert client.get("/signup/refugee").status_code == 200  # reading the form is never limited
