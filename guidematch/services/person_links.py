"""The signed links a guide or refugee gets about their pairing, and reading them back.

A link names its purpose (the signing salt), the pairing, the side (guide or
refugee) and that person's id; a weekly-log link also names its ISO week and,
for a one-click answer, the minutes. Reading one back checks all of it against
the database: a link works only for its own pairing and person, and expires.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from guidematch import links
from guidematch import vocabulary as v
from guidematch.extensions import db
from guidematch.models import Guide, Pairing, Refugee
from guidematch.programme import parse_week_key, quick_answers

AGREEMENT = "pairing-agreement"
WEEKLY_LOG = "weekly-log"
EVALUATION = "evaluation"

MAX_AGE = {
    AGREEMENT: timedelta(days=v.AGREEMENT_LINK_DAYS),
    WEEKLY_LOG: timedelta(days=v.WEEKLY_LOG_LINK_DAYS),
    EVALUATION: timedelta(days=v.EVALUATION_LINK_DAYS),
}


@dataclass(frozen=True)
class PersonLink:
    """A verified link: whose it is, and what it is about."""

    pairing: Pairing
    side: v.Respondent
    person: Guide | Refugee
    week: str | None = None
    minutes: int | None = None


def person_of(pairing: Pairing, side: v.Respondent) -> Guide | Refugee:
    return pairing.guide if side == v.Respondent.GUIDE else pairing.refugee


def other_side(side: v.Respondent) -> v.Respondent:
    return v.Respondent.REFUGEE if side == v.Respondent.GUIDE else v.Respondent.GUIDE


def other_person(pairing: Pairing, side: v.Respondent) -> Guide | Refugee:
    return person_of(pairing, other_side(side))


def token_for(purpose: str, pairing: Pairing, side: v.Respondent, **extra) -> str:
    """Return a signed token for one person of a pairing."""
    return links.sign(purpose, p=pairing.id, s=str(side), who=person_of(pairing, side).id, **extra)


def agreement_url(pairing: Pairing, side: v.Respondent) -> str:
    return links.external_url("links.agreement", token=token_for(AGREEMENT, pairing, side))


def evaluation_url(pairing: Pairing, side: v.Respondent) -> str:
    return links.external_url("links.evaluation", token=token_for(EVALUATION, pairing, side))


def weekly_log_urls(pairing: Pairing, week: str) -> tuple[list[tuple[int, str]], str]:
    """Return the guide's one-click links [(minutes, url)] for `week`, and the form's link."""
    side = v.Respondent.GUIDE
    clicks = [(minutes, links.external_url(
        "links.weekly_log", token=token_for(WEEKLY_LOG, pairing, side, w=week, m=minutes)))
        for minutes in quick_answers(pairing.branch.weekly_minutes)]
    form = links.external_url("links.weekly_log_form", token=token_for(WEEKLY_LOG, pairing, side, w=week))
    return clicks, form


def read(purpose: str, token: str) -> PersonLink:
    """Return what a token is about, or raise links.LinkError (links.LinkExpired when too old)."""
    payload = links.verify(purpose, token, MAX_AGE[purpose])
    try:
        side = v.Respondent(payload["s"])
        pairing = db.session.get(Pairing, int(payload["p"]))
        person_id = int(payload["who"])
        week = payload.get("w")
        minutes = payload.get("m")
        if week is not None:
            parse_week_key(week)
        # Signed, so never forged; but the branch's minimum (one of the answers) may have
        # changed since the email went out: any day's minutes are a valid answer.
        if minutes is not None and (type(minutes) is not int
                                    or not 0 <= minutes <= v.MAX_LOG_MINUTES):
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise links.LinkError("malformed") from None
    if pairing is None:
        raise links.LinkError("gone")
    person = person_of(pairing, side)
    if person is None or person.id != person_id or person.anonymised_at is not None:
        raise links.LinkError("not this person")
    if purpose == WEEKLY_LOG and (side != v.Respondent.GUIDE or week is None):
        raise links.LinkError("malformed")
    return PersonLink(pairing, side, person, week, minutes)


def person_hint(purpose: str, token: str) -> Guide | Refugee | None:
    """Return whose an expired (but genuine) link was, to answer them in their language."""
    valid, payload = links._serializer(purpose).loads_unsafe(token)
    if not valid or not isinstance(payload, dict):
        return None
    try:
        pairing = db.session.get(Pairing, int(payload["p"]))
        person = person_of(pairing, v.Respondent(payload["s"])) if pairing else None
    except (KeyError, TypeError, ValueError):
        return None
    return person if person is not None and person.id == payload.get("who") else None
