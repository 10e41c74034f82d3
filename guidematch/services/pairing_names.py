"""Pairings loaded to be listed: each with its two people's names and nothing more (no tags)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only

from guidematch.extensions import db
from guidematch.models import Guide, Pairing, Refugee


def lean_people():
    """Return loader options: a pairing's two people by name only, without their tags."""
    return [joinedload(Pairing.guide).options(
                load_only(Guide.id, Guide.first_name, Guide.last_name), lazyload(Guide.tags)),
            joinedload(Pairing.refugee).options(
                load_only(Refugee.id, Refugee.first_name, Refugee.last_name),
                lazyload(Refugee.tags))]


def by_ids(ids: Iterable[int]) -> dict[int, Pairing]:
    """Return the pairings of `ids` with their people's names, in one query."""
    ids = set(ids)
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(
        select(Pairing).where(Pairing.id.in_(ids)).options(*lean_people()))}
