"""Sessions end on the server: logout, a new password and deactivation end copies of the cookie
too; an idle session ends; no page with personal data is cached; production wants a long secret."""
from __future__ import annotations

from datetime import timedelta

import pytest

from guidematch import create_app
from guidematch.config import ConfigError
from guidematch.models import User
from guidematch.vocabulary import Role
from tests import factories
from tests.auth.conftest import USUAL, login_from


def _copy_of_cookie(app, client):
    """A second browser holding a copy of this browser's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value, domain=cookie.domain)
    return other


def test_a_cookie_copied_before_logout_does_not_work_after_it(app, client, logged_in):
    copy = _copy_of_cookie(app, client)
    assert copy.get("/").status_code == 200  # the copy works while the session lasts
    assert client.post("/logout").status_code == 302
    response = copy.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert copy.get("/guides").status_code == 302


def test_a_new_password_ends_the_other_sessions_but_keeps_this_one(app, client, logged_in, db):
    copy = _copy_of_cookie(app, client)
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "password": "a brand new password",
        "password_again": "a brand new password"})
    assert response.status_code == 302 and response.location == "/account"
    assert "Du er logget ut alle andre steder" in client.get("/account").get_data(as_text=True)
    assert copy.get("/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, logged_in.id).check_password("a brand new password")


def test_a_wrong_current_password_changes_nothing(client, logged_in, db):
    response = client.post("/account/password", data={
        "current_password": "not it", "password": "a brand new password",
        "password_again": "a brand new password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dette er ikke passordet ditt." in page
    db.session.expire_all()
    assert db.session.get(User, logged_in.id).check_password(factories.PASSWORD)


def test_deactivation_ends_the_coordinators_open_session(app, coordinator, db):
    coordinator_browser = app.test_client()
    login_from(coordinator_browser, USUAL)
    assert coordinator_browser.get("/").status_code == 200
    factories.make_user(email="admin@example.org", role=Role.ADMIN)
    admin = app.test_client()
    login_from(admin, USUAL, "admin@example.org")
    response = admin.post("/admin/users/active", data={"record": coordinator.id, "value": "off"})
    assert response.status_code == 302
    assert coordinator_browser.get("/").status_code == 302
    assert login_from(coordinator_browser, USUAL).status_code == 200  # cannot log in again


def test_an_idle_session_ends_after_two_hours(travel, client, logged_in):
    travel.shift(timedelta(hours=1, minutes=59))
    assert client.get("/").status_code == 200  # in use: the two hours start again
    travel.shift(timedelta(hours=1, minutes=59))
    assert client.get("/guides").status_code == 200
    travel.shift(timedelta(hours=2, seconds=1))
    response = client.get("/guides")
    assert response.status_code == 302 and response.location.startswith("/login")
    page = client.get(response.location).get_data(as_text=True)
    assert "Du ble logget ut etter 2 timer uten aktivitet." in page


def test_the_idle_timeout_is_a_setting(monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "30")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SESSION_IDLE_MINUTES"] == 30
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "soon")
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_idle_timeout_default_is_two_hours(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 120


@pytest.mark.parametrize("secret", ["x", "a" * 31, "ø" * 15])  # "ø" is 2 bytes: 30 bytes
def test_production_refuses_a_secret_key_shorter_than_32_bytes(monkeypatch, secret):
    monkeypatch.setenv("GUIDEMATCH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="at least 32") as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "secrets.token_hex(32)" in str(refused.value)  # says how to make a good one


def test_production_starts_with_a_32_byte_secret(monkeypatch):
    monkeypatch.setenv("GUIDEMATCH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SESSION_COOKIE_SECURE"]


def test_development_still_starts_with_a_short_secret(monkeypatch):
    monkeypatch.delenv("GUIDEMATCH_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "dev")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] == "dev"
