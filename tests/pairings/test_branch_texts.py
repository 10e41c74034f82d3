"""A branch with rules of its own (6-10 months, 90 minutes a week, evaluation after 2 months,
no group meetings) sees them in every text it sends, in each reader's language."""
from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from guidematch import agreement_texts
from guidematch.programme import add_months
from guidematch.models import AgreementText, Consent, OutboxMessage
from guidematch.services import pairings, person_links, reminders
from guidematch.vocabulary import EVALUATION_LINK_DAYS, ConsentKind, PairingStatus
from tests import factories

START = date(2026, 9, 7)  # a Monday

# What each reader's agreement must say (and must not) for the branch below.
AGREEMENT_SAYS = {
    "nb": ["møtes minst 1,5 timer i uken", "evaluering etter 2 måneder",
           "minst 6 og høyst 10 måneder"],
    "en": ["meet for at least 1.5 hours a week", "evaluation after 2 months",
           "at least 6 and at most 10 months"],
    "ar": ["نلتقي 1.5 ساعة على الأقل كل أسبوع", "بعد شهرين", "لا تقل عن 6 ولا تزيد على 10 أشهر"],
}
NEVER_SAID = ["two hours", "2 hours", "nine", "twelve", "three months", "to timer", "ni og", "tolv",
              "group meeting", "fellesmøtet", "اللقاء الجماعي"]


@pytest.fixture
def own_rules(db):
    return factories.make_branch(slug="fjell", name="Fjell", min_months=6, max_months=10,
                                 weekly_minutes=90, evaluation_after_months=2,
                                 monthly_group_meetings=False)


def outbox(db, template):
    query = db.session.query(OutboxMessage).filter_by(template=template)
    return query.order_by(OutboxMessage.id).all()


def confirmed_pairing(db, branch, guide_locale="nb", refugee_locale="ar"):
    guide = factories.make_guide(branch, first_name="Kari", locale=guide_locale)
    refugee = factories.make_refugee(branch, first_name="Amal", locale=refugee_locale)
    pairing = factories.make_pairing(guide, refugee)
    pairings.confirm(pairing)
    db.session.commit()
    return pairing


def agreement_mail(db, person):
    return db.session.query(OutboxMessage).filter_by(template="pairing_agreement",
                                                     to_address=person.email).one()


def accept_path(message):
    return re.search(r"http://localhost(/a/\S+)", message.body_text).group(1)


@pytest.mark.parametrize("guide_locale, refugee_locale", [("nb", "ar"), ("en", "ar")])
def test_the_agreement_email_and_page_state_the_branchs_rules_in_each_language(
        db, client, own_rules, guide_locale, refugee_locale):
    pairing = confirmed_pairing(db, own_rules, guide_locale, refugee_locale)
    for person, locale in ((pairing.guide, guide_locale), (pairing.refugee, refugee_locale)):
        mail = agreement_mail(db, person)
        page = client.get(accept_path(mail)).get_data(as_text=True)
        for text in (mail.body_text, mail.body_html, page):
            for words in AGREEMENT_SAYS[locale]:
                assert words in text, (locale, words)
            for words in NEVER_SAID:
                assert words not in text, (locale, words)


def test_an_own_norwegian_text_reaches_norwegian_readers_only(db, client, own_rules):
    own_rules.agreement_texts["nb"] = AgreementText(locale="nb",
                                                    text="Vi møtes når det passer oss.\n")
    db.session.commit()
    pairing = confirmed_pairing(db, own_rules, "nb", "ar")
    english = confirmed_pairing(db, own_rules, "en", "en")

    assert "Vi møtes når det passer oss." in agreement_mail(db, pairing.guide).body_text
    for reader, locale in ((pairing.refugee, "ar"), (english.guide, "en"), (english.refugee, "en")):
        mail = agreement_mail(db, reader)
        assert "Vi møtes" not in mail.body_text and "Vi møtes" not in mail.body_html
        assert AGREEMENT_SAYS[locale][0] in mail.body_text  # the filled default, in their language
        page = client.get(accept_path(mail)).get_data(as_text=True)
        assert "Vi møtes" not in page and AGREEMENT_SAYS[locale][0] in page


def test_the_consent_names_the_version_and_the_language_read(db, client, own_rules):
    pairing = confirmed_pairing(db, own_rules, "nb", "ar")
    for person in (pairing.guide, pairing.refugee):
        assert client.post(accept_path(agreement_mail(db, person))).status_code == 302
    db.session.expire_all()
    versions = {(c.guide_id is not None, c.text_version)
                for c in db.session.query(Consent).filter_by(kind=ConsentKind.AGREEMENT)}
    assert versions == {(True, "1:nb"), (False, "1:ar")}
    pairing = db.session.get(type(pairing), pairing.id)
    assert pairing.status == PairingStatus.ACTIVE
    assert (pairing.earliest_end, pairing.planned_end) == (
        add_months(pairing.start_date, 6), add_months(pairing.start_date, 10))


def test_the_weekly_email_states_the_minimum_exactly_and_offers_it_as_one_click(db, own_rules):
    pairing = factories.make_active_pairing(own_rules, start=START)
    assert reminders.weekly_log_request(pairing, "2026-W40", date(2026, 10, 2)) == 1
    [mail] = outbox(db, "weekly_log_request")
    assert mail.locale == "nb"
    assert "minst 1,5 timer sammen i uken" in mail.body_text and "1,5 timer" in mail.body_html
    assert "2 timer sammen" not in mail.body_text
    tokens = re.findall(r"http://localhost/log/([^/\s]+)\n", mail.body_text)
    answers = [person_links.read(person_links.WEEKLY_LOG, token).minutes for token in tokens]
    assert answers == [0, 60, 90, 120, 180]
    assert re.search(r"^1,5 timer:$", mail.body_text, re.M)  # the button for 90 minutes
    assert re.search(r"^3 timer eller mer:$", mail.body_text, re.M)


def test_the_one_click_page_records_the_branch_minimum(db, client, own_rules):
    pairing = factories.make_active_pairing(own_rules, start=START)
    reminders.weekly_log_request(pairing, "2026-W40", date(2026, 10, 2))
    db.session.commit()
    [mail] = outbox(db, "weekly_log_request")
    ninety = next(path for path in re.findall(r"http://localhost(/log/[^/\s]+)\n", mail.body_text)
                  if person_links.read(person_links.WEEKLY_LOG, path[5:]).minutes == 90)
    page = client.get(ninety).get_data(as_text=True)
    assert 'value="90"' in page and "1,5 timer" in page
    assert client.post(ninety, data={"minutes": 90}).status_code == 302
    assert "Registrert for denne uken: 1,5 timer." in client.get(ninety).get_data(as_text=True)


def test_the_may_end_notice_says_the_pairings_own_months(db, own_rules):
    factories.make_user(email="nb@example.org", branch=own_rules)
    factories.make_user(email="en@example.org", branch=own_rules, locale="en")
    pairing = factories.make_active_pairing(own_rules, start=START)
    assert pairing.earliest_end == date(2027, 3, 7)
    assert reminders.send_due(date(2027, 3, 6)).may_end_notices == 0
    assert reminders.send_due(date(2027, 3, 7)).may_end_notices == 2
    mails = {m.to_address: m for m in outbox(db, "pairing_may_end")}
    assert "nådde 6 måneder" in mails["nb@example.org"].body_text
    assert "reached 6 months" in mails["en@example.org"].body_text
    assert mails["en@example.org"].subject == "A pairing may now end"
    assert not any("nine" in m.body_text or "ni måneder" in m.body_text for m in mails.values())


def test_the_evaluation_and_the_completion_follow_the_branchs_months(db, own_rules):
    pairing = factories.make_active_pairing(own_rules, start=START)
    assert reminders.send_due(date(2026, 11, 6)).evaluations == 0
    assert reminders.send_due(date(2026, 11, 7)).evaluations == 2  # two months in
    [first, _second] = outbox(db, "evaluation_request")
    assert f"Lenken virker i {EVALUATION_LINK_DAYS} dager" in first.body_text

    assert reminders.send_due(date(2027, 7, 6)).completed == 0
    assert reminders.send_due(date(2027, 7, 7)).completed == 1  # ten months in
    assert pairing.status == PairingStatus.COMPLETED
    assert len(outbox(db, "pairing_completed")) == 2


def test_the_guides_commitment_states_the_branchs_rules(db, client, own_rules):
    page = client.get("/signup/guide?branch=fjell&lang=nb").get_data(as_text=True)
    assert "guide i 6 til 10 måneder og møte flyktningen min minst 1,5 timer i uken." in page
    english = client.get("/signup/guide?branch=fjell&lang=en").get_data(as_text=True)
    assert "guide for 6 to 10 months and meet my refugee at least 1.5 hours a week." in english


def test_the_default_text_changes_with_the_rules_and_gets_a_new_version(app, db, own_rules):
    from guidematch.services import branches

    before = agreement_texts.all_words(own_rules)
    settings = branches.ProgrammeSettings(
        name=own_rules.name, contact_email="", districts=[], min_months=6, max_months=10,
        weekly_minutes=60, monthly_group_meetings=False, evaluation_after_months=2,
        retention_months=24, min_score=0.0, weights=own_rules.weights(),
        agreement_texts=before)  # every text left as the page showed it
    changed = branches.update_settings(own_rules, settings)
    assert "agreement_version" in changed and own_rules.agreement_version == 2
    assert own_rules.agreement_texts == {}  # still the default in every language, now with 1 hour
    assert "møtes minst 1 time i uken" in agreement_texts.words(own_rules, "nb")
    assert "meet for at least 1 hour a week" in agreement_texts.words(own_rules, "en")

    again = dataclasses.replace(settings, agreement_texts=agreement_texts.all_words(own_rules))
    assert branches.update_settings(own_rules, again) == [] and own_rules.agreement_version == 2


def test_no_weekly_minimum_reads_as_meeting_regularly(app, db):
    branch = factories.make_branch(weekly_minutes=0)
    assert "møtes jevnlig" in agreement_texts.words(branch, "nb")
    assert "meet regularly" in agreement_texts.words(branch, "en")
    pairing = factories.make_active_pairing(branch, start=START)
    reminders.weekly_log_request(pairing, "2026-W40", date(2026, 10, 2))
    [mail] = outbox(db, "weekly_log_request")
    assert "Programmet ber om minst" not in mail.body_text
    tokens = re.findall(r"http://localhost/log/([^/\s]+)\n", mail.body_text)
    answers = [person_links.read(person_links.WEEKLY_LOG, t).minutes for t in tokens]
    assert answers == [0, 60, 120, 180]
