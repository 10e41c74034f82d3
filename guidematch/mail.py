"""Write an email to the outbox, rendered in the recipient's language.

Each email is a template pair `templates/email/<name>.txt` and `.html`. The row
is added to the current transaction, so the email exists exactly when the
event that caused it does; `flask outbox deliver` sends it later. Each row
records the guides and refugees it is to or about (OutboxMention), so that
erasing a person deletes every email that names them (services.person_mail).

What kind an email is (mail_kinds.rule_for its template) decides its extra
headers, stored with the row so that every delivery attempt sends the same:
recurring mail to a guide or refugee carries their unsubscribe link, and is not
written at all when they turned that kind off. That rule is here and only here.
"""
from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from flask import render_template
from flask_babel import LazyString, force_locale, gettext
from sqlalchemy import select

from guidematch import mail_kinds
from guidematch.extensions import db
from guidematch.i18n import text_direction
from guidematch.models import Guide, OutboxMention, OutboxMessage, Pairing, Refugee
from guidematch.services import mail_choices
from guidematch.vocabulary import PERSON_LOCALES


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    def as_json(self) -> dict:
        return {"filename": self.filename, "content_type": self.content_type,
                "data": base64.b64encode(self.data).decode("ascii")}


def queue_email(*, to: str, template: str, subject: str, locale: str, name: str = "",
                branch_id: int | None = None, dedupe_key: str | None = None,
                attachments: Iterable[Attachment] = (), about: Iterable[Guide | Refugee] = (),
                recipient: Guide | Refugee | None = None, **context) -> OutboxMessage | None:
    """Render `template` in `locale` and add it to the outbox; None if `dedupe_key` was used.

    `recipient` is the guide or refugee it goes to (notify.to_person passes it):
    recurring mail to them carries their unsubscribe link, and is not queued (None)
    when they turned its kind off. Mail to anyone else has no mail choices.

    `subject` is an English msgid, translated here into the recipient's language
    (mark it with `lazy_gettext` / `_l` or `N_` at the call site so it is extracted).
    `about` names the people the email is to or about; the guides, refugees and
    pairings in the template's context are added to them.
    """
    if dedupe_key and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    rule = mail_kinds.rule_for(template)
    if recipient is None:  # a coordinator, a caseworker: nobody with mail choices
        rule = mail_kinds.MailRule(kind=None, automatic=rule.automatic)
    unsubscribe_url = None
    if rule.kind is not None:
        if not mail_choices.wants(recipient, rule.kind):
            return None
        unsubscribe_url = mail_choices.unsubscribe_url(recipient, rule.kind)
    locale = locale if locale in PERSON_LOCALES else "nb"
    with force_locale(locale):
        subject_text = str(subject) if isinstance(subject, LazyString) else gettext(subject)
        ctx = {"locale": locale, "dir": text_direction(locale), "subject": subject_text,
               "recipient_name": name, "unsubscribe_url": unsubscribe_url, **context}
        body_text = render_template(f"email/{template}.txt", **ctx)
        body_html = render_template(f"email/{template}.html", **ctx)
    message = OutboxMessage(
        branch_id=branch_id, to_address=to, to_name=name, subject=subject_text,
        body_text=body_text, body_html=body_html, locale=locale, template=template,
        attachments=[a.as_json() for a in attachments], dedupe_key=dedupe_key,
        headers=mail_kinds.headers(rule, unsubscribe_url),
    )
    db.session.add(message)
    db.session.flush()
    for person in mentioned(about, context.values()):
        key = "guide_id" if isinstance(person, Guide) else "refugee_id"
        db.session.add(OutboxMention(message_id=message.id, **{key: person.id}))
    db.session.flush()
    return message


def mentioned(about: Iterable[Guide | Refugee], context: Iterable[object]) -> list[Guide | Refugee]:
    """Return the stored people an email is about: `about`, and those its template may name."""
    found: dict[tuple[type, int], Guide | Refugee] = {}
    for item in (*about, *context):
        # A template is given whole objects and may print any name they lead to.
        people = (item.guide, item.refugee) if isinstance(item, Pairing) else (item,)
        for person in people:
            if isinstance(person, (Guide, Refugee)) and person.id is not None:
                found[(type(person), person.id)] = person
    return list(found.values())
