"""What a proposal card shows: both people side by side, what they share, and what to watch for."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from babel import Locale, UnknownLocaleError
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _

from guidematch import labels
from guidematch.matching import normalise_text, offered_activities
from guidematch.matching.constraints import may_be_minor
from guidematch.matching.wording import MONTHS_FROM_DAYS, months_of
from guidematch.models import Guide, Pairing, Refugee
from guidematch.services import proposal_store
from guidematch.vocabulary import ADULT_AGE, DAYS

LONG_WAIT_DAYS = 180  # from here the waiting time is a warning, not just a fact


@dataclass
class Item:
    """One value as shown (a language, an interest...), and whether the other person shares it."""

    text: str
    shared: bool = False


@dataclass
class Side:
    """One person of a pair, as the card shows them."""

    person: Guide | Refugee
    kind: str
    age: int | None
    languages: list[Item]
    interests: list[Item]
    activities: list[Item]
    availability: list[tuple[str, list[Item]]]   # (day part, days)
    family: Item
    district: Item
    facts: list[str] = field(default_factory=list)


@dataclass
class Warning:
    text: str
    level: str = "warning"   # Bootstrap colour: warning, info, danger


@dataclass
class Card:
    """A proposal (or a pair under consideration): both sides, score, reasons and warnings."""

    refugee: Side
    guide: Side
    score: float | None
    reasons: list[str]
    warnings: list[Warning]
    pairing: Pairing | None = None


def reader_locale() -> str:
    return str(get_locale() or "nb")


def _day_names() -> list[str]:
    try:
        names = Locale.parse(reader_locale()).days["format"]["abbreviated"]
    except (UnknownLocaleError, ValueError):
        names = Locale("nb").days["format"]["abbreviated"]
    return [names[i] for i in range(7)]


def availability(slots: tuple[str, ...], other: tuple[str, ...]) -> list[tuple[str, list[Item]]]:
    """Group free times by part of the day: [("Evening", [Mon, Wed✓]), ("Daytime", [Sat])]."""
    days = _day_names()
    groups = []
    for part in ("evening", "day"):
        items = [Item(days[i], f"{day}_{part}" in other)
                 for i, day in enumerate(DAYS) if f"{day}_{part}" in slots]
        if items:
            groups.append((labels.label(part, "day_part"), items))
    return groups


def side(person: Guide | Refugee, other: Guide | Refugee, today: date,
         places: int | None = None) -> Side:
    """Describe one person, marking what they share with the other."""
    kind = "guide" if isinstance(person, Guide) else "refugee"
    # What the guide can offer is the core's rule (driving practice needs a car).
    if kind == "guide":
        wanted = set(other.activities)
        items = [Item(labels.label(a, "activity"), a in wanted)
                 for a in offered_activities(person.activities, person.has_car)]
    else:
        offered = set(offered_activities(other.activities, other.has_car))
        items = [Item(labels.label(a, "activity"), a in offered) for a in person.activities]
    facts = []
    if kind == "refugee":
        days = (today - person.waiting_since).days
        since = _("Waiting since %(date)s", date=format_date(person.waiting_since))
        facts.append(f"{since} ({waited(days)})")
        if person.norwegian_level:
            facts.append(_("Norwegian: %(level)s", level=labels.label(person.norwegian_level)))
    else:
        if places is not None:
            facts.append(_("Free places: %(free)s of %(capacity)s", free=places,
                           capacity=person.capacity))
        if person.has_car:
            facts.append(_("Has a car"))
    return Side(
        person=person, kind=kind, age=person.age(today),
        languages=[Item(labels.language_name(c), c in other.languages) for c in person.languages],
        interests=[Item(labels.label(i, "interest"), i in other.interests)
                   for i in person.interests],
        activities=items, availability=availability(person.availability, other.availability),
        family=Item(labels.label(person.family_situation),
                    bool(person.family_situation)
                    and person.family_situation == other.family_situation),
        district=Item(person.district, bool(person.district)
                      and normalise_text(person.district) == normalise_text(other.district)),
        facts=facts)


def waited(days: int) -> str:
    """Return a waiting time in words: days under two months, months after."""
    if days < MONTHS_FROM_DAYS:  # the reasons' rule, so a card and its reasons agree
        return ngettext("%(num)s day", "%(num)s days", max(days, 0))
    return ngettext("%(num)s month", "%(num)s months", months_of(days))


def minor(refugee: Refugee, today: date) -> bool:
    """Whether the refugee may be under 18, by the matching core's rule (year of birth only)."""
    year = np.array([np.nan if refugee.birth_year is None else refugee.birth_year], dtype=float)
    return bool(may_be_minor(year, today)[0])


def warnings(guide: Guide, refugee: Refugee, today: date) -> list[Warning]:
    """Return what the coordinator should know before confirming this pair."""
    found = []
    if refugee.interpreter_needed:
        found.append(Warning(_("Interpreter needed for the first meeting")))
    if refugee.languages and guide.languages and not set(refugee.languages) & set(guide.languages):
        found.append(Warning(_("No common language")))
    if minor(refugee, today):
        text = _("May be under %(age)s: a police certificate is needed", age=ADULT_AGE)
        if guide.has_police_certificate:
            found.append(Warning(text + " – " + _("the guide has one"), "info"))
        else:
            found.append(Warning(text + " – " + _("the guide has none"), "danger"))
    if guide.has_pets:
        found.append(Warning(_("The guide has pets"), "info"))
    days = (today - refugee.waiting_since).days
    if days >= LONG_WAIT_DAYS:
        found.append(Warning(_("Has waited %(time)s", time=waited(days))))
    return found


def card(guide: Guide, refugee: Refugee, today: date, *, score: float | None, reasons: list[str],
         pairing: Pairing | None = None, places: int | None = None) -> Card:
    return Card(refugee=side(refugee, guide, today), guide=side(guide, refugee, today, places),
                score=score, reasons=reasons, warnings=warnings(guide, refugee, today),
                pairing=pairing)


def proposal_cards(proposals: list[Pairing], today: date, places: dict[int, int]) -> list[Card]:
    locale = reader_locale()
    return [card(p.guide, p.refugee, today, score=p.score, pairing=p,
                 reasons=proposal_store.reason_words(p.reasons, locale),
                 places=places.get(p.guide_id, 0))
            for p in proposals]
