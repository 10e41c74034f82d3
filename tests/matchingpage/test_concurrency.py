"""Two coordinators accept at the same moment on the matching page: the guide's capacity holds."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from guidematch.models import OutboxMessage, Pairing
from guidematch.services import matching, pairings
from guidematch.vocabulary import DEFAULT_WEIGHTS, PairingStatus
from tests import factories

pytestmark = pytest.mark.postgres


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_two_coordinators_accepting_two_proposals_for_a_guide_with_one_place(app, db, branch,
                                                                            monkeypatch):
    guide = factories.make_guide(branch, first_name="Kari", capacity=1)
    proposals = [factories.make_pairing(guide, factories.make_refugee(branch, first_name=name))
                 for name in ("Amal", "Rania")]
    clients = []
    for n in range(2):
        factories.make_user(email=f"coordinator{n}@example.org", branch=branch)
        client = app.test_client()
        assert client.post("/login", data={"email": f"coordinator{n}@example.org",
                                           "password": factories.PASSWORD}).status_code == 302
        clients.append(client)

    # Both requests see Kari's one place free before either writes.
    barrier = threading.Barrier(2, timeout=10)
    waited = threading.local()
    real_lock_guide = pairings.lock_guide

    def wait_then_lock_guide(guide):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return real_lock_guide(guide)

    monkeypatch.setattr(pairings, "lock_guide", wait_then_lock_guide)
    statuses: dict[int, int] = {}

    def accept(client, pairing_id):
        # A thread has no app context: the request brings its own, with its own database session.
        statuses[pairing_id] = client.post(f"/matching/{pairing_id}/accept").status_code

    threads = [threading.Thread(target=accept, args=(c, p.id)) for c, p in zip(clients, proposals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert list(statuses.values()) == [302, 302]
    messages = [flashes(client) for client in clients]
    assert sorted(len(m) for m in messages) == [1, 1]
    said = [m[0] for m in messages]
    assert sum("er paret" in m for m in said) == 1
    assert sum("har ingen ledig plass" in m for m in said) == 1
    db.session.expire_all()
    statuses_now = sorted(str(db.session.get(Pairing, p.id).status) for p in proposals)
    assert statuses_now == [PairingStatus.AWAITING_AGREEMENT, PairingStatus.PROPOSED]
    winner = next(p for p in proposals
                  if db.session.get(Pairing, p.id).status == PairingStatus.AWAITING_AGREEMENT)
    sent = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sorted(sent) == sorted([guide.email, winner.refugee.email])


def test_a_proposal_accepted_while_a_run_replaces_it_is_not_confirmed(app, db, branch,
                                                                      monkeypatch):
    """The run holds the proposals; the accept waits, then finds its proposal gone, and says so."""
    kari = factories.make_guide(branch, first_name="Kari")
    amal = factories.make_refugee(branch, first_name="Amal")
    rania = factories.make_refugee(branch, first_name="Rania")
    proposal = factories.make_pairing(kari, amal, score=50.0)
    clients = []
    for n in range(2):
        factories.make_user(email=f"coordinator{n}@example.org", branch=branch)
        client = app.test_client()
        client.post("/login", data={"email": f"coordinator{n}@example.org",
                                    "password": factories.PASSWORD})
        clients.append(client)

    solving = threading.Event()
    real_solve = matching.core.solve

    def slow_solve(*args, **kwargs):
        solving.set()
        time.sleep(1.0)   # the accept arrives meanwhile, and waits for the run's row locks
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(matching.core, "solve", slow_solve)
    statuses = {}
    form = {"refugee_scope": "chosen", "refugee_ids": [rania.id], "guide_scope": "all",
            **{f"weight_{part}": weight for part, weight in DEFAULT_WEIGHTS.items()}}
    accept_url = f"/matching/{proposal.id}/accept"

    def run_for_rania():
        statuses["run"] = clients[0].post("/matching/run", data=form).status_code

    def accept():
        solving.wait(10)
        statuses["accept"] = clients[1].post(accept_url).status_code

    threads = [threading.Thread(target=run_for_rania), threading.Thread(target=accept)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == {"run": 302, "accept": 302}
    assert flashes(clients[1]) == [
        "Noen andre endret disse parene samtidig. Se over på nytt."]
    db.session.expire_all()
    assert db.session.get(Pairing, int(accept_url.split("/")[2])) is None   # the run replaced it
    assert [(p.guide_id, p.refugee_id, p.status) for p in db.session.scalars(select(Pairing))] == [
        (kari.id, rania.id, PairingStatus.PROPOSED)]
    assert db.session.scalars(select(OutboxMessage)).all() == []
