"""Fixtures: a migrated database (SQLite, or PostgreSQL when asked), the app, a client.

The suite runs on SQLite by default. With GUIDEMATCH_TEST_POSTGRES set to a
server URL (e.g. postgresql:///postgres?host=/var/run/postgresql) it runs the
database tests on a fresh PostgreSQL database instead, and fails, never skips,
when that server cannot be reached.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest
from flask import g
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from guidematch import create_app
from guidematch.extensions import db as _db
from guidematch.models import Model
from tests import factories

# Hypothesis fails an example that takes over 200 ms by default: a wall-clock assertion,
# which a loaded machine trips. Speed is measured in bench/, never asserted in a test.
settings.register_profile("guidematch", deadline=None)
settings.load_profile("guidematch")

POSTGRES_SERVER = os.environ.get("GUIDEMATCH_TEST_POSTGRES", "")
DB_FIXTURES = {"app", "db", "client", "runner", "database_url"}


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_SERVER if POSTGRES_SERVER else 'SQLite'}"


def pytest_collection_modifyitems(config, items):
    # On PostgreSQL, run what touches a database; the pure tests ran on the SQLite pass.
    if not POSTGRES_SERVER:
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="PostgreSQL-only; runs in the PostgreSQL pass"))
        return
    keep = [item for item in items if DB_FIXTURES & set(getattr(item, "fixturenames", ()))
            and not _browser_test_for_one_pass(item)]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


# The browser tests check what pages show and how they behave in Chromium (the Nu checker,
# axe), which the database does not change, and they are the slowest part of the suite:
# they run in the SQLite pass. The main path runs in both, as the end-to-end proof on
# PostgreSQL; every other database behaviour has its own test in the PostgreSQL pass.
BROWSER_TESTS_ON_BOTH = {"test_main_path.py"}


def _browser_test_for_one_pass(item) -> bool:
    path = Path(str(item.fspath))
    return path.parent.name == "e2e" and path.name not in BROWSER_TESTS_ON_BOTH


def _postgres_url(server: str, database: str) -> str:
    url = make_url(server).set(drivername="postgresql+psycopg")
    return url.set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url():
    """Yield the URL of an empty database for this test session, migrated to head."""
    if POSTGRES_SERVER:
        name = f"guidematch_test_{secrets.token_hex(4)}"
        admin = create_engine(_postgres_url(POSTGRES_SERVER, make_url(POSTGRES_SERVER).database or "postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # raises, and so fails the suite, when unreachable
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = _postgres_url(POSTGRES_SERVER, name)
        _migrate(url)
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'test.sqlite'}"
            _migrate(url)
            yield url


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_test_config(url))
    with app.app_context():
        upgrade()


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": "",
        "MAIL_SUPPRESS_SEND": True,
        "SERVER_NAME": "localhost",
    }


@pytest.fixture
def app_config(database_url) -> dict:
    """The config the `app` fixture is made with; override it in a module to change it."""
    return _test_config(database_url)


_apps: dict[tuple, object] = {}


def _app_for(config: dict):
    # One app per distinct config for the whole session: Jinja then compiles each
    # template once, not once per test. Tables are emptied after every test.
    key = tuple(sorted((k, repr(v)) for k, v in config.items()))
    if key not in _apps:
        app = create_app(config)
        # First of all before-request functions: the session check loads the user into g.
        app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
        _apps[key] = app
    return _apps[key]


def _fresh_request_globals() -> None:
    """Start every request with empty `g`, as in production.

    The `app` fixture keeps one app context open for the whole test and Flask
    reuses it for the test client's requests, so `g` (Flask-Babel's cached
    locale, the scoped branch, the logged-in user) would leak between requests.
    """
    vars(g).clear()


@pytest.fixture
def app(app_config):
    app = _app_for(app_config)
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_all_tables()


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(Model.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="coordinator@example.org", password=factories.PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def branch(db):
    return factories.make_branch(slug="tromso", name="Tromsø")


@pytest.fixture
def coordinator(db, branch):
    return factories.make_user(email="coordinator@example.org", branch=branch)


@pytest.fixture
def logged_in(auth, coordinator):
    """A client whose coordinator (of the `branch` fixture) is logged in."""
    response = auth.login()
    assert response.status_code == 302, "the test coordinator could not log in"
    return coordinator


@pytest.fixture
def english(logged_in, db):
    """The logged-in coordinator, with English as their language (assertions read English)."""
    logged_in.locale = "en"
    db.session.commit()
    return logged_in
