"""The recurring mail a guide or refugee gets: turning a kind off, and the link that does it.

The unsubscribe link carries the person (side and id) and the kind of the email
it came in, signed (links.py): never an address. It only ever turns mail off, so
it works for UNSUBSCRIBE_LINK_DAYS, long after the email came. What a person must
get (mail_kinds.MUST) cannot be turned off: it has no kind.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from guidematch import links
from guidematch.extensions import db
from guidematch.mail_kinds import KINDS_FOR
from guidematch.models import Guide, MailOptOut, Refugee
from guidematch.services import audit
from guidematch.vocabulary import UNSUBSCRIBE_LINK_DAYS, MailKind, Respondent

PURPOSE = "unsubscribe"
MAX_AGE = timedelta(days=UNSUBSCRIBE_LINK_DAYS)
Person = Guide | Refugee


def side_of(person: Person) -> Respondent:
    return Respondent.GUIDE if isinstance(person, Guide) else Respondent.REFUGEE


def _owner(person: Person):
    return MailOptOut.guide_id if isinstance(person, Guide) else MailOptOut.refugee_id


def turned_off(person: Person) -> set[MailKind]:
    """Return the kinds of recurring mail the person turned off."""
    if person.id is None:
        return set()
    return set(db.session.scalars(select(MailOptOut.kind).where(_owner(person) == person.id)))


def wants(person: Person, kind: MailKind | None) -> bool:
    """Say whether to send the person mail of `kind` (mail without a kind always goes)."""
    return kind is None or kind not in turned_off(person)


def turn_off(person: Person, kind: MailKind) -> bool:
    """Stop mail of `kind` to the person; False when it was off already."""
    if kind in turned_off(person):
        return False
    key = "guide_id" if isinstance(person, Guide) else "refugee_id"
    db.session.add(MailOptOut(kind=kind, **{key: person.id}))
    audit.record("mail.turned_off", person, actor="person", kind=kind.value)
    db.session.flush()
    return True


def choose(person: Person, wanted: set[MailKind]) -> None:
    """Keep the kinds in `wanted` coming and turn the person's other kinds off."""
    offered = set(KINDS_FOR[side_of(person)])
    before = turned_off(person)
    off = offered - wanted
    for kind in sorted(off - before):
        turn_off(person, kind)
    back_on = (before & offered) - off
    if back_on:
        db.session.execute(delete(MailOptOut).where(
            _owner(person) == person.id, MailOptOut.kind.in_(sorted(back_on)))
            .execution_options(synchronize_session=False))
        audit.record("mail.turned_on", person, actor="person",
                     kinds=sorted(k.value for k in back_on))
    db.session.flush()


def token(person: Person, kind: MailKind) -> str:
    return links.sign(PURPOSE, side=side_of(person).value, id=person.id, kind=kind.value)


def unsubscribe_url(person: Person, kind: MailKind) -> str:
    """Return the https link of List-Unsubscribe (request's host, or PUBLIC_BASE_URL from the CLI)."""
    return links.external_url("links.unsubscribe", token=token(person, kind))


def read(token_text: str) -> tuple[Person, MailKind]:
    """Return the person and kind a link names, or raise links.LinkError."""
    payload = links.verify(PURPOSE, token_text, MAX_AGE)
    try:
        side, kind = Respondent(payload["side"]), MailKind(payload["kind"])
        person_id = int(payload["id"])
    except (KeyError, TypeError, ValueError):
        raise links.LinkError("invalid") from None
    person = db.session.get(Guide if side == Respondent.GUIDE else Refugee, person_id)
    if person is None or person.anonymised_at is not None:
        raise links.LinkError("invalid")
    return person, kind
