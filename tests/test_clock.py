"""One clock: "today" is the day in Oslo, whatever the server's zone; only clock.py reads it."""
from __future__ import annotations

import os
import re
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from guidematch.models import Consent, OutboxMessage, Refugee
from guidematch.services import clock
from guidematch.vocabulary import RefugeeStatus
from tests.signup.conftest import refugee_form

PACKAGE = Path(__file__).resolve().parent.parent / "guidematch"
# 00:30 on Monday 16 March 2026 in Oslo (CET, UTC+1) is still Sunday the 15th in UTC.
HALF_PAST_MIDNIGHT_IN_OSLO = datetime(2026, 3, 15, 23, 30, tzinfo=timezone.utc)


@pytest.fixture
def server_in_utc():
    """Run the test as on a server whose local time zone is UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_a_sign_up_at_half_past_midnight_in_oslo_gets_the_oslo_date(client, db, branch, auth,
                                                                     coordinator, server_in_utc):
    with time_machine.travel(HALF_PAST_MIDNIGHT_IN_OSLO, tick=False):
        assert date.today() == date(2026, 3, 15)  # the server's own calendar is a day behind
        assert clock.today() == date(2026, 3, 16)

        assert client.post("/signup/refugee", data=refugee_form(locale="nb")).status_code == 302
        mail = db.session.scalar(select(OutboxMessage))
        [path] = re.findall(r"https?://localhost(/signup/confirm/[^\s\"<>]+)", mail.body_text)
        assert client.post(path).status_code == 200

        refugee = db.session.scalar(select(Refugee))
        assert refugee.status == RefugeeStatus.WAITING
        assert refugee.waiting_since == date(2026, 3, 16)
        given_at = db.session.scalar(
            select(Consent.given_at).where(Consent.refugee_id == refugee.id))
        assert given_at == HALF_PAST_MIDNIGHT_IN_OSLO  # moments are stored in UTC

        auth.login()
        page = client.get(f"/refugees/{refugee.id}").get_data(as_text=True)
    assert "16. mars 2026 (0 dager)" in page  # the coordinator's page: the Oslo date, waited 0 days


def test_the_day_follows_the_configured_zone(app):
    moment = datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc)  # 00:30 on 2 July in Oslo (CEST)
    with time_machine.travel(moment, tick=False):
        assert clock.now() == moment
        assert clock.today() == date(2026, 7, 2)
        app.config["BABEL_DEFAULT_TIMEZONE"] = "America/New_York"
        try:
            assert clock.today() == date(2026, 7, 1)
        finally:
            app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Oslo"


# A call, or a reference passed on as a callable (`default=date.today` reads the clock too).
READS_THE_CLOCK = re.compile(
    r"\b(date|datetime)\s*\.\s*(today|now|utcnow)\b|\btime\s*\.\s*time\s*\(|\butcnow\b")


def test_only_the_clock_module_reads_the_clock():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "services" / "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_THE_CLOCK.search(line.split("#", 1)[0])
    ]
    assert offenders == []


def test_no_test_or_benchmark_reads_the_servers_calendar():
    """`date.today()` is the server's day, not Oslo's: a suite run at 23:30 UTC would disagree."""
    root = PACKAGE.parent
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("tests", "bench") for path in sorted((root / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bdate\s*\.\s*today\b|\bdatetime\s*\.\s*now\(\s*\)", line.split("#", 1)[0])
    ]
    assert offenders == []


def test_the_pure_core_is_given_the_day_and_never_asks_the_clock():
    pure = [*sorted((PACKAGE / "matching").rglob("*.py")), PACKAGE / "programme.py",
            PACKAGE / "profile_csv.py"]
    asks = [str(path.relative_to(PACKAGE.parent)) for path in pure
            if re.search(r"^\s*(from|import)\s+guidematch\.services\b",
                         path.read_text(encoding="utf-8"), re.M)]
    assert asks == []
