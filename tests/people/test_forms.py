"""Adding and editing guides and refugees: every field, errors next to fields, values kept."""
from __future__ import annotations

import re
from datetime import date

import pytest

from guidematch.models import AuditEvent, Guide, Refugee
from guidematch.services import clock
from guidematch.vocabulary import GuideStatus, RefugeeStatus
from tests import factories

GUIDE = {
    "first_name": "Øystein", "last_name": "Søreide", "email": "Oystein@Example.org", "phone": "+47 99 88 77 66",
    "locale": "nb", "gender": "male", "gender_preference": "any", "birth_year": "1975",
    "family_situation": "family_with_children", "languages": ["nb", "en"], "other_languages": "hr",
    "interests": ["fishing", "hiking"], "activities": ["driving_practice", "job_seeking"],
    "availability": ["mon_evening", "sat_day"], "district": "Kvaløya", "lat": "69.68", "lon": "18.7",
    "education_level": "vocational", "occupation": "sveiser", "status": "applied", "capacity": "2",
    "has_car": "y", "motivation": "Vil bli kjent med nye naboer.", "coordinator_notes": "",
}
REFUGEE = {
    "first_name": "أمل", "last_name": "Бойко", "email": "amal@example.org", "locale": "ar", "gender": "female",
    "gender_preference": "same", "birth_year": "1990", "languages": ["ar"], "country_of_origin": "SY",
    "norwegian_level": "A2", "status": "waiting", "interests": ["cooking"], "availability": ["sun_day"],
    "pets_ok": "y",
}


def test_a_guide_is_added_with_every_field(client, english, branch, db):
    response = client.post("/guides/new", data=GUIDE)
    guide = db.session.query(Guide).one()
    assert response.status_code == 302 and response.location == f"/guides/{guide.id}"
    assert (guide.first_name, guide.last_name, guide.email) == ("Øystein", "Søreide", "oystein@example.org")
    assert guide.languages == ("nb", "en", "hr")
    assert guide.interests == ("fishing", "hiking")
    assert guide.availability == ("mon_evening", "sat_day")
    assert (guide.capacity, guide.has_car, guide.has_pets) == (2, True, False)
    assert guide.status == GuideStatus.APPLIED and guide.branch_id == branch.id
    assert guide.ref.startswith("g-")
    page = client.get(response.location).get_data(as_text=True)
    assert "Saved. Øystein Søreide is added." in page
    for words in ("Family with children", "Fishing", "Driving practice", "Croatian", "Vocational training",
                  "Monday", "Kvaløya"):
        assert words in page


def test_a_refugee_is_added_waiting_since_today(client, english, branch, db):
    response = client.post("/refugees/new", data=REFUGEE)
    refugee = db.session.query(Refugee).one()
    assert response.location == f"/refugees/{refugee.id}"
    assert refugee.first_name == "أمل" and refugee.last_name == "Бойко"
    assert refugee.waiting_since == clock.today() and refugee.status == RefugeeStatus.WAITING
    assert (refugee.country_of_origin, refugee.norwegian_level, refugee.locale) == ("SY", "A2", "ar")
    assert refugee.pets_ok and not refugee.interpreter_needed
    page = client.get(response.location).get_data(as_text=True)
    assert "Syria" in page and "A2 (elementary)" in page and "Same gender as me" in page


def test_changes_are_audited_without_the_values(client, english, branch, db):
    client.post("/guides/new", data=GUIDE)
    guide = db.session.query(Guide).one()
    client.post(f"/guides/{guide.id}/edit", data={**GUIDE, "first_name": "Ola", "interests": ["music"]})
    events = db.session.query(AuditEvent).filter(AuditEvent.action.in_(["guide_created", "guide_updated"])).all()
    assert [e.action for e in events] == ["guide_created", "guide_updated"]
    assert events[1].details == {"fields": ["first_name", "interests"]}
    assert "Ola" not in str(events[1].details) and "Øystein" not in str(events[1].details)


def test_the_edit_form_shows_what_is_stored(client, english, branch):
    guide = factories.make_guide(branch, first_name="Kari", languages=("nb", "hr"), availability=("tue_evening",))
    page = client.get(f"/guides/{guide.id}/edit").get_data(as_text=True)
    assert 'value="Kari"' in page
    assert re.search(r'<input checked[^>]* name="languages" type="checkbox" value="nb">', page)
    assert re.search(r'<input class[^>]* name="languages" type="checkbox" value="en">', page)  # not ticked
    assert 'name="other_languages" type="text" value="hr"' in page
    assert re.search(r'<input checked[^>]* id="availability-tue_evening" name="availability" '
                     r'type="checkbox" value="tue_evening">', page)
    assert 'for="availability-tue_evening">Tuesday evening</label>' in page


def test_unticking_every_box_clears_the_lists(client, english, branch, db):
    guide = factories.make_guide(branch, interests=("music",), availability=("mon_day",))
    data = {k: val for k, val in GUIDE.items() if k not in ("interests", "availability", "has_car")}
    data["status"] = "available"
    client.post(f"/guides/{guide.id}/edit", data=data)
    db.session.expire_all()
    guide = db.session.get(Guide, guide.id)
    assert guide.interests == () and guide.availability == () and guide.has_car is False


@pytest.mark.parametrize(("field", "value", "message"), [
    ("first_name", "", "Please fill this in."),
    ("birth_year", "", "Please fill this in."),
    ("first_name", "x" * 10_000, "Field cannot be longer than 100 characters."),
    ("email", "not-an-email", "Invalid email address."),
    ("birth_year", "19x5", "Not a valid integer value."),
    ("birth_year", "1850", "Give a year between 1900 and this year."),
    ("birth_year", str(clock.today().year - 18),
     f"A guide must be at least 18 years old: born in {clock.today().year - 19} or earlier."),
    ("capacity", "0", "Number must be between 1 and 10."),
    ("capacity", "", "Give a number from 1 to 10."),
    ("gender", "", "Choose a gender."),
    ("gender", "robot", "Not a valid choice."),
    ("other_languages", "hr, klingon", "Not a known language code: klingon."),
    ("lat", "200", "Number must be between -90 and 90."),
    ("interview_on", "31.02.2026", "Not a valid date value."),
    ("status", "paired", "Not a valid choice."),
])
def test_a_bad_field_gets_its_message_and_the_rest_is_kept(client, english, branch, db, field, value, message):
    response = client.post("/guides/new", data={**GUIDE, field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Søreide"' in page and 'value="Kvaløya"' in page  # what was typed is kept
    assert db.session.query(Guide).count() == 0


def test_hostile_text_is_stored_as_text_and_shown_escaped(client, english, branch, db):
    response = client.post("/guides/new", data={**GUIDE, "first_name": "<script>alert(1)</script>",
                                                 "occupation": "\"><img src=x onerror=alert(1)>"})
    guide = db.session.query(Guide).one()
    page = client.get(response.location).get_data(as_text=True)
    assert guide.first_name == "<script>alert(1)</script>"
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_an_email_is_unique_within_the_branch_only(client, english, branch, db):
    factories.make_guide(branch, email="taken@example.org")
    factories.make_guide(factories.make_branch(), email="elsewhere@example.org")
    page = client.post("/guides/new", data={**GUIDE, "email": "Taken@example.org"}).get_data(as_text=True)
    assert "Someone in this branch has this email address already." in page
    assert client.post("/guides/new", data={**GUIDE, "email": "elsewhere@example.org"}).status_code == 302


def test_an_edit_to_a_taken_email_is_refused_on_the_field(client, english, branch, db):
    factories.make_guide(branch, email="taken@example.org")
    guide = factories.make_guide(branch, email="mine@example.org")
    response = client.post(f"/guides/{guide.id}/edit", data={**GUIDE, "email": "taken@example.org"})
    assert response.status_code == 200
    assert "Someone in this branch has this email address already." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).email == "mine@example.org"


def test_a_guide_is_approved_only_with_credentials(client, english, branch, db):
    data = {**GUIDE, "status": "available"}
    page = client.post("/guides/new", data=data).get_data(as_text=True)
    assert "before approving a guide" in page
    data.update(interview_on="2026-01-05", intro_course_on="2026-01-12", confidentiality_signed_on="2026-01-12")
    assert client.post("/guides/new", data=data).status_code == 302
    guide = db.session.query(Guide).one()
    assert guide.status == GuideStatus.AVAILABLE and guide.interview_on == date(2026, 1, 5)


def test_a_paired_persons_status_follows_the_pairings(client, english, branch, db):
    guide = factories.make_guide(branch, status=GuideStatus.PAIRED)
    page = client.get(f"/guides/{guide.id}/edit").get_data(as_text=True)
    assert 'name="status"' not in page and "follows the pairings" in page
    client.post(f"/guides/{guide.id}/edit", data={**GUIDE, "status": "inactive"})
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).status == GuideStatus.PAIRED


def test_capacity_cannot_drop_below_the_refugees_a_guide_has(client, english, branch, db):
    from guidematch.vocabulary import PairingStatus
    guide = factories.make_guide(branch, capacity=2, status=GuideStatus.PAIRED)
    for seat in (1, 2):
        factories.make_pairing(guide, factories.make_refugee(branch), PairingStatus.ACTIVE, seat=seat)
    page = client.post(f"/guides/{guide.id}/edit", data={**GUIDE, "capacity": "1"}).get_data(as_text=True)
    assert "This guide has 2 refugees now; the capacity cannot be lower." in page


def test_a_reference_is_unique_in_the_branch(client, english, branch):
    factories.make_guide(branch, ref="g7")
    page = client.post("/guides/new", data={**GUIDE, "ref": "g7"}).get_data(as_text=True)
    assert "This reference is used by someone else in this branch." in page


def test_waiting_since_cannot_be_in_the_future(client, english, branch, db):
    page = client.post("/refugees/new", data={**REFUGEE, "waiting_since": "2999-01-01"}).get_data(as_text=True)
    assert "The date cannot be in the future." in page
    assert db.session.query(Refugee).count() == 0


def test_editing_keeps_waiting_since_when_left_empty(client, english, branch, db):
    refugee = factories.make_refugee(branch, waiting_since=date(2025, 3, 1))
    client.post(f"/refugees/{refugee.id}/edit", data={**REFUGEE, "waiting_since": ""})
    db.session.expire_all()
    assert db.session.get(Refugee, refugee.id).waiting_since == date(2025, 3, 1)


def test_the_forms_are_labelled_for_screen_readers(client, english):
    page = client.get("/refugees/new").get_data(as_text=True)
    for field in ("first_name", "email", "gender", "birth_year", "country_of_origin", "waiting_since"):
        assert f'for="{field}"' in page
    assert "<legend" in page


def test_a_save_that_loses_a_race_gets_a_message_not_an_error_page(client, english, branch, db, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from guidematch.services import people

    def lose_the_race(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("uq_guides_branch_email"))
    monkeypatch.setattr(people, "create_person", lose_the_race)
    response = client.post("/guides/new", data=GUIDE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "someone else saved the same email or reference just now" in page
    assert 'value="Søreide"' in page
