"""Two coordinators confirming at the same moment: the database keeps capacity and one guide per refugee."""
from __future__ import annotations

import threading

import pytest

from guidematch.extensions import db as _db
from guidematch.models import Pairing
from guidematch.services import pairings
from guidematch.services.errors import DomainError
from guidematch.vocabulary import PairingStatus
from tests import factories

pytestmark = pytest.mark.postgres


def confirm_at_once(app, monkeypatch, pairing_ids) -> dict[int, str]:
    """Confirm each pairing in its own thread and session; both load the guide before either locks it."""
    barrier = threading.Barrier(len(pairing_ids), timeout=10)
    waited = threading.local()
    real_lock_guide = pairings.lock_guide

    def wait_then_lock_guide(guide):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()  # both threads have loaded the guide and passed the first checks
        return real_lock_guide(guide)

    monkeypatch.setattr(pairings, "lock_guide", wait_then_lock_guide)
    results: dict[int, str] = {}

    def run(pairing_id):
        with app.app_context():
            try:
                pairings.confirm(_db.session.get(Pairing, pairing_id))
                _db.session.commit()
                results[pairing_id] = "confirmed"
            except DomainError as error:
                _db.session.rollback()
                results[pairing_id] = error.message
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(pid,)) for pid in pairing_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_a_guide_with_one_place_gets_exactly_one_of_two_refugees(app, db, branch, monkeypatch):
    guide = factories.make_guide(branch, capacity=1)
    ids = [factories.make_pairing(guide, factories.make_refugee(branch)).id for _ in range(2)]
    results = confirm_at_once(app, monkeypatch, ids)
    assert list(results.values()).count("confirmed") == 1
    assert any("ingen ledig plass" in r for r in results.values())
    db.session.expire_all()
    statuses = sorted(str(db.session.get(Pairing, pid).status) for pid in ids)
    assert statuses == ["awaiting_agreement", "proposed"]


def test_a_refugee_proposed_to_two_guides_gets_exactly_one(app, db, branch, monkeypatch):
    refugee = factories.make_refugee(branch)
    ids = [factories.make_pairing(factories.make_guide(branch), refugee).id for _ in range(2)]
    results = confirm_at_once(app, monkeypatch, ids)
    assert list(results.values()).count("confirmed") == 1
    assert any("har allerede en guide" in r for r in results.values())
    db.session.expire_all()
    binding = [pid for pid in ids if db.session.get(Pairing, pid).status == PairingStatus.AWAITING_AGREEMENT]
    assert len(binding) == 1


def test_a_guide_with_two_places_takes_both_at_once_in_different_seats(app, db, branch, monkeypatch):
    guide = factories.make_guide(branch, capacity=2)
    ids = [factories.make_pairing(guide, factories.make_refugee(branch)).id for _ in range(2)]
    results = confirm_at_once(app, monkeypatch, ids)
    assert list(results.values()) == ["confirmed", "confirmed"]
    db.session.expire_all()
    assert sorted(db.session.get(Pairing, pid).seat for pid in ids) == [1, 2]
