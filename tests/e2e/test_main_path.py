"""The main path in a real browser, with real email over SMTP.

A coordinator logs in, runs the matching on the demo branch and accepts a
proposal; the guide and the refugee each accept the agreement through the link
in their email (read from an SMTP server on 127.0.0.1); the guide answers the
weekly email's one-click "2 hours" link; the coordinator sees the minutes on
the pairing page. Every page is saved as a screenshot.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from guidematch import demo, programme
from guidematch.extensions import db as _db
from guidematch.models import Pairing
from guidematch.services import clock, proposal_store, reminders
from guidematch.services import outbox as outbox_service
from guidematch.vocabulary import QUICK_LOG_MINUTES, PairingStatus
from tests.e2e.conftest import SCREENSHOTS
from tests.smtp import links_in, mail_config, smtp_server  # noqa: F401  (fixture)

PASSWORD = "demo password for the browser"


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    """Mail goes to the test's SMTP server; links in emails name the live server's own address."""
    return {**app_config, **mail_config(smtp_server.port), "SERVER_NAME": None}


def snap(page, step: str) -> None:
    """Save a screenshot of a page outside the coordinator's browser (a guide's or refugee's)."""
    name = f"test_the_main_path_from_matching_to_the_first_logged_meeting-{step}.png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def deliver() -> None:
    report = outbox_service.deliver()
    assert report.error == "" and report.failed == 0, report


def link(message, path: str) -> str:
    found = [url for url in links_in(message) if path in url]
    assert found, f"no {path} link in: {message['Subject']}"
    return found


def test_the_main_path_from_matching_to_the_first_logged_meeting(
        app, live_server, page, screenshot, smtp_server, browser):  # noqa: F811
    today = clock.today()
    branch = demo.load(seed=1, today=today, password=PASSWORD).branch
    _db.session.commit()

    # The coordinator logs in and opens the matching page.
    page.goto(f"{live_server}/login")
    screenshot("01-login")
    page.get_by_label("E-post").fill(demo.COORDINATOR_EMAIL)
    page.get_by_label("Passord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    screenshot("02-dashboard")
    page.get_by_role("navigation", name="Hoved").get_by_role("link", name="Matching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching")
    page.wait_for_load_state("load")   # the page's script is in
    screenshot("03-matching")

    # Run. While the request is under way the page says what it is matching: seen here by
    # holding the form back once (a listener after the page's own), then sending it.
    form = "document.querySelector('form.js-matching-run')"
    page.evaluate(f"{form}.addEventListener('submit', event => event.preventDefault())")
    run_button = page.get_by_role("button", name="Kjør matchingen")
    run_button.click()
    expect(run_button).to_be_disabled()
    expect(page.get_by_role("status").filter(has_text="Matcher")).to_have_text(
        re.compile(r"Matcher \d+ flyktninger og \d+ guider …"))
    screenshot("04-running")
    page.evaluate(f"{form}.submit()")
    page.wait_for_url(f"{live_server}/matching")
    expect(page.get_by_role("status").filter(has_text="Matchingen så på")).to_be_visible()
    screenshot("05-proposals")

    # Accept the first proposal whose two people have an email address.
    _db.session.commit()
    proposal = next(p for p in proposal_store.proposals(branch) if p.guide.email and p.refugee.email)
    guide, refugee = proposal.guide, proposal.refugee
    card = page.locator(f"#proposal-{proposal.id}")
    expect(card.get_by_text("Hvorfor de passer")).to_be_visible()
    card.get_by_role("button", name="Godta").click()
    paired = f"{guide.first_name} og {refugee.first_name} er paret."
    expect(page.get_by_text(paired)).to_be_visible()
    screenshot("06-accepted")

    # The outbox is delivered; both agreement emails arrive over SMTP.
    deliver()
    guide_mail, = smtp_server.to(guide.email)
    refugee_mail, = smtp_server.to(refugee.email)
    for side, message in (("guide", guide_mail), ("refugee", refugee_mail)):
        own = browser.new_context(viewport={"width": 390, "height": 844})  # their own phone
        phone = own.new_page()
        phone.goto(link(message, "/a/")[0])
        snap(phone, f"07-agreement-{side}")
        phone.locator("main form button[type=submit]").click()
        expect(phone.locator("main .alert-success")).to_be_visible()
        snap(phone, f"08-agreement-{side}-accepted")
        own.close()
    _db.session.expire_all()
    pairing = _db.session.get(Pairing, proposal.id)
    assert pairing.status == PairingStatus.ACTIVE and pairing.start_date == today
    _db.session.commit()

    # The weekly email asks the guide how long they met; one click on "2 hours", then confirm.
    with app.test_request_context(base_url=live_server):
        assert reminders.weekly_log_request(pairing, programme.week_key(today), today) == 1
    _db.session.commit()
    deliver()
    weekly = [m for m in smtp_server.to(guide.email) if m is not guide_mail]
    assert len(weekly) == 1
    clicks = link(weekly[0], "/log/")
    own = browser.new_context(viewport={"width": 390, "height": 844})
    phone = own.new_page()
    phone.goto(clicks[QUICK_LOG_MINUTES.index(120)])
    snap(phone, "09-weekly-log")
    phone.locator("main button[name=minutes][value='120']").click()
    expect(phone.locator("main .alert-success")).to_be_visible()
    snap(phone, "10-weekly-log-saved")
    own.close()

    # The coordinator sees the two hours on the pairing page, in the table and the chart.
    page.goto(f"{live_server}/pairings/{pairing.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(guide.first_name)
    expect(page.locator("#logs table")).to_contain_text("120 min")
    assert "120" in page.locator("svg.week-chart").inner_html()
    screenshot("11-pairing")
