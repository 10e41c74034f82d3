"""A coordinator opens the site in a browser, logs in, and finds their branch."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import factories


def test_coordinator_logs_in_with_the_keyboard(app, live_server, page, screenshot, coordinator):
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/login")
    screenshot("login")
    page.get_by_label("E-post").fill("coordinator@example.org")
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tromsø"
    screenshot("dashboard")


def test_wrong_password_is_explained_next_to_the_field(app, live_server, page, coordinator):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-post").fill("coordinator@example.org")
    page.get_by_label("Passord").fill("not the password")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert page.get_by_label("E-post").input_value() == "coordinator@example.org"


def test_the_layout_works_on_a_phone(app, live_server, browser, coordinator):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nb-NO")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the login page scrolls sideways on a phone"
    context.close()
