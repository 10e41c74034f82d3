"""Settings from the environment, read when the app is made.

Development needs nothing set: the database is an SQLite file in `instance/`
and the secret key is generated once into `instance/secret_key`. Production
(`GUIDEMATCH_ENV=production`) refuses to start with that development secret.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEV_SECRET_FILE = "secret_key"
MIN_SECRET_BYTES = 32
DEFAULT_IDLE_MINUTES = 120


class ConfigError(RuntimeError):
    """The environment does not describe a safe, working configuration."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret(instance_path: Path) -> str:
    """Return the development secret, creating it on first use (never committed)."""
    path = instance_path / DEV_SECRET_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{instance_path / 'guidematch.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


DEFAULT_TIMEZONE = "Europe/Oslo"


def timezone_name() -> str:
    """Return the programme's time zone from the environment (app-less commands read it too)."""
    return os.environ.get("GUIDEMATCH_TIMEZONE", DEFAULT_TIMEZONE)


def from_environment(instance_path: Path) -> dict:
    """Return the Flask config mapping for this environment."""
    env = os.environ.get("GUIDEMATCH_ENV", "development")
    production = env == "production"
    secret = os.environ.get("SECRET_KEY", "")
    if production:
        _check_production_secret(secret, instance_path)
    mail_server = os.environ.get("MAIL_SERVER", "")
    return {
        "GUIDEMATCH_ENV": env,
        "SECRET_KEY": secret or _dev_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # hide_parameters: an integrity error must not write a refugee's details into the log.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        # Cookies: secure in production, never readable from scripts.
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        # Where people's email links point when mail is made outside a request (cron).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Mail: with no MAIL_SERVER, messages wait in the outbox.
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "guidematch@localhost"),
        "MAIL_SUPPRESS_SEND": not mail_server,
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "30")),
        # Rate limits: memory by default, Redis (or any limits backend) in production.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis down: count in each process meanwhile (and try Redis again), never a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Per address. Accepted sign-ups (guide and refugee forms together): a class of 30
        # registering at once from one school network passes twice over, a script making
        # people (and sending confirmation emails) stops at 60 an hour. Refused forms do
        # not count there; every post counts toward the attempts limit, which lets those
        # 30 people correct their forms ten times in the hour, and stops a flood at 60 a minute.
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "60 per hour"),
        "SIGNUP_ATTEMPT_RATE_LIMIT": os.environ.get("SIGNUP_ATTEMPT_RATE_LIMIT",
                                                    "300 per hour;60 per minute"),
        "REFERRAL_RATE_LIMIT": os.environ.get("REFERRAL_RATE_LIMIT", "100 per hour;10 per minute"),
        "CONFIRM_RATE_LIMIT": os.environ.get("CONFIRM_RATE_LIMIT", "30 per hour"),
        # How many proxies in front of us set X-Forwarded-For (0: none). Without it,
        # behind a proxy every visitor shares one address and one rate limit.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_DEFAULT_TIMEZONE": timezone_name(),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # A logged-in session unused this long ends (auth/sessions.py).
        "SESSION_IDLE_MINUTES": _positive_int("SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES),
    }


def _check_production_secret(secret: str, instance_path: Path) -> None:
    if not secret or secret == _dev_secret_if_present(instance_path):
        raise ConfigError("SECRET_KEY must be set to a secret of its own in production.")
    size = len(secret.encode("utf-8"))
    if size < MIN_SECRET_BYTES:
        # It signs sessions and people's links: a short one can be guessed offline from one cookie.
        raise ConfigError(
            f"SECRET_KEY is {size} bytes long; production needs at least {MIN_SECRET_BYTES}. "
            "Make one with: python -c 'import secrets; print(secrets.token_hex(32))'")


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def _dev_secret_if_present(instance_path: Path) -> str | None:
    path = instance_path / DEV_SECRET_FILE
    return path.read_text().strip() if path.exists() else None
