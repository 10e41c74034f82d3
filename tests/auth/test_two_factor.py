"""Optional two-factor login (TOTP with recovery codes), which an admin can require for a branch."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from guidematch.models import AuditEvent, RecoveryCode, User
from guidematch.vocabulary import Role
from tests import factories
from tests.auth.conftest import USUAL, login_from


def _secret_on(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _codes_on(page: str) -> list[str]:
    block = re.search(r'id="recovery-codes">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"<li[^>]*>([a-z2-9-]+)</li>", block)


def _set_up(client) -> tuple[str, list[str]]:
    """Turn two-factor login on from the account page; return the secret and recovery codes."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = _secret_on(page)
    assert 'src="data:image/svg+xml' in page  # the QR code, made here, not by a web service
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    return secret, _codes_on(done.get_data(as_text=True))


@pytest.fixture
def with_two_factor(travel, client, logged_in):
    secret, codes = _set_up(client)
    client.post("/logout")
    return secret, codes


def test_setting_up_shows_the_secret_as_text_and_ten_recovery_codes_once(
        travel, client, logged_in, db):
    secret, codes = _set_up(client)
    assert len(secret) == 32 and len(codes) == 10 and len(set(codes)) == 10
    user = db.session.get(User, logged_in.id)
    assert user.has_two_factor
    stored = " ".join(db.session.scalars(select(RecoveryCode.code_hash)))
    assert not any(code.replace("-", "") in stored for code in codes)  # stored hashed
    page = client.get("/account").get_data(as_text=True)
    assert "Du har 10 reservekoder igjen." in page and codes[0] not in page
    assert db.session.query(AuditEvent).filter_by(action="two_factor_on").count() == 1


def test_a_wrong_first_code_keeps_it_off_and_the_secret_the_same(travel, client, logged_in, db):
    secret = _secret_on(client.get("/account/two-factor").get_data(as_text=True))
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "Koden er ikke riktig." in page
    assert _secret_on(page) == secret  # the entry already made in the app still works
    assert not db.session.get(User, logged_in.id).has_two_factor


def test_login_then_asks_for_the_code_before_letting_in(travel, client, with_two_factor):
    secret, _ = with_two_factor
    response = login_from(client, USUAL)
    assert response.status_code == 302 and response.location == "/login/code"
    assert client.get("/").status_code == 302  # the password alone does not log in
    travel.shift(timedelta(seconds=30))
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200


def test_a_code_works_only_once(travel, app, client, with_two_factor):
    secret, _ = with_two_factor
    travel.shift(timedelta(seconds=30))
    code = pyotp.TOTP(secret).now()
    login_from(client, USUAL)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    other = app.test_client()  # someone who saw the code over the shoulder, and the password
    login_from(other, USUAL)
    refused = other.post("/login/code", data={"code": code})
    assert refused.status_code == 200 and "Koden er ikke riktig." in refused.get_data(as_text=True)


def test_a_recovery_code_works_once(travel, app, client, with_two_factor, db):
    _, codes = with_two_factor
    login_from(client, USUAL)
    assert client.post("/login/code", data={"code": codes[3].upper()}).status_code == 302
    other = app.test_client()
    login_from(other, USUAL)
    assert other.post("/login/code", data={"code": codes[3]}).status_code == 200
    assert other.get("/").status_code == 302
    assert "Du har 9 reservekoder igjen." in client.get("/account").get_data(as_text=True)


def test_wrong_codes_are_throttled_like_wrong_passwords(travel, client, with_two_factor):
    secret, _ = with_two_factor
    travel.shift(timedelta(seconds=30))  # past the set-up's code
    login_from(client, USUAL)
    for _ in range(6):
        client.post("/login/code", data={"code": "123456"})
    page = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).get_data(
        as_text=True)
    assert "Prøv igjen om" in page
    assert client.get("/").status_code == 302


def test_a_half_done_login_expires(travel, client, with_two_factor):
    secret, _ = with_two_factor
    login_from(client, USUAL)
    travel.shift(timedelta(minutes=11))
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/").status_code == 302


def test_the_next_page_is_kept_through_the_second_step(travel, client, with_two_factor):
    secret, _ = with_two_factor
    login_from(client, USUAL, next_url="/guides")
    travel.shift(timedelta(seconds=30))
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.location == "/guides"


def test_turning_it_off_needs_the_password(travel, client, with_two_factor, coordinator, db):
    secret, _ = with_two_factor
    login_from(client, USUAL)
    travel.shift(timedelta(seconds=30))
    client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    client.post("/account/two-factor/off", data={"off-current_password": "wrong"})
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).has_two_factor
    client.post("/account/two-factor/off", data={"off-current_password": factories.PASSWORD})
    db.session.expire_all()
    assert not db.session.get(User, coordinator.id).has_two_factor
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_new_recovery_codes_replace_the_old(travel, client, with_two_factor):
    secret, old = with_two_factor
    login_from(client, USUAL)
    travel.shift(timedelta(seconds=30))
    client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    page = client.post("/account/recovery-codes",
                       data={"codes-current_password": factories.PASSWORD}).get_data(as_text=True)
    new = _codes_on(page)
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    login_from(client, USUAL)
    assert client.post("/login/code", data={"code": old[0]}).status_code == 200
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


@pytest.fixture
def admin_client(app):
    factories.make_user(email="admin@example.org", role=Role.ADMIN, name="Ada Admin")
    browser = app.test_client()
    assert login_from(browser, USUAL, "admin@example.org").status_code == 302
    return browser


def test_a_branch_that_requires_it_leads_its_coordinator_to_set_it_up(
        travel, client, admin_client, coordinator, branch, db):
    response = admin_client.post("/admin/branches/two-factor",
                                 data={"record": branch.id, "value": "on"})
    assert response.status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="branch_two_factor").count() == 1
    response = login_from(client, USUAL)
    assert response.location == "/login/code"
    page = client.get("/login/code").get_data(as_text=True)
    assert "Lokalforeningen din krever tofaktorinnlogging" in page
    assert client.get("/").status_code == 302  # nothing before the set-up
    secret = _secret_on(page)
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and len(_codes_on(done.get_data(as_text=True))) == 10
    assert client.get("/").status_code == 200
    # Required, so it cannot be turned off.
    client.post("/account/two-factor/off", data={"off-current_password": factories.PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).has_two_factor


def test_only_admins_change_a_branchs_rule(client, logged_in, branch, db):
    response = client.post("/admin/branches/two-factor", data={"record": branch.id, "value": "on"})
    assert response.status_code == 404
    db.session.expire_all()
    assert not branch.require_two_factor
