"""Emails waiting to be sent: written in the same transaction as their cause."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.services import clock
from guidematch.vocabulary import OutboxStatus


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),
                      # The Outbox page: a branch's newest emails first.
                      Index("ix_outbox_messages_branch_created", "branch_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    locale: Mapped[str] = mapped_column(String(8), default="nb", server_default="nb")
    template: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # [{"filename", "content_type", "data" (base64)}], e.g. a group meeting's .ics.
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Headers made with the message (mail_kinds.headers): List-Unsubscribe, Auto-Submitted.
    headers: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # Makes scheduled mail idempotent: "weekly-log:pairing-7:2026-W47" is written once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_error: Mapped[str] = mapped_column(String(500), default="", server_default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def is_queued(self) -> bool:
        return self.status == OutboxStatus.QUEUED

    @property
    def is_sent(self) -> bool:
        return self.status == OutboxStatus.SENT

    @property
    def is_failed(self) -> bool:
        return self.status == OutboxStatus.FAILED

    @property
    def can_retry(self) -> bool:
        """Whether a coordinator may queue it again: neither sent nor being sent."""
        return self.status in (OutboxStatus.QUEUED, OutboxStatus.FAILED)


class OutboxMention(Model):
    """A guide or refugee an email is to or about: what erasing them must delete with them.

    The partner's agreement and the caseworker's receipt name a person without
    being addressed to them; their rows are found through this table, not by
    searching text.
    """

    __tablename__ = "outbox_mentions"
    __table_args__ = (
        CheckConstraint("(guide_id IS NULL) <> (refugee_id IS NULL)", name="one_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"),
                                                 index=True)
    refugee_id: Mapped[int | None] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"),
                                                   index=True)
