from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests import factories
from tests.smtp import smtp_server  # noqa: F401  (fixture)

USUAL = "198.51.100.7"      # the coordinator's office
ATTACKER = "203.0.113.66"   # somewhere else
START = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def login_from(client, address: str, email: str = "coordinator@example.org",
               password: str = factories.PASSWORD, next_url: str = ""):
    """POST the login form as a browser at `address` would."""
    return client.post("/login" + (f"?next={next_url}" if next_url else ""),
                       data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def travel():
    """Stop the clock at START; `travel.shift(seconds=...)` moves it on."""
    import time_machine

    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
