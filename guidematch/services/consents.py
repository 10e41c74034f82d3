"""Record the consents a person gave: which text, which version, when and how."""
from __future__ import annotations

from guidematch.consent_texts import ConsentText
from guidematch.extensions import db
from guidematch.models import Consent, Guide, Refugee
from guidematch.services import clock


def record(person: Guide | Refugee, *texts: ConsentText, given_how: str) -> None:
    """Add a Consent row per text for a saved person; `given_how` says how it was given."""
    owner = {"guide_id": person.id} if isinstance(person, Guide) else {"refugee_id": person.id}
    given_at = clock.now()
    for text in texts:
        db.session.add(Consent(branch_id=person.branch_id, kind=text.kind,
                               text_version=text.version, given_at=given_at, given_how=given_how,
                               **owner))
