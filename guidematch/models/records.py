"""What the law and trust ask us to keep: consents given, and coordinators' changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.services import clock
from guidematch.vocabulary import ConsentKind


class Consent(Model):
    """A consent as given: which text, which version, when, by whom."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    refugee_id: Mapped[int | None] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"), index=True)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_type(ConsentKind))
    text_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # How it was given, as recorded: "sign-up form", "paper form, imported by Kari Nordmann".
    given_how: Mapped[str] = mapped_column(String(200), default="", server_default="")


class AuditEvent(Model):
    """One change made by a coordinator (or by a person through a link).

    `details` names fields and ids, never their sensitive values.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(60), default="", server_default="")  # "guide link", "cli"
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="", server_default="")
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
