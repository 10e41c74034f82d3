"""A capacity change and a confirm for the same guide at once: never more refugees than places.

Each round: Kari has 2 places, one refugee, and a proposal for a second. One
coordinator lowers her capacity to 1 while another confirms the proposal; both
have loaded Kari (capacity 2) before either takes her row lock (services.seats).
One of the two must be refused. Run with `-s` to see the figures.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from guidematch.extensions import db as _db
from guidematch.models import Guide, Pairing
from guidematch.services import pairings, people, seats
from guidematch.services.errors import DomainError
from guidematch.vocabulary import BINDING_PAIRING_STATUSES, GuideStatus, PairingStatus
from tests import factories

ROUNDS = {"postgresql": 50, "sqlite": 10}  # SQLite serialises all writers: fewer rounds will do


def _race_once(app, monkeypatch, branch, guard) -> tuple[int, dict[str, str]]:
    """Run one round; return (binding pairings minus capacity, what each side was told)."""
    guide = factories.make_guide(branch, capacity=2, status=GuideStatus.AVAILABLE)
    factories.make_pairing(guide, factories.make_refugee(branch), PairingStatus.ACTIVE, seat=1)
    guide_id = guide.id  # the threads must not touch this session's objects
    proposal_id = factories.make_pairing(guide, factories.make_refugee(branch)).id
    barrier = threading.Barrier(2, timeout=10)

    def wait_then_lock(person):
        barrier.wait()  # both have read Kari's capacity 2 and passed their first checks
        return guard(person)

    monkeypatch.setattr(pairings, "lock_guide", wait_then_lock)
    monkeypatch.setattr(people, "lock_guide", wait_then_lock)
    told: dict[str, str] = {}

    def in_own_session(name, step):
        with app.app_context():
            try:
                step()
                _db.session.commit()
                told[name] = "done"
            except DomainError as error:
                _db.session.rollback()
                told[name] = error.message
            except Exception as error:  # counted as neither side winning: the test fails
                told[name] = repr(error)
            finally:
                _db.session.remove()

    def lower():
        people.update_person(_db.session.get(Guide, guide_id), {"capacity": 1})

    def confirm():
        pairings.confirm(_db.session.get(Pairing, proposal_id))

    threads = [threading.Thread(target=in_own_session, args=("lower", lower)),
               threading.Thread(target=in_own_session, args=("confirm", confirm))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    _db.session.expire_all()
    capacity = _db.session.get(Guide, guide_id).capacity
    binding = _db.session.scalar(select(func.count(Pairing.id)).where(
        Pairing.guide_id == guide_id, Pairing.status.in_(BINDING_PAIRING_STATUSES)))
    return binding - capacity, told


def _race(app, db, monkeypatch, branch, guard) -> tuple[int, int, int]:
    rounds = ROUNDS[db.engine.dialect.name]
    overbooked = lowered = confirmed = 0
    for _round in range(rounds):
        over, told = _race_once(app, monkeypatch, branch, guard)
        overbooked += over > 0
        lowered += told.get("lower") == "done"
        confirmed += told.get("confirm") == "done"
    return rounds, overbooked, lowered, confirmed


def test_a_capacity_change_and_a_confirm_never_overbook_a_guide(app, db, branch, monkeypatch):
    rounds, overbooked, lowered, confirmed = _race(app, db, monkeypatch, branch, seats.lock_guide)
    print(f"\ncapacity race on {db.engine.dialect.name}: {rounds} rounds, {overbooked} overbooked, "
          f"capacity lowered in {lowered}, confirmed in {confirmed}")
    assert overbooked == 0
    assert lowered + confirmed == rounds  # exactly one side wins each round, never both


@pytest.mark.postgres
def test_without_the_row_lock_the_same_race_overbooks(app, db, branch, monkeypatch):
    """The control: the race above is real, so its 0 means the lock holds, not luck."""
    rounds, overbooked, _lowered, _confirmed = _race(app, db, monkeypatch, branch, lambda g: g)
    print(f"\ncapacity race without the lock: {rounds} rounds, {overbooked} overbooked")
    assert overbooked > 0
