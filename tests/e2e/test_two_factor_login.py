"""In a real browser: a coordinator turns on two-factor login, logs in with a code, and resets a
forgotten password from the emailed link (read from an SMTP server on 127.0.0.1)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from playwright.sync_api import expect

from guidematch.services import outbox as outbox_service
from tests import factories
from tests.smtp import links_in, mail_config, smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    return {**app_config, **mail_config(smtp_server.port), "SERVER_NAME": None}


def _log_in(page, base: str, password: str = factories.PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-post").fill("coordinator@example.org")
    page.get_by_label("Passord", exact=True).fill(password)
    page.get_by_role("button", name="Logg inn").click()


def test_two_factor_set_up_and_login(app, live_server, page, screenshot, coordinator):
    _log_in(page, live_server)
    page.wait_for_url(f"{live_server}/")
    page.get_by_role("link", name="Test Coordinator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontoen din")
    page.get_by_role("link", name="Sett opp tofaktorinnlogging").click()
    expect(page.get_by_role("img", name="QR-kode for autentiseringsappen")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    screenshot("setup")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Kode fra appen").fill(totp.now())
    page.get_by_role("button", name="Slå på tofaktorinnlogging").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reservekodene dine")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    screenshot("recovery-codes")
    page.get_by_role("link", name="Jeg har lagret kodene, fortsett").click()
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()

    _log_in(page, live_server)
    page.wait_for_url(f"{live_server}/login/code")
    screenshot("code")
    # the next step: this one is used
    page.get_by_label("Kode").fill(totp.at(datetime.now(timezone.utc) + timedelta(seconds=30)))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tromsø"


def test_a_forgotten_password_is_reset_from_the_email(app, live_server, page, screenshot,
                                                      coordinator, smtp_server):  # noqa: F811
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Glemt passordet?").click()
    page.get_by_label("E-post").fill("coordinator@example.org")
    page.get_by_role("button", name="Send meg en lenke").click()
    expect(page.get_by_text("er en lenke for å lage nytt passord på vei")).to_be_visible()
    with app.app_context():
        outbox_service.deliver()
    [message] = smtp_server.to("coordinator@example.org")
    [link] = [url for url in links_in(message) if "/login/reset/" in url]
    page.goto(link)
    page.get_by_label("Nytt passord", exact=True).fill("a brand new password")
    page.get_by_label("Nytt passord en gang til").fill("a brand new password")
    screenshot("reset")
    page.get_by_role("button", name="Lagre det nye passordet").click()
    expect(page.get_by_text("Det nye passordet er lagret.")).to_be_visible()
    _log_in(page, live_server, "a brand new password")
    page.wait_for_url(f"{live_server}/")
    page.goto(link)  # the link is used up
    expect(page.get_by_role("heading", level=1)).to_have_text("Denne lenken virker ikke")
