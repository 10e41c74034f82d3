"""Signed, expiring links for people who don't log in (guides and refugees).

A link carries a small payload (ids, a purpose) signed with SECRET_KEY and a
salt per purpose, so a link made for one thing never works for another. The
payload is signed, not encrypted: anyone holding the link (a mail relay, an
access log, a browser history) can read it. So it carries ids, never an email
address or a phone number; where a link must die when an address changes it
carries `fingerprint(address)`, a short keyed hash that cannot be read back.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkError(Exception):
    """The link is not valid: tampered with, for something else, or too old."""


class LinkExpired(LinkError):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"guidematch.{purpose}")


def sign(purpose: str, **payload: Any) -> str:
    """Return a token for `purpose` carrying `payload` (JSON-able values only)."""
    return _serializer(purpose).dumps(payload)


def fingerprint(purpose: str, value: str) -> str:
    """Return a short keyed hash of `value` for a link's payload (not reversible without it)."""
    key = f"guidematch.{purpose}.fingerprint:{current_app.config['SECRET_KEY']}".encode()
    digest = hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()
    return digest[:16]  # 64 bits: a changed address matches by chance once in 10^19


def verify(purpose: str, token: str, max_age: timedelta) -> dict[str, Any]:
    """Return the payload of a token made for `purpose`, or raise LinkError / LinkExpired."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise LinkExpired("expired") from None
    except BadSignature:
        raise LinkError("invalid") from None


def external_url(endpoint: str, **values: Any) -> str:
    """Return an absolute URL for emails: the request's host, or PUBLIC_BASE_URL from the CLI."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
