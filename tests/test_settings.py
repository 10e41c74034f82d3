"""The settings page: the rules, the agreement per language, messages in the reader's language."""
from __future__ import annotations

import pytest

from guidematch import agreement_texts
from guidematch.models import Branch
from guidematch.vocabulary import PERSON_LOCALES
from tests import factories


@pytest.fixture
def own_rules(db, branch):
    branch.min_months, branch.max_months, branch.weekly_minutes = 6, 10, 90
    branch.evaluation_after_months, branch.monthly_group_meetings = 2, False
    db.session.commit()
    return branch


def shown_form(branch: Branch, **changes) -> dict:
    """Return the form as the page shows it (every agreement as its textarea holds it), changed."""
    form = {
        "name": branch.name, "contact_email": branch.contact_email, "districts": "",
        "min_months": branch.min_months, "max_months": branch.max_months,
        "weekly_minutes": branch.weekly_minutes,
        "evaluation_after_months": branch.evaluation_after_months,
        "retention_months": branch.retention_months, "min_score": 0,
        **({"monthly_group_meetings": "y"} if branch.monthly_group_meetings else {}),
        **{f"weight_{key}": value for key, value in branch.weights().items()},
        **{f"agreement_{locale}": agreement_texts.words(branch, locale)
           for locale in PERSON_LOCALES},
    }
    form.update(changes)
    return form


def save(client, db, branch, **changes):
    response = client.post("/settings", data=shown_form(branch, **changes))
    db.session.expire_all()
    return response


def test_the_page_shows_the_default_agreement_in_the_coordinators_language(
        client, logged_in, own_rules):
    page = client.get("/settings").get_data(as_text=True)
    preview = page.split('id="default-agreement"')[1].split("</figure>")[0]
    assert "møtes minst 1,5 timer i uken" in preview and "etter 2 måneder" in preview
    assert "meet for at least" not in preview
    # every language's text is there to edit, each written its own way
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "نلتقي 1.5 ساعة على الأقل كل أسبوع" in page
    assert "meet for at least 1.5 hours a week" in page


def test_an_english_speaking_coordinator_sees_the_default_in_english(client, auth, db, own_rules):
    factories.make_user(email="en@example.org", branch=own_rules, locale="en")
    auth.login("en@example.org")
    page = client.get("/settings").get_data(as_text=True)
    preview = page.split('id="default-agreement"')[1].split("</figure>")[0]
    assert "meet for at least 1.5 hours a week" in preview and "møtes" not in preview


def test_a_text_of_ones_own_is_kept_for_its_language_and_can_be_reset(
        client, logged_in, db, own_rules):
    assert save(client, db, own_rules, agreement_ar="نلتقي كل يوم سبت.").status_code == 302
    branch = db.session.get(Branch, own_rules.id)
    assert {k: t.text for k, t in branch.agreement_texts.items()} == {"ar": "نلتقي كل يوم سبت.\n"}
    assert branch.agreement_version == 2
    assert agreement_texts.words(branch, "uk") == agreement_texts.default_words(branch, "uk")
    page = client.get("/settings").get_data(as_text=True)
    assert "نلتقي كل يوم سبت." in page and 'name="agreement_ar_reset"' in page
    assert 'name="agreement_nb_reset"' not in page  # nothing to reset there

    save(client, db, branch, agreement_ar_reset="y")
    branch = db.session.get(Branch, own_rules.id)
    assert branch.agreement_texts == {} and branch.agreement_version == 3


def test_changing_a_rule_keeps_the_defaults_and_starts_a_new_version(
        client, logged_in, db, own_rules):
    save(client, db, own_rules, weekly_minutes=150)  # the textareas still hold the old defaults
    branch = db.session.get(Branch, own_rules.id)
    assert branch.agreement_texts == {} and branch.agreement_version == 2
    assert "møtes minst 2,5 timer i uken" in agreement_texts.words(branch, "nb")


def test_a_change_that_leaves_the_words_alone_keeps_the_version(client, logged_in, db, own_rules):
    save(client, db, own_rules, name="Fjell Røde Kors", retention_months=36)
    branch = db.session.get(Branch, own_rules.id)
    assert (branch.name, branch.agreement_version) == ("Fjell Røde Kors", 1)


def test_no_weekly_minimum_is_a_valid_setting(client, logged_in, db, own_rules):
    assert save(client, db, own_rules, weekly_minutes=0).status_code == 302
    assert db.session.get(Branch, own_rules.id).weekly_minutes == 0


@pytest.mark.parametrize("changes, message", [
    ({"weekly_minutes": 1441},
     "Skriv inn minutter fra 0 (ingen minstetid) til 1440 (et helt døgn)."),
    ({"weekly_minutes": ""}, "Skriv inn minuttene, for eksempel 120 for to timer."),
    ({"max_months": 40}, "Skriv inn et antall måneder fra 1 til 36."),
    ({"evaluation_after_months": 0}, "Skriv inn et antall måneder fra 1 til 12."),
    ({"min_months": 11, "max_months": 10},
     "Korteste varighet kan ikke være lengre enn planlagt varighet."),
    ({"weight_age": 11}, "Skriv inn et tall fra 0 til 10."),
    ({"min_score": 101}, "Skriv inn et tall fra 0 til 100."),
    ({"name": ""}, "Skriv inn navnet på lokalforeningen."),
    ({"contact_email": "not an address"}, "Skriv inn en gyldig e-postadresse."),
    ({"agreement_nb": "x" * 10001}, "Bruk høyst 10000 tegn."),
])
def test_settings_are_refused_with_a_message_in_the_coordinators_language(
        client, logged_in, db, own_rules, changes, message):
    response = save(client, db, own_rules, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.get(Branch, own_rules.id).agreement_version == 1


def test_the_page_says_what_the_waiting_weight_does(client, logged_in, own_rules):
    page = client.get("/settings").get_data(as_text=True)
    assert "Hver hele måned noen har ventet lenger enn de andre en guide kan få" in page
    assert 'id="weight_waiting-help"' in page  # next to its field, tied by aria-describedby


def test_waiting_weight_0_on_the_settings_page_gives_fit_only(client, logged_in, db, own_rules):
    """A man who has waited a year, and one who came today and fits the only male guide better."""
    from datetime import date

    from guidematch.services import matching, proposal_store

    today = date(2026, 11, 2)
    factories.make_guide(own_rules, first_name="Ole", gender="male",
                         interests=("football", "fishing"), languages=("nb", "ar"))
    factories.make_refugee(own_rules, first_name="Ahmad", gender="male",
                           gender_preference="same", waiting_since=date(2025, 11, 1))
    factories.make_refugee(own_rules, first_name="Karim", gender="male",
                           gender_preference="same", waiting_since=today,
                           interests=("football", "fishing"))

    def proposed_to() -> str:
        matching.run_matching(db.session.get(Branch, own_rules.id), today=today)
        db.session.commit()
        [pairing] = proposal_store.proposals(db.session.get(Branch, own_rules.id))
        return pairing.refugee.first_name

    assert proposed_to() == "Ahmad"  # the default: the longest waiter
    assert save(client, db, own_rules, weight_waiting=0).status_code == 302
    assert db.session.get(Branch, own_rules.id).weights()["waiting"] == 0
    assert proposed_to() == "Karim"  # fit only
