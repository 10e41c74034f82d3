"""A branch: one local Red Cross chapter, with its programme settings."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from guidematch import vocabulary as v
from guidematch.models.base import Model, UTCDateTime
from guidematch.services import clock


def new_referral_token() -> str:
    return secrets.token_urlsafe(24)


class Branch(Model):
    __tablename__ = "branches"
    __table_args__ = (
        CheckConstraint("min_months >= 1 AND max_months >= min_months", name="months_order"),
        CheckConstraint(f"weekly_minutes BETWEEN 0 AND {v.MAX_WEEKLY_MINUTES}",
                        name="weekly_minutes_range"),
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
    # The agreement's words in every language: the filled default (agreement_texts.py) or a
    # coordinator's own text for a language. The version goes up whenever any of them changes.
    agreement_texts: Mapped[dict[str, AgreementText]] = relationship(
        collection_class=attribute_keyed_dict("locale"), cascade="all, delete-orphan",
        passive_deletes=True, order_by="AgreementText.locale")
    agreement_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The secret part of the referral link given to the municipality's refugee service.
    referral_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_referral_token)
    # An admin can require two-factor login of the branch's coordinators.
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def weights(self) -> dict[str, float]:
        """Return the matching weights, defaults filled in for parts never set."""
        return {**v.DEFAULT_WEIGHTS, **(self.matching_weights or {})}

    def __repr__(self) -> str:
        return f"<Branch {self.slug}>"


class AgreementText(Model):
    """A coordinator's own agreement text in one language, used instead of the filled default."""

    __tablename__ = "agreement_texts"
    __table_args__ = (
        UniqueConstraint("branch_id", "locale"),
        CheckConstraint("locale IN (" + ", ".join(f"'{code}'" for code in v.PERSON_LOCALES) + ")",
                        name="known_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
