"""A branch: one local Red Cross chapter, with its programme settings."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from guidematch import vocabulary as v
from guidematch.models.base import Model, UTCDateTime
from guidematch.services import clock

DEFAULT_AGREEMENT_TEXT = """\
As guide and refugee in the refugee guide programme we agree to:
- meet for at least two hours a week, at times we plan together;
- take part in the monthly group meeting for all guides and refugees when we can;
- answer a short evaluation after three months;
- keep the pairing for at least nine and at most twelve months, and tell the
  coordinator if it must end earlier;
- treat what we learn about each other in confidence.
"""


def new_referral_token() -> str:
    return secrets.token_urlsafe(24)


class Branch(Model):
    __tablename__ = "branches"
    __table_args__ = (
        CheckConstraint("min_months >= 1 AND max_months >= min_months", name="months_order"),
        CheckConstraint("weekly_minutes BETWEEN 0 AND 1440", name="weekly_minutes_range"),
        CheckConstraint("retention_months >= 1", name="retention_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Programme rules (DOMAIN.md), each a setting with the programme's default.
    min_months: Mapped[int] = mapped_column(Integer, default=v.DEFAULT_MIN_MONTHS, server_default=str(v.DEFAULT_MIN_MONTHS))
    max_months: Mapped[int] = mapped_column(Integer, default=v.DEFAULT_MAX_MONTHS, server_default=str(v.DEFAULT_MAX_MONTHS))
    weekly_minutes: Mapped[int] = mapped_column(Integer, default=v.DEFAULT_WEEKLY_MINUTES, server_default=str(v.DEFAULT_WEEKLY_MINUTES))
    monthly_group_meetings: Mapped[bool] = mapped_column(default=True, server_default="1")
    evaluation_after_months: Mapped[int] = mapped_column(Integer, default=v.DEFAULT_EVALUATION_MONTHS, server_default=str(v.DEFAULT_EVALUATION_MONTHS))
    retention_months: Mapped[int] = mapped_column(Integer, default=v.DEFAULT_RETENTION_MONTHS, server_default=str(v.DEFAULT_RETENTION_MONTHS))
    matching_weights: Mapped[dict[str, float]] = mapped_column(JSON, default=lambda: dict(v.DEFAULT_WEIGHTS))
    min_score: Mapped[float] = mapped_column(default=0.0, server_default="0")
    agreement_text: Mapped[str] = mapped_column(Text, default=DEFAULT_AGREEMENT_TEXT)
    agreement_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The secret part of the referral link given to the municipality's refugee service.
    referral_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_referral_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def weights(self) -> dict[str, float]:
        """Return the matching weights, defaults filled in for parts never set."""
        return {**v.DEFAULT_WEIGHTS, **(self.matching_weights or {})}

    def __repr__(self) -> str:
        return f"<Branch {self.slug}>"
