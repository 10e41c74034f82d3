"""Choosing people on the matching page: a search of the waiting list or the available guides.

Two thousand checkboxes or options are no way to find someone: the page prints
the people already chosen and the hits of a search (on the server, so that it
works without JavaScript too); matching.js asks the same search as you type.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload, load_only

from guidematch.extensions import db
from guidematch.models import Branch, Guide, Refugee
from guidematch.people.listing import search_clause
from guidematch.services import eligibility, proposal_store, waiting

KINDS = ("refugee", "guide")
HITS = 20   # at most this many search results are shown


@dataclass(frozen=True)
class Option:
    """One person to tick: their id, who they are in words, and whether they are chosen."""

    id: int
    label: str
    checked: bool = False


def _select(branch: Branch, kind: str):
    if kind == "refugee":
        return eligibility.waiting_select(branch.id).options(
            load_only(*waiting.person_columns(Refugee), Refugee.waiting_since),
            lazyload(Refugee.tags))
    return eligibility.can_guide_select(branch.id).options(
        load_only(*waiting.person_columns(Guide), Guide.capacity), lazyload(Guide.tags))


def who(person: Guide | Refugee, today: date) -> str:
    """Return a person's full name with age and district, to tell two of the same name apart."""
    parts = [person.full_name]
    age = person.age(today)
    if age is not None:
        parts.append(ngettext("%(num)s year", "%(num)s years", age))
    if person.district:
        parts.append(person.district)
    return ", ".join(parts)


def _label(person, today: date, places: Mapping[int, proposal_store.Places]) -> str:
    if isinstance(person, Refugee):
        return who(person, today) + " · " + _("waiting since %(date)s",
                                              date=format_date(person.waiting_since))
    free = places[person.id].free if person.id in places else 0
    return who(person, today) + " · " + ngettext("%(num)s free place", "%(num)s free places", free)


def options(branch: Branch, kind: str, today: date, *, chosen: Collection[int] = (),
            q: str = "") -> list[Option]:
    """Return the chosen people (ticked) and, with a search, its hits (not ticked)."""
    chosen = [i for i in chosen if isinstance(i, int)]
    model = Refugee if kind == "refugee" else Guide
    people = []
    if chosen:
        people += db.session.scalars(_select(branch, kind).where(model.id.in_(chosen))).all()
    if q.strip():
        hits = _select(branch, kind).where(*search_clause(model, q.strip()[:100]))
        if chosen:
            hits = hits.where(model.id.not_in(chosen))
        people += db.session.scalars(hits.limit(HITS)).all()
    places = proposal_store.places(branch, people) if kind == "guide" else {}
    picked = set(chosen)
    return [Option(p.id, _label(p, today, places), p.id in picked) for p in people]
