"""Check every page the browser tests are served: the W3C Nu HTML checker and axe-core.

The live server records each HTML document the browser navigates to, exactly as
served. After a test, the Nu checker (one Java process for the whole session,
run as an HTTP service, because starting Java costs seconds) validates each
document, and axe-core runs on each one as the browser showed it at its load
event: the recorded response is replayed into a fresh page (same URL, headers
and status, the live server's CSS and scripts), so a test that moves on at once
cannot outrun the check. Checking the document as served, not `page.content()`
after scripts ran, is what the Nu checker is made for.

Both checkers come from the npm packages pinned in package-lock.json (`make test`
runs `npm ci`).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")
NU_FAILING_TYPES = ("error", "non-document-error")
NU_START_TIMEOUT = 90  # seconds; the first start on a busy 2-core machine takes ~10
# Not replayed: they describe the recorded exchange, not the document.
UNREPLAYED_HEADERS = {"content-length", "set-cookie", "transfer-encoding", "connection", "date"}


def missing_tools() -> list[str]:
    """Return what the checks need and this machine lacks, in words."""
    missing = [f"{path.relative_to(ROOT)} (run `make checkers`)" for path in (VNU_JAR, AXE_JS)
               if not path.exists()]
    if shutil.which("java") is None:
        missing.append("java (Java 17 runs the Nu checker)")
    return missing


@dataclass(frozen=True)
class ServedPage:
    """One HTML document the live server sent to a browser navigation."""

    method: str
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    html: str

    @property
    def key(self) -> str:
        return hashlib.sha256(self.html.encode()).hexdigest()

    @property
    def name(self) -> str:
        return f"{self.method} {self.url} ({self.status})"


class RecordingMiddleware:
    """Wrap a WSGI app; keep every HTML document served to a browser navigation."""

    def __init__(self, app, base_url: str = ""):
        self.app = app
        self.base_url = base_url
        self.pages: list[ServedPage] = []

    def __call__(self, environ, start_response):
        # Chromium names what a request is for; a navigation's is "document" (not an
        # image, a script or a fetch() of a fragment).
        if environ.get("HTTP_SEC_FETCH_DEST") != "document":
            return self.app(environ, start_response)
        sent = {}

        def start(status, headers, exc_info=None):
            sent.update(status=int(status.split()[0]), headers=tuple(headers))
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = {k.lower(): v for k, v in sent.get("headers", ())}
        content_type = headers.get("content-type", "")
        if content_type.startswith("text/html"):
            path = environ.get("PATH_INFO", "/")
            query = environ.get("QUERY_STRING", "")
            self.pages.append(ServedPage(
                method=environ["REQUEST_METHOD"],
                url=self.base_url + path + (f"?{query}" if query else ""),
                status=sent["status"], headers=sent["headers"], html=body.decode("utf-8")))
        return [body]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NuChecker:
    """The W3C Nu HTML checker as a local HTTP service: one Java start for the whole session."""

    def __init__(self):
        self.port = _free_port()
        self.process = subprocess.Popen(
            ["java", "-Xmx512m", "-Xss1m", "-Dnu.validator.servlet.bind-address=127.0.0.1",
             "-cp", str(VNU_JAR), "nu.validator.servlet.Main", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ready = False

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + NU_START_TIMEOUT
        while not self.ready:
            if self.process.poll() is not None:
                raise RuntimeError("the Nu checker stopped at start "
                                   f"(exit {self.process.returncode})")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2).close()
                self.ready = True
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError("the Nu checker did not start in time") from None
                time.sleep(0.2)

    def errors(self, html: str) -> list[str]:
        """Return the checker's errors for one document, each as line, column and message."""
        self._wait_until_ready()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json", data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [f"line {m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: "
                f"{m['message']} [{(m.get('extract') or '').strip()[:120]}]"
                for m in messages if m["type"] in NU_FAILING_TYPES]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def axe_violations(browser, page: ServedPage) -> list[str]:
    """Replay a served document in a fresh page; return axe-core's serious and critical findings."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        # An init script, not a <script> tag: the page's Content-Security-Policy (replayed
        # too) allows only our own scripts, and init scripts are not subject to it.
        context.add_init_script(path=str(AXE_JS))
        tab = context.new_page()
        headers = {k: v for k, v in page.headers if k.lower() not in UNREPLAYED_HEADERS}

        def serve(route):
            # The document from the record; its CSS and scripts from the live server.
            if route.request.resource_type == "document":
                route.fulfill(status=page.status, headers=headers, body=page.html)
            else:
                route.continue_()
        tab.route("**/*", serve)
        tab.goto(page.url, wait_until="load")
        result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in AXE_FAILING_IMPACTS:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        found.append(f"{violation['impact']}: {violation['id']}: {violation['help']} "
                     f"at {', '.join(targets)}")
    return found


@dataclass
class SessionChecks:
    """The checkers and what they found, shared by every test of the session."""

    nu: NuChecker
    cache: dict[str, list[str]] = field(default_factory=dict)

    def problems(self, browser, pages: list[ServedPage]) -> list[str]:
        """Return a report line for every page with a Nu error or a serious axe violation."""
        report = []
        for page in pages:
            if page.key not in self.cache:
                found = [f"Nu: {error}" for error in self.nu.errors(page.html)]
                found += [f"axe: {violation}" for violation in axe_violations(browser, page)]
                self.cache[page.key] = found
            if self.cache[page.key]:
                report.append(page.name + ":\n    " + "\n    ".join(self.cache[page.key]))
        return report
