"""A lost database (or Redis) answers a translated 503 or keeps working; never a 500."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from guidematch import PROJECT_ROOT, create_app
from guidematch.extensions import db as _db
from tests.conftest import _test_config
from tests.smtp import free_port

UNREACHABLE = "sqlite:////nonexistent-dir/guidematch.sqlite"


def _lost_connection(*args, **kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.mark.parametrize("language, title", [
    ("nb", "Tjenesten er utilgjengelig en kort stund"),
    ("en", "The service is briefly unavailable"),
])
def test_an_unreachable_database_answers_a_translated_503(language, title):
    app = create_app({**_test_config(UNREACHABLE), "TESTING": False})
    response = app.test_client().get("/signup/guide", headers={"Accept-Language": language})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert title in page and f'lang="{language}"' in page
    assert "Traceback" not in page and "nonexistent-dir" not in page


def test_a_coordinator_page_answers_503_without_the_database_and_recovers(
        app, client, logged_in):
    event.listen(_db.engine, "before_cursor_execute", _lost_connection)
    try:
        response = client.get("/guides")
    finally:
        event.remove(_db.engine, "before_cursor_execute", _lost_connection)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Tjenesten er utilgjengelig en kort stund" in page
    # The page was made for an anonymous visitor: the layout asked the database for nothing.
    assert logged_in.name not in page
    # The next request finds the database again, and the coordinator still logged in.
    again = client.get("/guides")
    assert again.status_code == 200 and logged_in.name in again.get_data(as_text=True)


def test_a_commit_that_loses_the_database_answers_503(database_url, monkeypatch):
    # Not TESTING: Flask re-raises errors from after_request hooks in tests instead of
    # handing them to the error handlers, and this failure happens in the commit hook.
    app = create_app({**_test_config(database_url), "TESTING": False})
    client = app.test_client()
    with app.app_context():
        monkeypatch.setattr(_db.session, "commit", _lost_connection)
        response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 503
    assert "The service is briefly unavailable" in response.get_data(as_text=True)


@pytest.mark.postgres
def test_the_app_reconnects_after_postgresql_dropped_its_connections(
        app, client, logged_in, database_url):
    assert client.get("/guides").status_code == 200  # a pooled connection now exists
    killer = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    killer.dispose()
    assert killed >= 1
    # pool_pre_ping finds the dead connection and opens a new one: no error, no restart.
    response = client.get("/guides")
    assert response.status_code == 200 and logged_in.name in response.get_data(as_text=True)




RATE_LIMIT_PROBE = """
import sys
from guidematch import create_app
from tests.conftest import _test_config
app = create_app({**_test_config(sys.argv[1]), "TESTING": False, "RATELIMIT_ENABLED": True,
                  "RATELIMIT_STORAGE_URI": sys.argv[2]})
client = app.test_client()
form = {"email": "nobody@example.org", "password": "x" * 12}
print(" ".join(str(client.post("/login", data=form).status_code) for _ in range(21)))
"""


def test_the_rate_limits_survive_their_redis_going_away(database_url):
    # Nothing listens on the port: as if Redis had stopped. Flask-Limiter then counts in
    # memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) instead of failing the request. In a
    # process of its own: the limiter is one object, and its state would outlive the test.
    dead_redis = f"redis://127.0.0.1:{free_port()}"
    probe = subprocess.run([sys.executable, "-c", RATE_LIMIT_PROBE, database_url, dead_redis],
                           cwd=PROJECT_ROOT, check=True, capture_output=True, text=True)
    answers = probe.stdout.split()
    assert answers[:20] == ["200"] * 20  # the login form again, with its error
    assert answers[20] == "429"  # and the login limit (20 a minute) still holds
