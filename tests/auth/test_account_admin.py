"""Admins deactivate and re-activate accounts; a deactivated coordinator cannot log in."""
from __future__ import annotations

import pytest

from guidematch.models import AuditEvent, User
from guidematch.vocabulary import Role
from tests import factories
from tests.auth.conftest import USUAL, login_from


@pytest.fixture
def admin(db):
    return factories.make_user(email="admin@example.org", role=Role.ADMIN, name="Ada Admin")


@pytest.fixture
def admin_client(app, admin):
    browser = app.test_client()
    assert login_from(browser, USUAL, admin.email).status_code == 302
    return browser


def _set_active(browser, user, value):
    return browser.post("/admin/users/active", data={"record": user.id, "value": value},
                        follow_redirects=True)


def test_the_admin_page_lists_full_names_and_account_states(admin_client, coordinator):
    page = admin_client.get("/admin").get_data(as_text=True)
    assert "Test Coordinator" in page and "Aktiv" in page and "Deaktiver" in page


def test_a_deactivated_coordinator_cannot_log_in_until_re_activated(app, admin_client,
                                                                    coordinator, db):
    page = _set_active(admin_client, coordinator, "off").get_data(as_text=True)
    assert "Test Coordinator er deaktivert og logget ut." in page
    db.session.expire_all()
    assert not db.session.get(User, coordinator.id).is_active_account
    browser = app.test_client()
    assert login_from(browser, USUAL).status_code == 200
    page = _set_active(admin_client, coordinator, "on").get_data(as_text=True)
    assert "Test Coordinator kan logge inn igjen." in page
    assert login_from(browser, USUAL).status_code == 302
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "user_deactivated" in actions and "user_activated" in actions


def test_an_admin_cannot_deactivate_themselves(admin_client, admin, db):
    page = _set_active(admin_client, admin, "off").get_data(as_text=True)
    assert "Du kan ikke deaktivere din egen konto." in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active_account


def test_a_coordinator_cannot_deactivate_anyone(client, logged_in, admin, db):
    assert client.post("/admin/users/active",
                       data={"record": admin.id, "value": "off"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active_account


@pytest.mark.parametrize("data", [{}, {"record": "x", "value": "off"},
                                  {"record": "1", "value": "maybe"},
                                  {"record": str(2**70), "value": "off"}])
def test_a_malformed_action_is_refused_without_error(admin_client, data):
    response = admin_client.post("/admin/users/active", data=data)
    assert response.status_code in (400, 404)


def test_an_unknown_account_is_404(admin_client):
    assert admin_client.post("/admin/users/active",
                             data={"record": 999, "value": "off"}).status_code == 404


def test_deactivated_coordinators_get_no_branch_mail(admin_client, coordinator):
    from guidematch.services import notify

    _set_active(admin_client, coordinator, "off")
    assert notify.coordinators(coordinator.branch_id) == []
