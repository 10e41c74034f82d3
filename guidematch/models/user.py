"""People who log in: coordinators of one branch, and admins of all; what guards their logins."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.models.branch import Branch
from guidematch.services import clock, passwords
from guidematch.vocabulary import Role


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role = 'admin' OR branch_id IS NOT NULL", name="coordinator_has_branch"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="nb", server_default="nb")
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Stored in the session at login and compared on every request: raising it (logout,
    # password change, deactivation) ends every session of this user, copied cookies included.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Two-factor login: the TOTP secret is kept while being set up; it counts once confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted, so a code seen over a shoulder is not reused.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    branch: Mapped[Branch | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.make_hash(password)

    def check_password(self, password: str) -> bool:
        return passwords.matches(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RecoveryCode(Model):
    """A single-use code that logs in instead of a TOTP code (the phone lost); stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(Model):
    """Failed logins counted under one key: an (email, address) pair, an address, an email.

    Keys are keyed hashes (services/throttle.py), so the table holds no address or email.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    # The email's own key on pair rows, so a new password can forgive all of them at once.
    account_key: Mapped[str | None] = mapped_column(String(80), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For an (email, address) pair: when the right password last came from it (a usual address).
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
