"""No personal data in URLs or logs: people's links carry ids, never an address or a number.

The app is served by a real HTTP server (werkzeug's, whose access log has the
request line that gunicorn's and nginx's have too), and a sign-up, a
confirmation, a referral, an agreement and a weekly log go through it. Then the
access log and everything the app logged are searched for those people's
emails, phone numbers and names.
"""
from __future__ import annotations

import http.client
import logging
import re
import threading
import zlib
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from itsdangerous.encoding import base64_decode
from werkzeug.serving import make_server

from guidematch.extensions import db as _db
from guidematch.models import Guide, MeetingLog, OutboxMessage, Pairing, Refugee
from guidematch.vocabulary import PairingStatus
from tests import factories
from tests.signup.conftest import guide_form, refugee_form

GUIDE = {"first_name": "Solveig", "last_name": "Brennhovd",
         "email": "solveig.brennhovd@example.org", "phone": "+47 913 57 246"}
REFERRED = {"first_name": "Yusuf", "last_name": "Alhamwi", "email": "yusuf.alhamwi@example.net",
            "phone": "+47 402 68 135"}
CASEWORKER = {"caseworker_name": "Turid Kvalsund",
              "caseworker_email": "turid.kvalsund@kommune.example"}
PAIRED_GUIDE = {"first_name": "Halvard", "last_name": "Strømsnes",
                "email": "halvard.stromsnes@example.org", "phone": "+47 987 65 432"}
PAIRED_REFUGEE = {"first_name": "Olena", "last_name": "Kovalchuk",
                  "email": "olena.kovalchuk@example.com", "phone": "+47 455 12 998"}
PEOPLE = [GUIDE, REFERRED, PAIRED_GUIDE, PAIRED_REFUGEE]


def personal_data() -> list[str]:
    """Return what must not appear: each address (and its local part), number and surname."""
    caseworker = CASEWORKER["caseworker_email"]
    found = [caseworker, caseworker.split("@")[0], "Kvalsund"]
    for person in PEOPLE:
        digits = re.sub(r"\D", "", person["phone"])
        found += [person["email"], person["email"].split("@")[0], person["last_name"],
                  person["phone"], digits, digits[2:]]
    return found


class Server:
    """The app on 127.0.0.1, asked as a browser asks (Host: localhost, the test config's name)."""

    def __init__(self, app):
        self.httpd = make_server("127.0.0.1", 0, app, threaded=False)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.cookie = ""
        self.paths: list[str] = []

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.thread.join(10)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.httpd.server_port, timeout=30)
        headers = {"Host": "localhost"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.paths.append(path)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        page = response.read().decode()
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";")[0]
        connection.close()
        _db.session.rollback()  # the test's session then sees what the server committed
        return response.status, response.getheader("Location") or "", page


def link_in(message: OutboxMessage, prefix: str) -> str:
    """Return the path of the first link in an email's text that starts with `prefix`."""
    return re.search(rf"http://localhost({re.escape(prefix)}\S*)", message.body_text).group(1)


def mail_to(address: str, template: str) -> OutboxMessage:
    return _db.session.query(OutboxMessage).filter_by(to_address=address, template=template).one()


@pytest.fixture
def server(app):
    with Server(app) as running:
        yield running


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)  # everything any logger writes, werkzeug's access log too
    return caplog


def test_no_email_phone_or_name_reaches_the_access_log_or_the_apps_log(
        app, db, branch, coordinator, server, logs, runner):
    # A guide signs up and confirms the address through the link in the email.
    status, _loc, _page = server.request("POST", "/signup/guide", guide_form(**GUIDE))
    assert status == 302
    confirm = link_in(mail_to(GUIDE["email"], "confirm_guide"), "/signup/confirm/")
    assert server.request("GET", confirm)[0] == 200
    assert server.request("POST", confirm, {})[0] == 200
    assert db.session.query(Guide).filter_by(email=GUIDE["email"]).one().email_confirmed_at

    # The municipality refers a refugee, who confirms too.
    referral = {**refugee_form(**REFERRED), **CASEWORKER}
    assert server.request("POST", f"/referral/{branch.referral_token}", referral)[0] == 302
    confirm = link_in(mail_to(REFERRED["email"], "referral_refugee"), "/signup/confirm/")
    assert server.request("POST", confirm, {})[0] == 200

    # The coordinator confirms a proposal; both accept the agreement by their links.
    guide = factories.make_guide(branch, **PAIRED_GUIDE)
    refugee = factories.make_refugee(branch, **PAIRED_REFUGEE)
    pairing_id = factories.make_pairing(guide, refugee).id
    assert server.request("POST", "/login", {"email": coordinator.email,
                                             "password": factories.PASSWORD})[0] == 302
    assert server.request("POST", f"/pairings/{pairing_id}/confirm", {})[0] == 302
    for person in (PAIRED_GUIDE, PAIRED_REFUGEE):
        agreement = link_in(mail_to(person["email"], "pairing_agreement"), "/a/")
        assert server.request("GET", agreement)[0] == 200
        assert server.request("POST", agreement, {})[0] == 302
    pairing = db.session.get(Pairing, pairing_id)
    assert pairing.status == PairingStatus.ACTIVE

    # Weeks later the guide gets the weekly email and logs last week with one click.
    pairing.start_date -= timedelta(days=21)
    db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    weekly = mail_to(PAIRED_GUIDE["email"], "weekly_log_request")
    click = link_in(weekly, "/log/")
    assert server.request("GET", click)[0] == 200
    status, _loc, page = server.request("POST", click, {"minutes": "120"})
    assert status == 302, re.findall(r"alert[^>]*>([^<]+)", page)
    assert db.session.query(MeetingLog).filter_by(pairing_id=pairing_id).count() == 1

    access = "\n".join(r.getMessage() for r in logs.records if r.name == "werkzeug")
    assert all(path in access for path in server.paths)  # the access log saw every request
    everything = "\n".join(f"{r.name} {r.getMessage()}" for r in logs.records) + result.output
    readable = everything + "\n" + "\n".join(decoded_parts(everything))
    leaked = [value for value in personal_data() if value.lower() in readable.lower()]
    assert leaked == [], f"found in the logs: {leaked}"


def decoded_parts(text: str) -> list[str]:
    """Return what each base64 piece of the URLs in `text` says (a token is readable base64)."""
    found = []
    for piece in re.findall(r"[A-Za-z0-9_-]{8,}", text):
        for candidate in (piece, piece[1:]):
            try:
                raw = base64_decode(candidate)
                found.append(raw.decode("utf-8", "ignore"))
                found.append(zlib.decompress(raw).decode("utf-8", "ignore"))
            except Exception:  # most pieces are not base64, or not compressed
                continue
    return found


def payload_of(token: str) -> str:
    """Return what a signed token says, as anyone who holds the link can read it."""
    body = token.split(".")[0] if not token.startswith(".") else "." + token.split(".")[1]
    raw = base64_decode(body.lstrip("."))
    return (zlib.decompress(raw) if body.startswith(".") else raw).decode()


def test_every_link_in_every_email_carries_ids_only(app, db, branch, coordinator, server):
    server.request("POST", "/signup/guide", guide_form(**GUIDE))
    server.request("POST", f"/referral/{branch.referral_token}",
                   {**refugee_form(**REFERRED), **CASEWORKER})
    guide = factories.make_guide(branch, **PAIRED_GUIDE)
    refugee = factories.make_refugee(branch, **PAIRED_REFUGEE)
    pairing = factories.make_pairing(guide, refugee)
    server.request("POST", "/login", {"email": coordinator.email, "password": factories.PASSWORD})
    server.request("POST", f"/pairings/{pairing.id}/confirm", {})
    paths = [urlsplit(url).path for message in db.session.query(OutboxMessage)
             for url in re.findall(r"https?://\S+", message.body_text)]
    tokens = [match.group(1) for path in paths
              if (match := re.match(r"/(?:signup/confirm|a|log|e)/([^/]+)", path))]
    assert len(tokens) >= 4
    for token in tokens:
        payload = payload_of(token)
        assert "@" not in payload, payload
        assert not any(value.lower() in payload.lower() for value in personal_data()), payload
    assert db.session.query(Refugee).count() == 2
