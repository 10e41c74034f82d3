"""Confirming a proposal, the agreement both accept, and the two ways a pairing ends."""
from __future__ import annotations

import re
from datetime import date

import pytest

from guidematch import agreement_texts
from guidematch.models import AgreementText, AuditEvent, Consent, OutboxMessage, Pairing
from guidematch.services import pairings
from guidematch.services.errors import DomainError
from guidematch.vocabulary import (
    ConsentKind, EndReason, GuideStatus, PairingStatus, RefugeeStatus,
)
from tests import factories


@pytest.fixture
def proposal(db, branch):
    guide = factories.make_guide(branch, first_name="Kari", locale="nb")
    refugee = factories.make_refugee(branch, first_name="Amal", locale="ar", waiting_since=date(2026, 2, 1))
    return factories.make_pairing(guide, refugee)


def accept_link(db, pairing, to):
    message = db.session.query(OutboxMessage).filter_by(to_address=to, template="pairing_agreement").one()
    return re.search(r"http://localhost(/a/\S+)", message.body_text).group(1)


def test_confirming_takes_a_seat_and_sends_the_agreement_to_both_in_their_language(db, proposal):
    pairings.confirm(proposal)
    db.session.commit()
    assert proposal.status == PairingStatus.AWAITING_AGREEMENT and proposal.seat == 1
    assert proposal.guide.status == GuideStatus.PAIRED  # capacity 1, used
    assert proposal.refugee.status == RefugeeStatus.PAIRED
    assert proposal.agreement_version == 1
    mails = {m.to_address: m for m in db.session.query(OutboxMessage)}
    assert set(mails) == {proposal.guide.email, proposal.refugee.email}
    assert mails[proposal.guide.email].locale == "nb"
    assert mails[proposal.refugee.email].locale == "ar"
    assert "/a/" in mails[proposal.refugee.email].body_text
    # each reads the agreement's commitments in their own language
    assert "treat what we learn about each other in confidence" not in mails[proposal.refugee.email].body_text
    assert "نحافظ على سرية ما نعرفه عن بعضنا" in mails[proposal.refugee.email].body_text
    assert "behandle det vi får vite om hverandre, fortrolig" in mails[proposal.guide.email].body_html


def test_a_guide_with_room_for_two_stays_available_after_the_first(db, branch):
    guide = factories.make_guide(branch, capacity=2)
    first = factories.make_pairing(guide, factories.make_refugee(branch))
    second = factories.make_pairing(guide, factories.make_refugee(branch))
    pairings.confirm(first)
    assert guide.status == GuideStatus.AVAILABLE and first.seat == 1
    pairings.confirm(second)
    assert guide.status == GuideStatus.PAIRED and second.seat == 2


def test_a_full_guide_is_refused_with_a_clear_message(db, branch):
    guide = factories.make_guide(branch, first_name="Ola")
    pairings.confirm(factories.make_pairing(guide, factories.make_refugee(branch)))
    db.session.commit()
    other = factories.make_pairing(guide, factories.make_refugee(branch))
    with pytest.raises(DomainError, match="ingen ledig plass"):
        pairings.confirm(other)


def test_a_refugee_gets_one_guide_only(db, branch, proposal):
    pairings.confirm(proposal)
    db.session.commit()
    second = factories.make_pairing(factories.make_guide(branch), proposal.refugee)
    with pytest.raises(DomainError, match="har allerede en guide"):
        pairings.confirm(second)


def test_an_unapproved_guide_cannot_be_confirmed(db, branch):
    guide = factories.make_guide(branch, status=GuideStatus.APPLIED)
    with pytest.raises(DomainError, match="ikke godkjent som guide"):
        pairings.confirm(factories.make_pairing(guide, factories.make_refugee(branch)))


def test_both_accepting_by_link_starts_the_pairing(db, client, proposal):
    pairings.confirm(proposal)
    db.session.commit()
    guide_link = accept_link(db, proposal, proposal.guide.email)
    refugee_link = accept_link(db, proposal, proposal.refugee.email)

    page = client.get(refugee_link).get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ar"' in page  # the refugee reads it in Arabic
    assert client.get(guide_link).status_code == 200
    assert db.session.get(Pairing, proposal.id).guide_accepted_at is None  # a GET changes nothing

    response = client.post(guide_link)
    assert response.status_code == 302
    pairing = db.session.get(Pairing, proposal.id)
    assert pairing.guide_accepted_at is not None and pairing.status == PairingStatus.AWAITING_AGREEMENT

    client.post(refugee_link)
    db.session.expire_all()
    pairing = db.session.get(Pairing, proposal.id)
    assert pairing.status == PairingStatus.ACTIVE
    assert pairing.start_date is not None
    assert pairing.earliest_end == pairings.programme.add_months(pairing.start_date, 9)
    assert pairing.planned_end == pairings.programme.add_months(pairing.start_date, 12)
    consents = db.session.query(Consent).filter_by(pairing_id=pairing.id, kind=ConsentKind.AGREEMENT).all()
    assert {(c.guide_id, c.refugee_id, c.text_version) for c in consents} == {
        (pairing.guide_id, None, "1:nb"), (None, pairing.refugee_id, "1:ar")}  # the words each read
    actors = {e.actor for e in db.session.query(AuditEvent).filter_by(action="pairing.agreement_accepted")}
    assert actors == {"guide link", "refugee link"}

    # accepting again is harmless: the page says it is done
    again = client.post(guide_link, follow_redirects=True).get_data(as_text=True)
    assert "started" in again or "startet" in again


def test_the_version_accepted_is_the_branch_version_of_the_day(db, branch, proposal):
    pairings.confirm(proposal)
    branch.agreement_version = 2
    pairings.accept_agreement(proposal, "guide", today=date(2026, 10, 1), locale="nb")
    consent = db.session.query(Consent).filter_by(guide_id=proposal.guide_id).one()
    assert consent.text_version == "2:nb"


def test_a_paper_agreement_starts_the_pairing_at_once(db, proposal):
    pairings.confirm(proposal)
    pairings.accept_agreement(proposal, "refugee", today=date(2026, 10, 1), locale="ar")
    pairings.record_paper_agreement(proposal, today=date(2026, 10, 5))
    assert proposal.status == PairingStatus.ACTIVE and proposal.paper_agreement
    assert proposal.start_date == date(2026, 10, 5)
    assert (proposal.earliest_end, proposal.planned_end) == (date(2027, 7, 5), date(2027, 10, 5))
    versions = {c.text_version for c in db.session.query(Consent).filter_by(pairing_id=proposal.id)}
    assert versions == {"1:ar", "1/paper"}


def test_the_default_agreement_states_the_programme_defaults_in_english(app, branch):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        text = agreement_texts.agreement(branch).as_text()
    assert text.split() == """As guide and refugee in the refugee guide programme we agree to:
    - meet for at least 2 hours a week, at times we plan together;
    - take part in the monthly group meeting for all guides and refugees when we can;
    - answer a short evaluation after 3 months;
    - keep the pairing for at least 9 and at most 12 months, and tell the coordinator if it
      must end earlier;
    - treat what we learn about each other in confidence.""".split()


def test_a_branch_text_of_its_own_is_shown_as_written_to_readers_of_its_language(app, branch):
    branch.agreement_texts["nb"] = AgreementText(locale="nb", text="Vi lover å møtes.")
    assert agreement_texts.agreement(branch, "nb") == agreement_texts.Agreement("Vi lover å møtes.")


def test_ending_early_puts_the_refugee_back_in_the_queue_and_frees_the_guide(db, branch):
    pairing = factories.make_active_pairing(branch, refugee=factories.make_refugee(
        branch, status=RefugeeStatus.PAIRED, waiting_since=date(2025, 12, 24)))
    pairings.end_early(pairing, EndReason.MOVED, "Flyttet til Bergen", guide_available=True,
                       today=date(2026, 12, 1))
    db.session.commit()
    assert pairing.status == PairingStatus.ENDED_EARLY and pairing.ended_on == date(2026, 12, 1)
    assert pairing.end_reason == EndReason.MOVED
    assert pairing.refugee.status == RefugeeStatus.WAITING
    assert pairing.refugee.waiting_since == date(2025, 12, 24)
    assert pairing.guide.status == GuideStatus.AVAILABLE
    event = db.session.query(AuditEvent).filter_by(action="pairing.status").one()
    assert event.details["reason"] == "moved" and "Bergen" not in str(event.details)
    # the seat is free again: the guide can be confirmed with someone else
    pairings.confirm(factories.make_pairing(pairing.guide, factories.make_refugee(branch)))


def test_a_guide_who_wants_a_break_is_not_offered_again(db, branch):
    pairing = factories.make_active_pairing(branch)
    pairings.end_early(pairing, EndReason.PERSONAL, guide_available=False, today=date(2026, 12, 1))
    assert pairing.guide.status == GuideStatus.APPROVED


def test_ending_early_needs_an_early_reason(db, branch):
    pairing = factories.make_active_pairing(branch)
    with pytest.raises(DomainError):
        pairings.end_early(pairing, EndReason.COMPLETED, today=date(2026, 12, 1))


def test_completing_before_nine_months_is_refused(db, branch):
    pairing = factories.make_active_pairing(branch, start=date(2026, 1, 5))
    with pytest.raises(DomainError, match="2026-10-05"):
        pairings.complete(pairing, today=date(2026, 10, 4))
    pairings.complete(pairing, today=date(2026, 10, 5))
    assert pairing.status == PairingStatus.COMPLETED and pairing.refugee.status == RefugeeStatus.DONE
    assert pairing.end_reason == EndReason.COMPLETED
    thanks = db.session.query(OutboxMessage).filter_by(template="pairing_completed").count()
    assert thanks == 2


def test_accepting_needs_the_forms_csrf_token_so_a_mail_scanner_cannot_accept(database_url, proposal, db):
    from tests.conftest import _test_config
    from guidematch import create_app

    pairings.confirm(proposal)
    db.session.commit()
    link = accept_link(db, proposal, proposal.guide.email)
    strict = create_app({**_test_config(database_url), "WTF_CSRF_ENABLED": True})
    with strict.test_client() as client:
        assert client.post(link).status_code == 400  # no token: refused
        page = client.get(link).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(link, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Pairing, proposal.id).guide_accepted_at is not None
