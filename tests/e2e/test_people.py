"""A coordinator adds a guide in the browser, finds them in the list and corrects a field."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import factories


def log_in(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-post").fill("coordinator@example.org")
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")


def test_a_guide_is_added_found_and_corrected(app, live_server, page, screenshot, coordinator):
    log_in(page, live_server)
    page.goto(f"{live_server}/guides/new")
    page.get_by_label("Fornavn").fill("Øystein")
    page.get_by_label("Etternavn").fill("Søreide")
    page.get_by_label("Kjønn", exact=True).select_option("male")
    page.get_by_label("Fødselsår").fill("1975")
    page.get_by_label("norsk bokmål").check()
    page.get_by_label("Fiske").check()
    page.get_by_label("Mandag kveld").check()
    page.get_by_label("Lørdag dagtid").check()
    page.get_by_label("Fødselsår").fill("2020")  # too young: the form says so and keeps the rest
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()  # waits: a click does not
    assert page.get_by_label("Fornavn").input_value() == "Øystein"
    assert page.get_by_label("Mandag kveld").is_checked()
    screenshot("error")
    page.get_by_label("Fødselsår").fill("1975")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"{live_server}/guides/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Øystein Søreide"
    screenshot("detail")

    page.goto(f"{live_server}/guides")
    page.get_by_label("Søk").fill("øystein")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Søreide, Øystein").click()
    page.get_by_role("link", name="Endre").click()
    page.get_by_label("Yrke").fill("sveiser")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("sveiser", exact=True)).to_be_visible()


def test_the_lists_work_on_a_phone(app, live_server, browser, coordinator):
    for n in range(3):
        factories.make_refugee(coordinator.branch, first_name=f"Amal{n}")
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/refugees")
    expect(page.get_by_role("link", name="Haddad, Amal0")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the refugee list scrolls sideways on a phone"
    context.close()
