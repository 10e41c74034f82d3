"""The coordinators' weekly digest (`reminders send`): what became at risk, what is overdue, once a week."""
from __future__ import annotations

from datetime import date, datetime, timezone

from guidematch.models import Evaluation, MeetingLog, OutboxMessage
from guidematch.vocabulary import PairingStatus, Respondent
from tests import factories

WEDNESDAY = "2026-09-23"


def run(runner, day: str) -> str:
    result = runner.invoke(args=["reminders", "send", "--today", day])
    assert result.exit_code == 0, result.output
    return result.output


def digests(db) -> list[OutboxMessage]:
    return db.session.query(OutboxMessage).filter_by(template="coordinator_digest") \
        .order_by(OutboxMessage.id).all()


def _person(branch, first: str, last: str, kind: str, **fields):
    make = factories.make_guide if kind == "guide" else factories.make_refugee
    status = "paired"
    return make(branch, first_name=first, last_name=last, status=status, **fields)


def _branch_with_one_of_each(db, branch):
    """Return the pairings: one that became at risk this week, one at risk for weeks,
    one agreement overdue, one sent two days ago, one evaluation overdue."""
    def pair(guide_name, refugee_name, **fields):
        guide = _person(branch, *guide_name, "guide")
        refugee = _person(branch, *refugee_name, "refugee")
        return factories.make_active_pairing(branch, guide=guide, refugee=refugee, **fields)

    # Started on Monday 7 September, no log: 16 days silent today, 9 a week ago.
    new = pair(("Ola", "Berg"), ("Yusuf", "Ahmadi"), start=date(2026, 9, 7))
    # No log since August: at risk a week ago already.
    old = pair(("Per", "Lie"), ("Samir", "Haddad"), start=date(2026, 8, 3))
    # A pairing that meets every week, with an evaluation asked 1 September and not answered.
    evaluated = pair(("Eva", "Dahl"), ("Mona", "Said"), start=date(2026, 5, 4))
    for monday in (date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 21)):
        db.session.add(MeetingLog(pairing_id=evaluated.id, met_on=monday, minutes=150))
    db.session.add(Evaluation(pairing_id=evaluated.id, respondent=Respondent.GUIDE,
                              sent_at=datetime(2026, 9, 1, 8, tzinfo=timezone.utc)))
    db.session.add(Evaluation(pairing_id=evaluated.id, respondent=Respondent.REFUGEE,
                              sent_at=datetime(2026, 9, 1, 8, tzinfo=timezone.utc)))
    late = factories.make_pairing(_person(branch, "Kari", "Moe", "guide"),
                                  _person(branch, "Ali", "Rahimi", "refugee"),
                                  PairingStatus.AWAITING_AGREEMENT,
                                  confirmed_at=datetime(2026, 9, 10, 9, tzinfo=timezone.utc))
    recent = factories.make_pairing(_person(branch, "Siri", "Nes", "guide"),
                                    _person(branch, "Omar", "Nouri", "refugee"),
                                    PairingStatus.AWAITING_AGREEMENT,
                                    confirmed_at=datetime(2026, 9, 21, 9, tzinfo=timezone.utc))
    db.session.commit()
    return new, old, evaluated, late, recent


def test_each_coordinator_hears_once_a_week_what_needs_them(db, runner, branch):
    factories.make_user(email="kari@example.org", name="Kari Koordinator", branch=branch)
    factories.make_user(email="john@example.org", name="John Coordinator", branch=branch, locale="en")
    _branch_with_one_of_each(db, branch)

    output = run(runner, WEDNESDAY)
    assert "weekly digests to coordinators: 2" in output
    sent = digests(db)
    assert {(m.to_address, m.locale) for m in sent} == {("kari@example.org", "nb"), ("john@example.org", "en")}
    english = next(m for m in sent if m.locale == "en").body_text
    at_risk, _, rest = english.partition("Agreements not accepted after 7 days")
    agreements, _, evaluations = rest.partition("Evaluations not answered after 14 days")
    assert "Pairings that became at risk this week" in at_risk
    assert "Ola Berg – Yusuf Ahmadi: 2 weeks in a row under 120 minutes; 16 days without a log" in at_risk
    assert "Per Lie" not in english  # at risk for weeks: in the list the digest links to, not news
    assert "/pairings?tab=at_risk" in at_risk
    assert "Kari Moe – Ali Rahimi: sent" in agreements and "Siri Nes" not in english
    assert evaluations.count("Eva Dahl – Mona Said: asked") == 1  # both sides: one line
    norwegian = next(m for m in sent if m.locale == "nb")
    assert "Par som trenger oppfølging fra denne uka" in norwegian.body_text, norwegian.body_text
    assert "Kari Moe" in norwegian.body_html and "/pairings/" in norwegian.body_html

    run(runner, WEDNESDAY)
    run(runner, "2026-09-27")  # Sunday: the same ISO week
    assert len(digests(db)) == 2
    run(runner, "2026-09-28")  # next week: the overdue agreement and evaluation still wait
    assert len(digests(db)) == 4


def test_a_week_with_nothing_to_tell_sends_nothing(db, runner, branch):
    factories.make_user(email="kari@example.org", branch=branch)
    pairing = factories.make_active_pairing(branch, start=date(2026, 9, 7))
    db.session.add(MeetingLog(pairing_id=pairing.id, met_on=date(2026, 9, 8), minutes=150))
    db.session.add(MeetingLog(pairing_id=pairing.id, met_on=date(2026, 9, 15), minutes=150))
    db.session.commit()
    assert "weekly digests to coordinators: 0" in run(runner, WEDNESDAY)
    assert digests(db) == []


def test_a_coordinator_hears_only_of_her_own_branch(db, runner, branch):
    other = factories.make_branch(slug="bodo", name="Bodø")
    factories.make_user(email="kari@example.org", branch=branch)
    factories.make_user(email="bodo@example.org", branch=other)
    _branch_with_one_of_each(db, branch)
    run(runner, WEDNESDAY)
    assert [m.to_address for m in digests(db)] == ["kari@example.org"]
