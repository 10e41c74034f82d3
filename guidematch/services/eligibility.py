"""Who may be matched: the waiting list and the guides who can take a refugee now.

Written once, as SQL clauses, and asked by every page that lists or counts
them (the dashboard, the matching page, the guide and refugee lists), so that
all of them agree: a refugee waits when `Refugee.is_waiting` holds (waiting,
not anonymised) and no binding pairing holds them; a guide can guide when
`Guide.is_available` holds (available, credentials complete, not anonymised)
and a place is free (capacity minus the binding pairings that hold one).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import lazyload

from guidematch import matching as core
from guidematch.extensions import db
from guidematch.models import Branch, Guide, Pairing, Refugee
from guidematch.services.people import record_from_person
from guidematch.vocabulary import BINDING_PAIRING_STATUSES


def _binding():
    return Pairing.status.in_(BINDING_PAIRING_STATUSES)


def waiting_clause():
    """Return the WHERE clause of "on the waiting list" for `Refugee` rows."""
    held = exists().where(Pairing.refugee_id == Refugee.id, _binding())
    return Refugee.is_waiting & ~held


def taken_count():
    """Return a correlated SQL count of a `Guide` row's places held by binding pairings."""
    return (select(func.count()).where(Pairing.guide_id == Guide.id, _binding())
            .correlate(Guide).scalar_subquery())


def can_guide_clause():
    """Return the WHERE clause of "can take a refugee now" for `Guide` rows."""
    return Guide.is_available & (taken_count() < Guide.capacity)


def free_places_by_gender(branch_id: int) -> dict[str, int]:
    """Return the free places of the branch's guides who can take a refugee now, by gender."""
    free = func.sum(Guide.capacity - taken_count())
    rows = db.session.execute(select(Guide.gender, free)
                              .where(Guide.branch_id == branch_id, can_guide_clause())
                              .group_by(Guide.gender)).all()
    return {str(gender): int(places or 0) for gender, places in rows}


def waiting_select(branch_id: int) -> Select:
    """Return the branch's refugees on the waiting list, longest waiting first.

    No loader options here: callers choose (a page of names wants no tags; the
    people's tags load in one query by the relationship's default).
    """
    return (select(Refugee).where(Refugee.branch_id == branch_id, waiting_clause())
            .order_by(Refugee.waiting_since, Refugee.id))


def can_guide_select(branch_id: int) -> Select:
    """Return the branch's guides who can take a refugee now, by first name."""
    return (select(Guide).where(Guide.branch_id == branch_id, can_guide_clause())
            .order_by(Guide.first_name, Guide.id))


def count(stmt: Select) -> int:
    """Return how many rows a select of people gives."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def taken_places(branch: Branch, guide_ids: Collection[int] | None = None) -> dict[int, int]:
    """Return each guide's places held by pairings awaiting agreement or active (id -> count).

    With `guide_ids`, only those guides' (a page asks for the ones it shows).
    """
    stmt = select(Pairing.guide_id, func.count()).where(Pairing.branch_id == branch.id, _binding())
    if guide_ids is not None:
        stmt = stmt.where(Pairing.guide_id.in_(list(guide_ids)))
    rows = db.session.execute(stmt.group_by(Pairing.guide_id)).all()
    return dict(rows)  # type: ignore[arg-type]


def places_left(guide: Guide, taken: Mapping[int, int]) -> int:
    """Return a guide's free places, given the places taken (from `taken_places`)."""
    return max(0, guide.capacity - taken.get(guide.id, 0))


def matchable_guides(branch: Branch) -> tuple[list[Guide], dict[int, int]]:
    """Return the branch's guides who can take a refugee now, and their free places (by id).

    Without their tags: a run builds the profiles from the rows (`services.profile_rows`).
    """
    guides = list(db.session.scalars(can_guide_select(branch.id).options(lazyload(Guide.tags))))
    taken = taken_places(branch)
    return guides, {g.id: places_left(g, taken) for g in guides}


def _holds(model, clause, person_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(model.id == person_id, clause))))


def is_waiting(refugee: Refugee) -> bool:
    """Return whether a refugee is on the waiting list (the same rule as the lists)."""
    return _holds(Refugee, waiting_clause(), refugee.id)


def is_matchable(guide: Guide) -> bool:
    """Return whether a guide may get a refugee now (places are checked apart)."""
    return bool(guide.is_available)


def guide_record(guide: Guide, places: int) -> core.ProfileRecord:
    """Return a guide's profile for the core, with the places still free as its capacity."""
    return dataclasses.replace(record_from_person(guide), capacity=places)
