"""Sign-ups never confirmed are deleted after 30 days, as the privacy notice promises."""
from __future__ import annotations

from datetime import timedelta

from guidematch.models import AuditEvent, Consent, Guide, Refugee
from guidematch.services import clock, signup
from guidematch.vocabulary import UNCONFIRMED_PURGE_DAYS, ConsentKind, GuideStatus, RefugeeStatus
from tests import factories


def test_stale_unconfirmed_sign_ups_are_deleted_and_nothing_else(db, branch):
    old = clock.now() - timedelta(days=UNCONFIRMED_PURGE_DAYS + 1)
    stale_guide = factories.make_guide(branch, status=GuideStatus.UNCONFIRMED, created_at=old)
    stale_refugee = factories.make_refugee(branch, status=RefugeeStatus.UNCONFIRMED, created_at=old)
    db.session.add(Consent(branch_id=branch.id, guide_id=stale_guide.id, kind=ConsentKind.PRIVACY,
                           text_version="guide-privacy-1"))
    fresh = factories.make_guide(branch, status=GuideStatus.UNCONFIRMED)
    confirmed_long_ago = factories.make_guide(branch, status=GuideStatus.APPLIED, created_at=old,
                                              email_confirmed_at=old)
    referred = factories.make_refugee(branch, status=RefugeeStatus.WAITING, created_at=old)
    db.session.commit()

    assert signup.purge_unconfirmed() == 2
    db.session.commit()
    assert {g.id for g in db.session.query(Guide)} == {fresh.id, confirmed_long_ago.id}
    assert {r.id for r in db.session.query(Refugee)} == {referred.id}
    assert db.session.query(Consent).count() == 0
    event = db.session.query(AuditEvent).filter_by(action="unconfirmed_purged").one()
    assert event.details == {"count": 2} and event.branch_id == branch.id
    assert stale_refugee.first_name not in str(event.details)
