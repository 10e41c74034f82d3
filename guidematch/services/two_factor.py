"""Two-factor login: a time-based one-time code (TOTP, RFC 6238) and single-use recovery codes.

A code is accepted for its 30-second step and one step either side (a phone's clock
a little off), and only for a step later than the last one accepted, so a code
seen over a shoulder cannot be used again. Recovery codes are random (50 bits),
shown once and stored as keyed hashes; each one works once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, update

from guidematch.extensions import db
from guidematch.models import RecoveryCode, User
from guidematch.services.errors import DomainError

ISSUER = "guidematch"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
TOTP_CODE = re.compile(r"\d{6}")


def required_for(user: User) -> bool:
    """Say whether this user's branch requires two-factor login."""
    return bool(user.branch is not None and user.branch.require_two_factor)


def begin_setup(user: User) -> str:
    """Give the user a new secret to add to an authenticator app (kept until confirmed)."""
    if user.has_two_factor:
        raise DomainError(_("Two-factor login is already on."))
    if not user.totp_secret:  # keep a secret being set up, so a reload shows the same one
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def setup_uri(user: User) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(user: User) -> str:
    """Return the set-up address as an SVG QR code in a data: URI (no request, no script)."""
    return segno.make(setup_uri(user), error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """Return the secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_setup(user: User, code: str, now: datetime) -> list[str]:
    """Turn two-factor login on once the app's first code is right; return new recovery codes."""
    if user.has_two_factor or not user.totp_secret:
        raise DomainError(_("Start the set-up again."), "code")
    if not _accept_totp(user, code, now):
        raise DomainError(_("That code is not right. Enter the code the app shows now."), "code")
    user.totp_confirmed_at = now
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    """Turn two-factor login off and forget its secret and recovery codes."""
    if required_for(user):
        raise DomainError(_("Your branch requires two-factor login."))
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; return them (the only time they are shown)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def unused_recovery_codes(user: User) -> int:
    """Count the recovery codes the user has left."""
    return db.session.query(RecoveryCode).filter_by(user_id=user.id, used_at=None).count()


def verify(user: User, code: str, now: datetime) -> bool:
    """Say whether `code` is the user's current TOTP code or an unused recovery code (using it)."""
    code = "".join(code.split())
    if TOTP_CODE.fullmatch(code):
        return _accept_totp(user, code, now)
    return _use_recovery_code(user, code, now)


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    code = "".join((code or "").split())
    if not TOTP_CODE.fullmatch(code) or not user.totp_secret:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return _claim_step(user, step)
    return False


def _claim_step(user: User, step: int) -> bool:
    # A conditional UPDATE: of two requests with the same code, only one moves the step on.
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    if claimed:
        db.session.refresh(user, ["totp_last_step"])
    return bool(claimed)


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    normal = code.replace("-", "").lower()
    if len(normal) != 10:
        return False
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _code_hash(normal),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    return bool(used)


def _code_hash(code: str) -> str:
    # Keyed (HMAC with SECRET_KEY): the stored hashes alone do not allow guessing 50 bits offline.
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()
