"""A real browser (Debian's chromium, driven by Playwright) against the app served on 127.0.0.1.

Without /usr/bin/chromium these tests skip, unless GUIDEMATCH_REQUIRE_E2E is set
(CI sets it), in which case a missing browser is a failure.
Screenshots go to test-artifacts/screenshots/.

Every HTML page the live server sends to the browser is checked after the test
(tests/e2e/checks.py): a Nu checker error or a serious or critical axe-core
violation fails the test that visited the page.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e import checks

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test that passed when a page it was served breaks the HTML or accessibility rules."""
    result = yield
    served = item.funcargs.get("served_pages")
    pages = list(served.pages) if served is not None else []
    if pages:
        problems = item.funcargs["page_checker"].problems(item.funcargs["browser"], pages)
        if problems:
            pytest.fail(f"{len(problems)} of {len(pages)} pages failed the HTML or "
                        "accessibility checks:\n" + "\n".join(problems), pytrace=False)
    return result


@pytest.fixture(scope="session")
def page_checker(browser):
    """Start the session's checkers; without them the browser tests fail (never skip)."""
    missing = checks.missing_tools()
    if missing:
        pytest.fail("the page checkers are missing: " + "; ".join(missing))
    checker = checks.SessionChecks(nu=checks.NuChecker())
    yield checker
    checker.nu.close()


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production: the browser posts real tokens, the checks see them in pages."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def served_pages(app, page_checker):
    """The app, recording every HTML page it serves to the browser in this test."""
    return checks.RecordingMiddleware(app)


@pytest.fixture
def live_server(served_pages):
    """Serve the test app on a free port of 127.0.0.1 in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, served_pages, threaded=True)
    served_pages.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served_pages.base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("GUIDEMATCH_REQUIRE_E2E"):
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (set GUIDEMATCH_REQUIRE_E2E=1 to make this a failure)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot named after the test and a step: screenshot("login")."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take
