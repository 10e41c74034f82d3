"""A coordinator who forgot the password gets a signed, expiring, single-use link by email."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from guidematch.models import OutboxMessage, User
from guidematch.services import outbox
from tests import factories
from tests.auth.conftest import USUAL, login_from
from tests.smtp import links_in, mail_config

NEW = "a brand new password"


def _reset_mails(db) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == "password_reset").order_by(OutboxMessage.id)).all()


def _link_path(message: OutboxMessage) -> str:
    url = re.search(r"https?://\S+/login/reset/\S+", message.body_text).group(0)
    return url.split("localhost", 1)[1]


def _ask(client, email: str):
    return client.post("/login/forgot", data={"email": email}, follow_redirects=True)


def _set(client, path: str, password: str = NEW, again: str | None = None):
    return client.post(path, data={"password": password, "password_again": again or password})


def _same_page(html: str, email: str) -> str:
    """The page with the address typed and the CSRF tokens (signed with the second they
    were made, so two requests a second apart differ) put aside."""
    return re.sub(r'name="csrf_token"[^>]*>|content="[\w.-]{40,}"', "TOKEN",
                  html.replace(email, "EMAIL"))


def test_the_answer_is_the_same_for_a_known_and_an_unknown_email(client, db, coordinator):
    known = _ask(client, coordinator.email).get_data(as_text=True)
    unknown = _ask(client, "nobody@example.org").get_data(as_text=True)
    assert _same_page(known, coordinator.email) == _same_page(unknown, "nobody@example.org")
    assert "er en lenke for å lage nytt passord på vei" in known
    mails = _reset_mails(db)
    assert [m.to_address for m in mails] == [coordinator.email]
    # Not in the branch's outbox page, which the branch's other coordinators read.
    assert mails[0].branch_id is None


def test_the_link_sets_a_new_password_once(client, db, coordinator):
    _ask(client, coordinator.email)
    path = _link_path(_reset_mails(db)[0])
    assert coordinator.email not in path
    assert client.get(path).status_code == 200
    response = _set(client, path)
    assert response.status_code == 302 and response.location == "/login"
    assert login_from(client, USUAL, password=NEW).status_code == 302
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 404 and "Denne lenken virker ikke" in again.get_data(as_text=True)
    assert _set(client, path, "yet another password").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).check_password(NEW)


def test_the_link_expires_after_an_hour(travel, client, db, coordinator):
    _ask(client, coordinator.email)
    path = _link_path(_reset_mails(db)[0])
    travel.shift(timedelta(minutes=59))
    assert client.get(path).status_code == 200
    travel.shift(timedelta(minutes=2))
    assert client.get(path).status_code == 404
    assert _set(client, path).status_code == 404


def test_the_link_dies_when_the_password_is_changed_otherwise(runner, client, db, coordinator):
    _ask(client, coordinator.email)
    path = _link_path(_reset_mails(db)[0])
    runner.invoke(args=["set-password", coordinator.email, "--password", "changed by an admin"])
    assert client.get(path).status_code == 404


def test_a_tampered_link_does_not_work(client, db, coordinator):
    _ask(client, coordinator.email)
    path = _link_path(_reset_mails(db)[0])
    assert client.get(path[:-3] + "abc").status_code == 404
    # a control character in a URL part is refused by the input layer before any view
    assert client.get("/login/reset/%00").status_code == 400


def test_a_deactivated_account_gets_no_link(client, db, coordinator):
    coordinator.is_active_account = False
    db.session.commit()
    _ask(client, coordinator.email)
    assert _reset_mails(db) == []


def test_a_new_password_ends_every_session(app, client, db, coordinator):
    browser = app.test_client()
    login_from(browser, USUAL)
    _ask(client, coordinator.email)
    _set(client, _link_path(_reset_mails(db)[0]))
    assert browser.get("/").status_code == 302


def test_a_short_or_mistyped_password_is_refused_next_to_the_field(client, db, coordinator):
    _ask(client, coordinator.email)
    path = _link_path(_reset_mails(db)[0])
    short = _set(client, path, "short")
    assert short.status_code == 200 and "minst 10 tegn" in short.get_data(as_text=True)
    mistyped = _set(client, path, NEW, NEW + "!")
    assert "De to passordene er ikke like." in mistyped.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).check_password(factories.PASSWORD)
    assert client.get(path).status_code == 200  # still usable: nothing was changed


def test_asking_again_and_again_sends_one_email_in_five_minutes(travel, client, db,
                                                                 coordinator):
    for _ in range(3):
        _ask(client, coordinator.email)
    assert len(_reset_mails(db)) == 1
    travel.shift(timedelta(minutes=6))
    _ask(client, coordinator.email)
    assert len(_reset_mails(db)) == 2


def test_a_bad_email_is_explained_next_to_the_field(client, db):
    response = client.post("/login/forgot", data={"email": "not an email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="not an email"' in page
    assert "Skriv inn en gyldig e-postadresse." in page


@pytest.fixture
def mail_app_config(app_config, smtp_server):
    return {**app_config, **mail_config(smtp_server.port)}


def test_the_link_arrives_by_smtp_and_works(app, db, coordinator, smtp_server, mail_app_config):
    from tests.conftest import _app_for

    mail_app = _app_for(mail_app_config)
    with mail_app.app_context():
        client = mail_app.test_client()
        _ask(client, coordinator.email)
        outbox.deliver()
        [message] = smtp_server.to(coordinator.email)
        [link] = [u for u in links_in(message) if "/login/reset/" in u]
        path = link.split("localhost", 1)[1]
        assert _set(client, path).status_code == 302
        assert login_from(client, USUAL, password=NEW).status_code == 302
