"""After erasure or a purge no table holds the person's name, email or phone: every column searched.

The people go through the app's own steps first (a referral with the caseworker's
receipt, an agreement emailed to both, a meeting log, an evaluation, an ending
with a note, a coordinator's notice), so every place the app writes them to is
filled. Then each database table the schema has (reflected, not listed by hand)
is searched, every column cast to text. Runs on SQLite and on PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import MetaData, String, cast, func, select

from guidematch import consent_texts
from guidematch.models import AuditEvent, Guide, OutboxMessage, Refugee
from guidematch.profile import ProfileRecord
from guidematch.programme import add_months
from guidematch.services import (
    applicants, clock, evaluations, meetings, notify, pairings, privacy, signup,
)
from guidematch.vocabulary import EndReason, MeetingFrequency, Respondent
from tests import factories

ZAHRA = ("Zahra", "Qasemi", "zahra.qasemi@example.org", "+47 912 34 567")
SOLVEIG = ("Solveig", "Brattvoll", "solveig.brattvoll@example.org", "+47 934 56 789")


def needles(first: str, last: str, email: str, phone: str) -> list[str]:
    digits = "".join(c for c in phone if c.isdigit())
    return [first, last, email, email.split("@")[0], phone, phone.replace(" ", ""), digits[2:]]


def hits(db, words: list[str]) -> list[str]:
    """Return "table.column: word" for every column of every table holding one of `words`."""
    found = []
    tables = MetaData()
    tables.reflect(bind=db.engine)
    for table in tables.sorted_tables:
        for column in table.columns:
            as_text = func.lower(cast(column, String))
            for word in words:
                count = db.session.scalar(select(func.count()).select_from(table)
                                          .where(as_text.contains(word.lower())))
                if count:
                    found.append(f"{table.name}.{column.name}: {word}")
    return found


def profile(kind: str, first: str, last: str, email: str, phone: str) -> ProfileRecord:
    return ProfileRecord(kind=kind, id="", first_name=first, last_name=last, email=email,
                         phone=phone, gender="female", birth_year=1990,
                         languages=("ar", "en") if kind == "refugee" else ("nb", "en"),
                         occupation="Sykepleier", district="Sentrum")


def register_guide(branch, motivation: str = "Solveig Brattvoll vil hjelpe") -> Guide:
    extras = signup.GuideExtras(motivation=motivation,
                                commitment=consent_texts.guide_commitment(branch))
    return signup.register_guide(branch, profile("guide", *SOLVEIG), "nb", extras).person


def referred_and_paired(db, branch):
    """Zahra, referred by a caseworker, paired with Kari, then the pairing ended early."""
    factories.make_user(email="koordinator@example.org", branch=branch)
    zahra = signup.refer_refugee(branch, profile("refugee", *ZAHRA), "en", signup.Caseworker(
        "Nina Berg", "nina.berg@nav.example.org", "nb")).person
    kari = factories.make_guide(branch, first_name="Kari", last_name="Nordmann")
    pairing = factories.make_pairing(kari, zahra)
    pairings.confirm(pairing)  # the agreement to both: Kari's names Zahra
    pairings.record_paper_agreement(pairing)
    today = clock.today()
    meetings.add_log(pairing, today, 120, note="Zahra Qasemi viste meg biblioteket")
    evaluations.submit(pairing, Respondent.GUIDE, 5, MeetingFrequency.WEEKLY_OR_MORE,
                       works_well="Zahra er blid", could_improve="Mer tid")
    notify.to_coordinators(branch.id, template="pairing_may_end", subject="A pairing may now end",
                           pairing=pairing, months=9, pairing_url="https://example.org/p")
    pairings.end_early(pairing, EndReason.MOVED, note="Zahra Qasemi flyttet til Bergen")
    db.session.commit()
    return zahra, kari


def test_erasing_a_paired_refugee_leaves_no_trace_of_her_in_any_table(db, branch):
    zahra, kari = referred_and_paired(db, branch)
    others = factories.make_refugee(branch, first_name="Amal", email="amal@example.org")
    notify.to_person(others, template="pairing_completed", subject="Thank you",
                     pairing=None, side="refugee", other_name="Ola")
    db.session.commit()
    assert len(hits(db, needles(*ZAHRA))) > 5  # she is all over the database before

    assert privacy.erase(zahra) == "anonymised"
    db.session.commit()

    found = hits(db, needles(*ZAHRA))
    print(f"\nerased refugee ({db.engine.dialect.name}): {len(found)} hits {found}")
    assert found == []
    assert db.session.get(Refugee, zahra.id).anonymised_at is not None
    # What is not about her stays: Kari and Amal's own emails, Kari's profile.
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_address == "amal@example.org")) == 1
    assert db.session.get(Guide, kari.id).first_name == "Kari"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person_anonymised"))
    assert event.object_id == zahra.id and event.details["emails_deleted"] >= 4


def test_erasing_a_guide_never_paired_deletes_her_and_every_email_about_her(db, branch):
    solveig = register_guide(branch)
    db.session.commit()
    assert privacy.erase(solveig) == "deleted"
    db.session.commit()
    found = hits(db, needles(*SOLVEIG))
    print(f"\nerased guide ({db.engine.dialect.name}): {len(found)} hits {found}")
    assert found == []


# Noon, and 00:30 in Oslo while it is still the day before in UTC: the day she left is Oslo's.
@pytest.mark.parametrize("moment", [datetime(2026, 3, 16, 11, 0, tzinfo=timezone.utc),
                                    datetime(2026, 3, 15, 23, 30, tzinfo=timezone.utc)],
                         ids=["noon", "half-past-midnight-in-oslo"])
def test_a_rejected_guide_is_purged_after_the_retention_period(db, branch, runner, moment):
    with time_machine.travel(moment, tick=False):
        _reject_and_purge(db, branch, runner)


def _reject_and_purge(db, branch, runner):
    solveig = register_guide(branch)
    signup.confirm_email("guide", solveig)
    applicants.reject_guide(solveig, "Solveig Brattvoll møtte ikke til intervju")
    db.session.commit()
    left_on = clock.today()
    assert left_on == date(2026, 3, 16)
    just_before = add_months(left_on, branch.retention_months) - timedelta(days=1)

    result = runner.invoke(args=["data", "purge", "--today", just_before.isoformat()])
    assert result.exit_code == 0, result.output
    assert "0 people who left without a pairing" in result.output
    assert db.session.get(Guide, solveig.id) is not None

    result = runner.invoke(args=["data", "purge", "--today",
                                 add_months(left_on, branch.retention_months).isoformat()])
    assert "1 people who left without a pairing" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Guide, solveig.id) is None
    found = hits(db, needles(*SOLVEIG))
    print(f"\npurged rejected guide ({db.engine.dialect.name}): {len(found)} hits {found}")
    assert found == []


def test_a_guide_who_was_paired_is_not_purged_as_never_paired(db, branch, runner):
    _zahra, kari = referred_and_paired(db, branch)
    kari.status = "inactive"
    db.session.commit()
    later = add_months(clock.today(), branch.retention_months) - timedelta(days=1)
    result = runner.invoke(args=["data", "purge", "--today", later.isoformat()])
    assert "0 people who left without a pairing" in result.output, result.output
    assert db.session.get(Guide, kari.id) is not None


def test_the_unconfirmed_sign_up_purge_honours_today(db, branch, runner):
    solveig = register_guide(branch, motivation="")
    db.session.commit()
    day_29 = clock.today() + timedelta(days=29)
    result = runner.invoke(args=["data", "purge", "--today", day_29.isoformat()])
    assert "Deleted 0 unconfirmed" in result.output, result.output
    result = runner.invoke(args=["data", "purge", "--today",
                                 (clock.today() + timedelta(days=31)).isoformat()])
    assert "Deleted 1 unconfirmed" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Guide, solveig.id) is None
    assert hits(db, needles(*SOLVEIG)) == []  # the confirmation email went with her
