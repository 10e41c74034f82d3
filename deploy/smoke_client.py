"""The smoke test's visitor and coordinator: every request goes through nginx over TLS.

Run by deploy/smoke.sh (which stands the servers up); standard library plus psycopg, which
checks what the database holds after each step. Each step prints one line; a failed check
exits non-zero with the reason.
"""
from __future__ import annotations

import argparse
import email
import html
import http.cookiejar
import re
import shlex
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import psycopg

UNAVAILABLE_TITLES = ("Tjenesten er utilgjengelig en kort stund",
                      "The service is briefly unavailable")


class SmokeFailure(Exception):
    """A check of the smoke test failed."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def step(message: str) -> None:
    print(f"== {message}", flush=True)


class Forms(HTMLParser):
    """The forms of a page: action, method and the values a browser would send by default."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get"),
                               "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file"}:
                self.forms[-1]["fields"].append((a["name"], a.get("value", "on")))
        elif tag == "select":
            self._select, self._select_value = a.get("name"), None
        elif tag == "option" and self._select:
            # The selected option, else the first real one (not an empty "choose" prompt).
            value = a.get("value", "")
            if "selected" in a or (not self._select_value and value):
                self._select_value = value
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.forms[-1]["fields"].append((self._select, self._select_value or ""))
            self._select = None


def forms_of(page: str) -> list[dict]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


def form_with_action(page: str, fragment: str, page_url: str) -> dict:
    """Return the first form posting to a URL holding `fragment` (no action: the page's own)."""
    forms = forms_of(page)
    for form in forms:
        form["action"] = html.unescape(form["action"]) or page_url
    found = [form for form in forms if fragment in form["action"]]
    check(bool(found), f"no form posting to {fragment!r} on {page_url}")
    return found[0]


class Browser:
    """One visitor: cookies, TLS checked against the smoke test's certificate, no redirects."""

    def __init__(self, base: str, cafile: str):
        self.base = base.rstrip("/")
        self.last_url: str | None = None  # sent as Referer: Flask-WTF checks it on HTTPS
        context = ssl.create_default_context(cafile=cafile)
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, path: str, data=None, headers=None) -> tuple[int, dict, str]:
        url = path if path.startswith("https://") else self.base + path
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        sent = {"Accept-Language": "nb", **({"Referer": self.last_url} if self.last_url else {})}
        req = urllib.request.Request(url, data=body, headers={**sent, **(headers or {})})
        self.last_url = url
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def get(self, path: str, **kw):
        return self.request(path, **kw)

    def post(self, path: str, data, **kw):
        return self.request(path, data=data, **kw)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at each redirect itself


def guide_signup(email_address: str) -> dict:
    return {
        "first_name": "Kari", "last_name": "Røyksopp", "email": email_address,
        "phone": "+47 912 34 567", "gender": "female", "gender_preference": "any",
        "birth_year": "1985", "languages": ["nb", "en"], "interests": ["hiking", "fishing"],
        "activities": ["language_practice"], "family_situation": "couple",
        "availability": ["tue_evening", "sat_day"], "district": "Sentrum", "lat": "", "lon": "",
        "education_level": "master_or_higher", "occupation": "Teacher", "has_car": "yes",
        "capacity": "1", "motivation": "I moved here myself once.", "locale": "nb",
        "consent": "y", "commitment": "y", "website": "",
    }


def mails_to(maildir: Path, address: str) -> list[email.message.Message]:
    found = []
    for path in sorted((maildir / "new").glob("*")) + sorted((maildir / "cur").glob("*")):
        message = email.message_from_bytes(path.read_bytes())
        if address in (message.get("To") or ""):
            found.append(message)
    return found


def text_of(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def run_command(command: str) -> str:
    done = subprocess.run(shlex.split(command), capture_output=True, text=True)
    check(done.returncode == 0, f"{command!r} exited {done.returncode}: {done.stderr[-500:]}")
    return done.stdout.strip()


def signup_and_confirm(args, db) -> None:
    visitor = Browser(args.base, args.cafile)
    address = f"smoke-guide-{int(time.time())}@example.org"
    step(f"public sign-up as a guide of branch {args.slug} ({address})")
    signup_url = f"/signup/guide?branch={args.slug}"
    status, _, page = visitor.get(signup_url)
    check(status == 200 and 'lang="nb"' in page, f"sign-up page answered {status}")
    form = form_with_action(page, "/signup/guide", signup_url)
    csrf = dict(form["fields"]).get("csrf_token")
    check(bool(csrf), "the sign-up form has no CSRF token")
    # A district of the branch's own list: the form offers them.
    district = dict(form["fields"]).get("district", "")
    status, headers, page = visitor.post(form["action"], {
        **guide_signup(address), "district": district, "csrf_token": csrf})
    problems = re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)', page)
    check(status == 302 and "/signup/thanks" in headers.get("Location", ""),
          f"sign-up answered {status}, not the thanks page: {problems or page[:300]}")
    row = db.execute("SELECT id, email_confirmed_at FROM guides WHERE email = %s",
                     (address,)).fetchone()
    check(row is not None and row[1] is None, "the sign-up is not stored, unconfirmed")

    step("cron: outbox deliver sends the confirmation mail to the SMTP server")
    print("   " + run_command(args.deliver_cmd))
    [message] = mails_to(Path(args.maildir), address) or [None]
    check(message is not None, f"no mail to {address} reached the SMTP server")
    links = re.findall(r"https://\S+/signup/confirm/\S+", text_of(message))
    check(bool(links), "the confirmation mail holds no confirmation link")
    check(links[0].startswith(args.base), f"the link {links[0][:40]}... is not the proxy's")
    check(address not in links[0], "the confirmation link carries the email address")

    step("the link from the mail: open it, press the button")
    status, _, page = visitor.get(links[0])
    check(status == 200, f"the confirmation page answered {status}")
    form = form_with_action(page, "/signup/confirm/", links[0])
    status, _, page = visitor.post(links[0], dict(form["fields"]))
    check(status == 200, f"confirming answered {status}")
    confirmed = db.execute("SELECT email_confirmed_at FROM guides WHERE id = %s",
                           (row[0],)).fetchone()[0]
    check(confirmed is not None, "the guide's address is not confirmed in the database")


def coordinator(args) -> Browser:
    browser = Browser(args.base, args.cafile)
    step(f"coordinator login ({args.email})")
    status, _, page = browser.get("/login")
    form = form_with_action(page, "/login", "/login")
    fields = {**dict(form["fields"]), "email": args.email, "password": args.password}
    status, headers, page = browser.post("/login", fields)
    check(status == 302, f"login answered {status}: {page[:300]}")
    status, _, page = browser.get("/")
    check(status == 200 and args.name in page, f"the dashboard ({status}) lacks {args.name}")
    return browser


def matching_run(browser: Browser, db) -> None:
    step("a matching run")
    # The run adds new proposals and re-dates those it keeps: all are newer than any before.
    latest = db.execute("SELECT max(proposed_at) FROM pairings").fetchone()[0]
    status, _, page = browser.get("/matching")
    check(status == 200, f"the matching page answered {status}")
    form = form_with_action(page, "/matching/run", "/matching")
    status, headers, page = browser.post("/matching/run", form["fields"])
    check(status == 302, f"the matching run answered {status}: {page[:300]}")
    status, _, page = browser.get("/matching")
    check("The matching looked at" in page, "no summary of the run on the matching page")
    proposed = db.execute(
        "SELECT count(*) FROM pairings WHERE status = 'proposed' AND proposed_at > %s",
        (latest,)).fetchone()[0] if latest else 0
    check(proposed > 0, "the run stored no proposals")
    print(f"   the run stored {proposed} proposals")


def database_restart(args, browser: Browser) -> None:
    step("PostgreSQL restarted under load: 503s while it is down, then 200s, no app restart")
    public = Browser(args.base, args.cafile)
    counts: Counter = Counter()
    lock = threading.Lock()
    stop = threading.Event()
    recent: list[tuple[float, int]] = []

    def hammer(client: Browser, path: str):
        while not stop.is_set():
            try:
                status, _, page = client.get(path)
                if status == 503 and not any(t in page for t in UNAVAILABLE_TITLES):
                    status = -503  # a 503 that is not the app's page (nginx's, say)
            except OSError as error:  # a refused or reset connection: nginx or gunicorn gone
                status = f"connection error {type(error).__name__}"
            with lock:
                counts[status] += 1
                recent.append((time.monotonic(), status))

    threads = [threading.Thread(target=hammer, args=(c, p), daemon=True)
               for c, p in [(browser, "/guides"), (browser, "/pairings"),
                            (public, f"/signup/guide?branch={args.slug}"),
                            (public, f"/signup/refugee?branch={args.slug}")]]
    for thread in threads:
        thread.start()
    time.sleep(3)
    print("   stopping PostgreSQL", flush=True)
    run_command(args.pg_stop)
    time.sleep(4)
    print("   starting PostgreSQL", flush=True)
    run_command(args.pg_start)
    started = time.monotonic()
    recovered = False
    while not recovered and time.monotonic() - started < 60:
        time.sleep(0.5)
        with lock:  # recovered: three seconds of nothing but 200s
            window = [s for t, s in recent if t > time.monotonic() - 3]
        recovered = len(window) >= 4 and all(s == 200 for s in window)
    stop.set()
    for thread in threads:
        thread.join(timeout=35)
    summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
    print(f"   responses: {summary}")
    check(counts[503] > 0, "no 503 while PostgreSQL was down (did the restart happen?)")
    bad = {s: n for s, n in counts.items() if s not in (200, 503)}
    check(not bad, f"answers other than 200 and the app's 503: {bad}")
    check(recovered, "no recovery to all-200 within 60 s of the restart")
    first_200 = min(t for t, s in recent if t > started and s == 200)
    print(f"   first 200 {first_200 - started:.2f} s after PostgreSQL was started again; "
          "all 200 since")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="https://127.0.0.1:PORT, the proxy")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--database", required=True, help="a libpq URL, to check rows")
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--deliver-cmd", required=True)
    parser.add_argument("--pg-stop", required=True)
    parser.add_argument("--pg-start", required=True)
    args = parser.parse_args()
    try:
        with psycopg.connect(args.database, autocommit=True) as db:
            signup_and_confirm(args, db)
            browser = coordinator(args)
            matching_run(browser, db)
        database_restart(args, browser)
    except SmokeFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
