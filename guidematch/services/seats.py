"""A guide's seats: the one guard around capacity and the binding pairings that use it.

A binding pairing (awaiting agreement or active) holds one numbered seat of its
guide, 1..capacity. Two things change how many seats there are and who holds
them: a confirm takes a seat, a capacity change (profile form, CSV import)
moves the top. Both first call `lock_guide`, which takes the guide's row lock
for the rest of the transaction (PostgreSQL: `SELECT ... FOR NO KEY UPDATE`; SQLite:
the database's write lock, `BEGIN IMMEDIATE`) and re-reads the capacity, so the
two cannot interleave: whichever comes second sees what the first committed.
The unique index on (guide, seat) among binding pairings still backs two
confirms up, and is why a seat number, not a count, is what a pairing holds.
"""
from __future__ import annotations

from sqlalchemy import func, select

from guidematch import unit_of_work
from guidematch.extensions import db
from guidematch.models import Guide, Pairing
from guidematch.vocabulary import BINDING_PAIRING_STATUSES


def lock_guide(guide: Guide) -> Guide:
    """Hold the guide's row until the transaction ends, and re-read its capacity and status.

    Call it before changing the guide's capacity or seats: unflushed changes to
    those two attributes are replaced by what is stored.
    """
    if guide.id is None:  # a new guide: nobody else can see it yet
        return guide
    unit_of_work.lock_for_writing()
    # NO KEY UPDATE: it excludes another confirm or capacity change, but not the key-share
    # lock a new pairing's foreign key takes (a matching run inserting proposals for the
    # guide while holding them would otherwise deadlock with an accept).
    db.session.refresh(guide, ["capacity", "status"], with_for_update={"key_share": True})
    return guide


def _binding(*conditions):
    return select(Pairing).where(Pairing.status.in_(BINDING_PAIRING_STATUSES), *conditions)


def used_seats(guide_id: int, exclude_id: int | None = None) -> set[int]:
    """Return the seats the guide's binding pairings hold (but `exclude_id`'s)."""
    stmt = _binding(Pairing.guide_id == guide_id, Pairing.id != (exclude_id or 0))
    return set(db.session.scalars(stmt.with_only_columns(Pairing.seat)))


def free_seat(guide: Guide, exclude_id: int | None = None) -> int | None:
    """Return the lowest seat (1..capacity) no binding pairing of the guide holds, or None."""
    taken = used_seats(guide.id, exclude_id)
    return next((seat for seat in range(1, guide.capacity + 1) if seat not in taken), None)


def binding_count(guide: Guide) -> int:
    """Return how many refugees a guide has now (pairings awaiting agreement or active)."""
    if guide.id is None:
        return 0
    return db.session.scalar(select(func.count(Pairing.id)).where(
        Pairing.guide_id == guide.id, Pairing.status.in_(BINDING_PAIRING_STATUSES))) or 0
