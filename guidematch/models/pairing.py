"""A pairing of one guide and one refugee, from proposal to its end; exclusions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text,
    UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidematch import vocabulary as v
from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.models.branch import Branch
from guidematch.models.people import Guide, Refugee
from guidematch.services import clock

# The partial indexes' condition, written from the one list of binding statuses.
_BINDING = "status IN ({})".format(", ".join(f"'{s.value}'" for s in v.BINDING_PAIRING_STATUSES))


class Pairing(Model):
    """One guide and one refugee; `status` follows DESIGN.md's life of a pairing.

    Capacity holds under concurrent confirms because a binding pairing takes one
    numbered seat of its guide (1..capacity) and a (guide, seat) pair is unique
    among binding pairings; a refugee is unique among them too. Two coordinators
    confirming at once: one insert wins, the other gets an integrity error.
    """

    __tablename__ = "pairings"
    __table_args__ = (
        Index("uq_pairings_guide_seat_binding", "guide_id", "seat", unique=True,
              sqlite_where=text(_BINDING), postgresql_where=text(_BINDING)),
        Index("uq_pairings_refugee_binding", "refugee_id", unique=True,
              sqlite_where=text(_BINDING), postgresql_where=text(_BINDING)),
        CheckConstraint(f"NOT ({_BINDING}) OR seat >= 1", name="binding_has_seat"),
        CheckConstraint("guide_accepted_at IS NULL OR confirmed_at IS NOT NULL", name="accept_after_confirm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    refugee_id: Mapped[int] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"), index=True)
    status: Mapped[v.PairingStatus] = mapped_column(
        enum_type(v.PairingStatus), default=v.PairingStatus.PROPOSED, index=True)
    seat: Mapped[int | None] = mapped_column(SmallInteger)
    score: Mapped[float | None]
    # Structured reasons from the matching core ({"key": ..., "params": {...}}),
    # rendered in the reader's language when shown.
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)
    locked: Mapped[bool] = mapped_column(default=False, server_default="0")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreement_version: Mapped[int | None] = mapped_column(SmallInteger)
    guide_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refugee_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paper_agreement: Mapped[bool] = mapped_column(default=False, server_default="0")
    start_date: Mapped[date | None] = mapped_column(Date)
    earliest_end: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[v.EndReason | None] = mapped_column(enum_type(v.EndReason))
    end_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    branch: Mapped[Branch] = relationship()
    guide: Mapped[Guide] = relationship(lazy="joined")
    refugee: Mapped[Refugee] = relationship(lazy="joined")

    @property
    def is_binding(self) -> bool:
        return self.status in v.BINDING_PAIRING_STATUSES

    @property
    def is_proposed(self) -> bool:
        return self.status == v.PairingStatus.PROPOSED

    @property
    def is_awaiting_agreement(self) -> bool:
        return self.status == v.PairingStatus.AWAITING_AGREEMENT

    @property
    def is_active(self) -> bool:
        return self.status == v.PairingStatus.ACTIVE

    @property
    def is_ended_early(self) -> bool:
        return self.status == v.PairingStatus.ENDED_EARLY

    def __repr__(self) -> str:
        return f"<Pairing {self.id} {self.status}>"


class MatchExclusion(Model):
    """A guide-refugee pair never to be proposed again (a rejection, a conflict)."""

    __tablename__ = "match_exclusions"
    __table_args__ = (UniqueConstraint("guide_id", "refugee_id", name="uq_match_exclusions_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"))
    refugee_id: Mapped[int] = mapped_column(ForeignKey("refugees.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    guide: Mapped[Guide] = relationship()
    refugee: Mapped[Refugee] = relationship()
