"""Coordinators log in with a hashed password; failures are slowed down; logout is a POST."""
from __future__ import annotations

import pytest

from guidematch.models import AuditEvent, User
from guidematch.services.throttle import FREE_PER_PAIR
from tests import factories


def test_login_page_shows_a_labelled_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<label class="form-label" for="email">' in page or 'for="email"' in page
    assert 'for="password"' in page


def test_coordinator_logs_in_and_reaches_the_dashboard(client, auth, coordinator, db):
    response = auth.login()
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Tromsø" in page
    assert db.session.query(AuditEvent).filter_by(action="login", user_id=coordinator.id).count() == 1


def test_password_is_stored_hashed(coordinator):
    assert factories.PASSWORD not in coordinator.password_hash
    assert coordinator.check_password(factories.PASSWORD)


@pytest.mark.parametrize(("email", "password"), [
    ("coordinator@example.org", "wrong password"),
    ("nobody@example.org", factories.PASSWORD),
])
def test_wrong_credentials_get_the_same_answer(client, auth, coordinator, email, password):
    response = auth.login(email, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Feil e-post eller passord" in page or "Wrong email or password" in page
    assert f'value="{email}"' in page  # what was typed is kept
    assert client.get("/").status_code == 302  # still logged out


def test_repeated_failures_make_the_next_try_from_there_wait(auth, coordinator, db):
    for _ in range(FREE_PER_PAIR):
        auth.login(password="wrong password")
    response = auth.login()  # right password, but too soon after the failures
    assert response.status_code == 200
    assert "Try again in" in response.get_data(as_text=True) or "igjen om" in response.get_data(
        as_text=True)


def test_logout_needs_a_post(client, logged_in):
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_open_redirect_after_login_is_refused(client, coordinator):
    response = client.post("/login?next=//evil.example/", data={
        "email": "coordinator@example.org", "password": factories.PASSWORD})
    assert response.location == "/"


def test_create_user_command_makes_a_coordinator(runner, branch, db):
    result = runner.invoke(args=["create-user", "--email", "Ny@Example.org", "--name", "Ny",
                                 "--branch", branch.slug, "--password", "long enough secret"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="ny@example.org").one()
    assert user.branch_id == branch.id and user.check_password("long enough secret")


def test_create_user_command_refuses_a_short_password(runner, branch, db):
    result = runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A",
                                 "--branch", branch.slug, "--password", "short"])
    assert result.exit_code != 0 and "minst 10 tegn" in result.output
    assert db.session.query(User).count() == 0


def test_csrf_is_enforced_on_login(database_url):
    from guidematch import create_app
    from tests.conftest import _test_config

    app = create_app({**_test_config(database_url), "WTF_CSRF_ENABLED": True})
    response = app.test_client().post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_set_password_command_gives_a_new_password_and_lifts_the_lock(runner, auth, coordinator, db):
    for _ in range(6):
        auth.login(password="wrong password")
    result = runner.invoke(args=["set-password", coordinator.email, "--password", "a brand new password"])
    assert result.exit_code == 0, result.output
    assert auth.login(password="a brand new password").status_code == 302
