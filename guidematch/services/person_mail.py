"""The emails a guide or refugee is in: to them, or about them (the partner's, the caseworker's).

Erasure, anonymisation and the purges delete these with the person: a sent
email's text names them as surely as their profile does. The outbox row keeps
no other trace; the audit event that caused the deletion counts the rows.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, func, or_, select

from guidematch.extensions import db
from guidematch.models import Guide, OutboxMention, OutboxMessage, Refugee

Person = Guide | Refugee


def message_ids(person: Person) -> list[int]:
    """Return the ids of the outbox rows to or about `person`."""
    side = OutboxMention.guide_id if isinstance(person, Guide) else OutboxMention.refugee_id
    about = select(OutboxMention.message_id).where(side == person.id)
    found = [OutboxMessage.id.in_(about)]
    if person.email:  # also to an address they had before a mention was recorded
        found.append(and_(OutboxMessage.branch_id == person.branch_id,
                          func.lower(OutboxMessage.to_address) == person.email.lower()))
    return list(db.session.scalars(select(OutboxMessage.id).where(or_(*found))))


def delete_mail(person: Person) -> int:
    """Delete every outbox row to or about `person`; return how many went."""
    ids = message_ids(person)
    if ids:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .execution_options(synchronize_session=False))
    return len(ids)
