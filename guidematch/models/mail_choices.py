"""Recurring mail a guide or refugee turned off."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.services import clock
from guidematch.vocabulary import MailKind


class MailOptOut(Model):
    """One kind of recurring mail one person does not want (by the unsubscribe page or one click)."""

    __tablename__ = "mail_opt_outs"
    __table_args__ = (
        CheckConstraint("(guide_id IS NULL) <> (refugee_id IS NULL)", name="one_person"),
        UniqueConstraint("guide_id", "kind"),
        UniqueConstraint("refugee_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"))
    refugee_id: Mapped[int | None] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"))
    kind: Mapped[MailKind] = mapped_column(enum_type(MailKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
