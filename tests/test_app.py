"""The app as a whole: configuration, health check, headers, error pages."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from guidematch import create_app
from guidematch.config import ConfigError
from tests.conftest import _test_config


def test_production_refuses_to_start_without_its_own_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("GUIDEMATCH_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_production_starts_with_a_secret_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("GUIDEMATCH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret-of-40-bytes")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SECRET_KEY"] == "a-long-random-production-secret-of-40-bytes"


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/gm")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/gm"


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database():
    app = create_app({**_test_config("sqlite:////nonexistent-dir/x.sqlite")})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_security_headers_are_set(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_bootstrap_is_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn.jsdelivr" not in page and "/bootstrap/static/" in page


def test_unexpected_errors_show_a_page_in_the_layout_without_traceback(database_url):
    app = create_app({**_test_config(database_url), "TESTING": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail of a refugee")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret detail" not in page and "Traceback" not in page
    assert "guidematch" in page  # the site's own layout


def test_not_found_is_a_page_in_norwegian_by_default(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert 'lang="nb"' in response.get_data(as_text=True)


def test_language_switch_changes_the_page_language(client):
    client.post("/language", data={"locale": "en", "next": "/login"})
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)
    assert client.post("/language", data={"locale": "xx"}).status_code == 400


def test_the_served_app_is_frozen_for_the_collector(tmp_path):
    # What wsgi.py built is kept out of the collector's walks: the p95 of every page (issue 11).
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
           "SECRET_KEY": "x" * 32}
    probe = "import gc, wsgi; print(gc.get_freeze_count(), wsgi.app.name)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).parent.parent, env=env,
                         check=True, capture_output=True, text=True).stdout.split()
    assert int(out[0]) > 10_000 and out[1] == "guidematch"
