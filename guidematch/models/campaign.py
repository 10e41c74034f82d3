"""A recruitment campaign: a channel (poster, radio, ...), whom it seeks, and its own sign-up link."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidematch import vocabulary as v
from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.models.branch import Branch
from guidematch.services import clock

# Codes are read off posters and typed from a newspaper or the radio: lower case, and
# no 0/o, 1/l/i that look alike. 8 of 31 characters: about 40 bits, not guessable by trying.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 8


def new_campaign_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(value: str | None) -> str:
    """Return `value` as a code we could have made (any case, spaces around ignored), or ""."""
    value = (value or "").strip().lower()
    return value if len(value) == CODE_LENGTH and set(value) <= set(CODE_ALPHABET) else ""


class Campaign(Model):
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[v.CampaignChannel] = mapped_column(enum_type(v.CampaignChannel))
    # Whom the campaign seeks, if anyone in particular: the poster says so.
    seeks_gender: Mapped[v.Gender | None] = mapped_column(enum_type(v.Gender))
    seeks_language: Mapped[str | None] = mapped_column(String(8))  # an ISO 639-1 code, as guides' languages
    seeks_district: Mapped[str | None] = mapped_column(String(100))  # one of the branch's districts
    # The public link's part (/c/<code>): unique over all branches, since it names the branch too.
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_campaign_code)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    branch: Mapped[Branch] = relationship(Branch)

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.code}>"
