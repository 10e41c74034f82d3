"""Who gets a pairing's emails: its two people, each in their language, and the branch's coordinators."""
from __future__ import annotations

from sqlalchemy import select

from guidematch.extensions import db
from guidematch.mail import queue_email
from guidematch.models import Guide, OutboxMessage, Refugee, User
from guidematch.vocabulary import Role


def reachable(person: Guide | Refugee) -> bool:
    """Say whether a person can be emailed (has an address, not anonymised)."""
    return bool(person.email) and person.anonymised_at is None


def to_person(person: Guide | Refugee, *, template: str, subject, dedupe_key: str | None = None,
              **context) -> OutboxMessage | None:
    """Queue an email to a guide or refugee in their language; None when unreachable or sent before."""
    if not reachable(person):
        return None
    return queue_email(to=person.email, name=person.first_name, locale=person.locale,
                       template=template, subject=subject, branch_id=person.branch_id,
                       dedupe_key=dedupe_key, about=(person,), recipient=person, **context)


def coordinators(branch_id: int) -> list[User]:
    """Return the active coordinators of a branch."""
    return list(db.session.scalars(select(User).where(
        User.branch_id == branch_id, User.role == Role.COORDINATOR,
        User.is_active_account.is_(True)).order_by(User.id)))


def to_coordinators(branch_id: int, *, template: str, subject, dedupe_prefix: str | None = None,
                    **context) -> list[OutboxMessage]:
    """Queue an email to every coordinator of the branch, each in their language."""
    queued = []
    for user in coordinators(branch_id):
        key = f"{dedupe_prefix}:{user.id}" if dedupe_prefix else None
        message = queue_email(to=user.email, name=user.name, locale=user.locale, template=template,
                              subject=subject, branch_id=branch_id, dedupe_key=key, **context)
        if message is not None:
            queued.append(message)
    return queued
