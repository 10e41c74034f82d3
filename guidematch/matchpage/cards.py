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
from guidematch.matchpage import picker
from guidematch.services import proposal_store
from guidematch.vocabulary import ADULT_AGE, DAYS


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

    @property
    def who(self) -> str:
        """The full name with age and district, so that two of the same name can be told apart."""
        return picker.who(self.person, self.today)

    today: date | None = None


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
    allowed: bool = True     # False: a hard rule keeps them apart (the score bar says so)


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


def places_text(places: proposal_store.Places) -> str:
    """Return a guide's free places in words, with those locked proposals hold."""
    text = _("Free places: %(free)s of %(capacity)s", free=places.free,
             capacity=places.capacity)
    if places.locked:
        text += " " + ngettext("(%(num)s held by a locked proposal)",
                               "(%(num)s held by locked proposals)", places.locked)
    return text


def side(person: Guide | Refugee, other: Guide | Refugee, today: date,
         places: proposal_store.Places | None = None, waiting_said: bool = False) -> Side:
    """Describe one person, marking what they share with the other.

    `waiting_said`: the reasons already say how long the refugee has waited
    (the card says it once), so the facts give the date alone.
    """
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
        facts.append(since if waiting_said else f"{since} ({waited(days)})")
        if person.norwegian_level:
            facts.append(_("Norwegian: %(level)s", level=labels.label(person.norwegian_level)))
    else:
        if places is not None:
            facts.append(places_text(places))
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
        facts=facts, today=today)


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
    # Two hours a week need a time both are free; the score only weighs it, this says it.
    if guide.availability and refugee.availability:
        if not set(guide.availability) & set(refugee.availability):
            found.append(Warning(_("No free time in common")))
    else:
        missing = refugee if not refugee.availability else guide
        found.append(Warning(_("%(name)s has not said when they are free",
                               name=missing.first_name), "info"))
    return found


def card(guide: Guide, refugee: Refugee, today: date, *, score: float | None,
         reasons: list[str], pairing: Pairing | None = None,
         places: proposal_store.Places | None = None, waiting_said: bool = False,
         allowed: bool = True) -> Card:
    return Card(refugee=side(refugee, guide, today, waiting_said=waiting_said),
                guide=side(guide, refugee, today, places),
                score=score, reasons=reasons, warnings=warnings(guide, refugee, today),
                pairing=pairing, allowed=allowed)


def says_waiting(reasons) -> bool:
    """Return whether the core's reasons include how long the refugee has waited."""
    return any(r.key.startswith("waiting") for r in reasons)


def proposal_cards(proposals: list[Pairing], today: date,
                   places: dict[int, proposal_store.Places]) -> list[Card]:
    locale = reader_locale()
    found = []
    for p in proposals:
        reasons = proposal_store.reasons_from_json(p.reasons)
        found.append(card(p.guide, p.refugee, today, score=p.score, pairing=p,
                          reasons=proposal_store.words(reasons, locale),
                          places=places.get(p.guide_id), waiting_said=says_waiting(reasons)))
    return found
