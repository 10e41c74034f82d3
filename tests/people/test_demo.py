"""`flask demo-data`: a branch to try the product on, with people and pairings in every state."""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from guidematch import demo
from guidematch.models import (
    Attendance, Branch, GroupMeeting, Guide, MeetingLog, Pairing, Refugee, User,
)
from guidematch.services import clock, people, people_csv
from guidematch.vocabulary import BINDING_PAIRING_STATUSES, GuideStatus, PairingStatus, RefugeeStatus


def load(runner, *args):
    result = runner.invoke(args=["demo-data", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_demo_data_fills_an_empty_database_and_prints_a_working_login(runner, client, db):
    output = load(runner)
    match = re.search(r"Log in at http://127\.0\.0\.1:5000/login as (\S+) with password (\S+)", output)
    assert match and match.group(1) == "koordinator@example.org"
    response = client.post("/login", data={"email": match.group(1), "password": match.group(2)})
    assert response.status_code == 302
    page = client.get("/refugees").get_data(as_text=True)
    assert page.count('<a href="/refugees/') == 25  # a full first page


def test_demo_data_has_realistic_people(runner, db):
    load(runner)
    branch = db.session.query(Branch).one()
    assert (branch.slug, branch.name) == ("tromso", "Tromsø Røde Kors")
    guides, refugees = db.session.query(Guide).all(), db.session.query(Refugee).all()
    assert len(guides) == 40 and len(refugees) == 60
    guide_genders, refugee_genders = Counter(g.gender for g in guides), Counter(r.gender for r in refugees)
    assert guide_genders["female"] > guide_genders["male"]
    assert refugee_genders["male"] > refugee_genders["female"]
    statuses = Counter(g.status for g in guides)
    assert statuses[GuideStatus.AVAILABLE] > len(guides) / 3
    assert statuses[GuideStatus.APPLIED] > 0 and statuses[GuideStatus.APPROVED] > 0 and statuses[GuideStatus.INACTIVE] > 0
    vetted = (GuideStatus.APPROVED, GuideStatus.AVAILABLE, GuideStatus.PAIRED)
    assert all(g.credentials_complete for g in guides if g.status in vetted)
    waiting = [r for r in refugees if r.status == RefugeeStatus.WAITING]
    assert len(waiting) > 30
    assert all(clock.today() - timedelta(days=366) <= r.waiting_since <= clock.today() for r in waiting
               if not db.session.scalar(select(Pairing.id).where(Pairing.refugee_id == r.id)))
    assert {r.country_of_origin for r in refugees} >= {"SY", "ER", "UA"}


def test_demo_pairings_are_in_every_state_and_consistent(runner, db):
    load(runner)
    pairings = db.session.query(Pairing).all()
    counts = Counter(p.status for p in pairings)
    proposed = counts.pop(PairingStatus.PROPOSED)
    assert counts == {PairingStatus.ACTIVE: 8, PairingStatus.AWAITING_AGREEMENT: 2, PairingStatus.REJECTED: 1,
                      PairingStatus.COMPLETED: 2, PairingStatus.ENDED_EARLY: 1}
    assert proposed > 5  # from a matching run: scores and reasons of the matching core
    assert all(p.score and p.reasons for p in pairings if p.status == PairingStatus.PROPOSED)
    for pairing in pairings:
        if pairing.status in BINDING_PAIRING_STATUSES:
            assert 1 <= pairing.seat <= pairing.guide.capacity
            assert pairing.refugee.status == RefugeeStatus.PAIRED
            taken = people.binding_count(pairing.guide)
            expected = GuideStatus.PAIRED if taken >= pairing.guide.capacity else GuideStatus.AVAILABLE
            assert pairing.guide.status == expected
        if pairing.status == PairingStatus.ACTIVE:
            assert pairing.start_date < clock.today() and pairing.guide_accepted_at and pairing.refugee_accepted_at
            assert pairing.planned_end > clock.today()
    early = next(p for p in pairings if p.status == PairingStatus.ENDED_EARLY)
    assert early.end_reason and early.refugee.status == RefugeeStatus.WAITING
    assert early.refugee.waiting_since < early.proposed_at.date()
    starts = sorted(p.start_date for p in pairings if p.status == PairingStatus.ACTIVE)
    assert (clock.today() - starts[0]).days > 300 and (clock.today() - starts[-1]).days < 45


def test_active_pairings_have_weekly_logs_and_one_is_at_risk(runner, db):
    load(runner)
    active = db.session.scalars(select(Pairing).where(Pairing.status == PairingStatus.ACTIVE)).all()
    last_logs = {p.id: db.session.scalar(select(func.max(MeetingLog.met_on)).where(MeetingLog.pairing_id == p.id))
                 for p in active}
    silent = [pid for pid, last in last_logs.items() if last is None or (clock.today() - last).days > 20]
    assert len(silent) == 1
    short_weeks = db.session.scalar(select(func.count()).where(MeetingLog.minutes < 120))
    assert short_weeks > 0


def test_group_meetings_past_with_attendance_and_upcoming(runner, db):
    load(runner)
    meetings = db.session.query(GroupMeeting).order_by(GroupMeeting.starts_at).all()
    assert len(meetings) == 2
    assert meetings[0].starts_at < clock.now() < meetings[1].starts_at
    attended = [a.attended for a in db.session.query(Attendance).filter_by(meeting_id=meetings[0].id)]
    assert attended and True in attended


def test_if_empty_does_nothing_when_a_branch_exists(runner, db, branch):
    output = load(runner, "--if-empty")
    assert "no demo data loaded" in output
    assert db.session.query(Guide).count() == 0 and db.session.query(User).count() == 0
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0


def test_the_same_seed_gives_the_same_people(db):
    today = date(2026, 11, 1)
    first = demo.load(seed=7, today=today, slug="a", coordinator_email="a@example.org")
    second = demo.load(seed=7, today=today, slug="b", coordinator_email="b@example.org")
    for kind in ("guide", "refugee"):
        one, two = (people_csv.export_records(people_csv.branch_people(b, kind)) for b in (first.branch, second.branch))
        assert [dataclasses.replace(r, branch="") for r in one] == [dataclasses.replace(r, branch="") for r in two]
