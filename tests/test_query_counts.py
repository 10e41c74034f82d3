"""Every coordinator page runs the same number of SQL queries for 50 people as for 500.

The pages are found from the app's URL map, so a page added later is counted too.
The data set is bench/dataset.py's, built through the services at two sizes (the
benchmark measures the time at the full size: 10,000 refugees); the larger has more
recruitment campaigns too, so the campaign pages are counted for a few and for many.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from bench import dataset
from guidematch.extensions import db as _db
from guidematch.models import (
    Campaign, GroupMeeting, Guide, MeetingLog, OutboxMessage, Pairing, Refugee, User,
)
from guidematch.vocabulary import GuideStatus, PairingStatus, RefugeeStatus

TODAY = date(2026, 11, 19)
SMALL, LARGE = 0.0035, 0.035  # about 50 and 500 guides and refugees in all
# An admin's pages list branches and users; the national view runs `figures()` once per
# branch, and this walk logs in as a coordinator, so it cannot count it per branch.
ADMIN_ONLY = {"admin.index", "admin.new_user", "reports.national", "reports.download_national"}
# the import's preview needs an upload first (tests/people/test_import_export.py covers it)
NOT_PAGES = {"static", "bootstrap.static", "people.import_preview"}


def _ids(email: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Return an id for every URL parameter, from the coordinator's branch, and extra query args."""
    branch_id = _db.session.scalar(select(User.branch_id).where(User.email == email))
    pairing = _db.session.scalar(
        select(Pairing.id).join(MeetingLog, MeetingLog.pairing_id == Pairing.id)
        .where(Pairing.branch_id == branch_id, Pairing.status == PairingStatus.ACTIVE)
        .group_by(Pairing.id).order_by(func.count().desc(), Pairing.id).limit(1))
    ids = {
        "guide_id": _db.session.scalar(select(Pairing.guide_id).where(Pairing.id == pairing)),
        "refugee_id": _db.session.scalar(select(Pairing.refugee_id).where(Pairing.id == pairing)),
        "pairing_id": pairing,
        "log_id": _db.session.scalar(select(func.min(MeetingLog.id))
                                     .where(MeetingLog.pairing_id == pairing)),
        "meeting_id": _db.session.scalar(select(func.min(GroupMeeting.id))
                                         .where(GroupMeeting.branch_id == branch_id)),
        "message_id": _db.session.scalar(select(func.min(OutboxMessage.id))
                                         .where(OutboxMessage.branch_id == branch_id)),
        "campaign_id": _db.session.scalar(select(func.min(Campaign.id))
                                          .where(Campaign.branch_id == branch_id)),
    }
    free = _db.session.scalar(select(func.min(Guide.id)).where(
        Guide.branch_id == branch_id, Guide.status == GuideStatus.AVAILABLE))
    waiting = _db.session.scalar(select(func.min(Refugee.id)).where(
        Refugee.branch_id == branch_id, Refugee.status == RefugeeStatus.WAITING))
    return ids, {"matching.pair": {"guide_id": free, "refugee_id": waiting}}


def _count_pages(app, client, email: str) -> dict[str, int]:
    login = {"email": email, "password": dataset.PASSWORD}
    assert client.post("/login", data=login).status_code == 302
    ids, extra = _ids(email)
    counts = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        if ("GET" not in rule.methods or rule.endpoint in NOT_PAGES | ADMIN_ONLY
                or getattr(view, "is_public", False)):
            continue
        url = app.url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments},
                          **extra.get(rule.endpoint, {}))
        client.get(url)  # warm: the first request of an app compiles its templates
        seen = []

        def count(*_args):
            seen.append(1)

        # The suite's app context spans requests, so without this the session's identity
        # map would carry the warm request's objects over, kept or not as the garbage
        # collector decides; in production each request starts with an empty session.
        _db.session.remove()
        event.listen(_db.engine, "before_cursor_execute", count)
        try:
            response = client.get(url)
        finally:
            event.remove(_db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        counts[rule.endpoint] = len(seen)
    client.post("/logout")
    return counts


@pytest.fixture
def two_sizes(db, monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    small = dataset.build(SMALL, today=TODAY, suffix="-small")
    large = dataset.build(LARGE, today=TODAY, suffix="-large")
    return small, large


def test_every_coordinator_page_runs_as_many_queries_for_500_people_as_for_50(app, client,
                                                                             two_sizes):
    small, large = two_sizes
    people = {size: small.counts[size] for size in ("guides", "refugees")}
    assert sum(people.values()) < 80 and large.counts["guides"] + large.counts["refugees"] > 450
    first = _count_pages(app, client, small.coordinators["tromso"])
    second = _count_pages(app, client, large.coordinators["tromso"])
    assert len(first) >= 25, "the walk should reach every coordinator page"
    grew = {page: (first[page], second[page]) for page in first if first[page] != second[page]}
    assert not grew, f"queries grew with the data (50 people, 500 people): {grew}"
