"""One pipeline for people: the coordinator form, the CSV import, the public sign-up and the
referral refuse and accept a guide or refugee by the same rules, with the same messages."""
from __future__ import annotations


import pytest
from markupsafe import escape

from guidematch.models import Consent, Guide, Refugee
from guidematch.services import clock
from guidematch.vocabulary import ConsentKind
from tests.people.test_import_export import upload
from tests.signup.conftest import guide_form, refugee_form

# The profile every entry point is given; each test changes one field.
PERSON = {"first_name": "Kari", "last_name": "Nordmann", "email": "kari@example.org",
          "gender": "female", "birth_year": "1985", "languages": ["nb"]}
CSV_COLUMNS = ("id", "first_name", "last_name", "email", "gender", "birth_year", "languages")


def _coordinator_form(client, branch, kind: str, person: dict) -> str:
    data = {**person, "gender_preference": "any", "locale": "nb", "capacity": "1",
            "status": "applied" if kind == "guide" else "waiting"}
    return client.post(f"/{kind}s/new", data=data).get_data(as_text=True)


def _csv_import(client, branch, kind: str, person: dict) -> str:
    cells = {**person, "id": "p1", "languages": ";".join(person.get("languages", []))}
    text = ",".join(CSV_COLUMNS) + "\n" + ",".join(cells.get(c, "") for c in CSV_COLUMNS) + "\n"
    return upload(client, text, kind, "people.csv").get_data(as_text=True)


def _public_signup(client, branch, kind: str, person: dict) -> str:
    form = guide_form if kind == "guide" else refugee_form
    data = form(**{**person, "locale": "en"})
    if "languages" not in person:
        data.pop("languages")
    return client.post(f"/signup/{kind}", data=data).get_data(as_text=True)


def _referral(client, branch, kind: str, person: dict) -> str:
    data = refugee_form(**{**person, "locale": "en"}, caseworker_name="Siri Saksbehandler",
                        caseworker_email="siri@kommune.example")
    if "languages" not in person:
        data.pop("languages")
    return client.post(f"/referral/{branch.referral_token}", data=data).get_data(as_text=True)


ENTRY_POINTS = {"coordinator form": _coordinator_form, "CSV import": _csv_import,
                "public sign-up": _public_signup, "referral": _referral}
FOR_GUIDES = ("coordinator form", "CSV import", "public sign-up")  # guides are not referred


def _entry(kind: str):
    names = FOR_GUIDES if kind == "guide" else tuple(ENTRY_POINTS)
    return pytest.mark.parametrize("entry", names)


def _people(db, kind: str) -> int:
    return db.session.query(Guide if kind == "guide" else Refugee).count()


@_entry("guide")
def test_a_guide_who_may_not_be_18_yet_is_refused_everywhere_with_the_same_message(
        client, english, branch, db, entry):
    year = clock.today().year
    page = ENTRY_POINTS[entry](client, branch, "guide", {**PERSON, "birth_year": str(year - 18)})
    message = f"A guide must be at least 18 years old: born in {year - 19} or earlier."
    assert str(escape(message)) in page
    assert _people(db, "guide") == 0


@_entry("guide")
def test_a_guide_born_19_years_ago_is_accepted_everywhere(client, english, branch, db, entry):
    year = clock.today().year - 19
    ENTRY_POINTS[entry](client, branch, "guide", {**PERSON, "birth_year": str(year)})
    guide = db.session.query(Guide).one()
    assert guide.birth_year == year and guide.first_name == "Kari"


@pytest.mark.parametrize(("kind", "entry"), [  # a CSV file names its own ids
    (kind, entry) for kind in ("guide", "refugee") for entry in ENTRY_POINTS
    if entry != "CSV import" and (kind == "refugee" or entry in FOR_GUIDES)])
def test_every_entry_point_makes_the_same_kind_of_reference(client, english, branch, db, kind,
                                                            entry):
    ENTRY_POINTS[entry](client, branch, kind, PERSON)
    saved = db.session.query(Guide if kind == "guide" else Refugee).one()
    assert saved.ref.startswith(f"{kind[0]}-") and len(saved.ref) == 10


REQUIRED = [("guide", "first_name", "Please fill this in."),
            ("guide", "last_name", "Please fill this in."),
            ("guide", "birth_year", "Please fill this in."),
            ("guide", "languages", "Please choose at least one language."),
            ("refugee", "first_name", "Please fill this in."),
            ("refugee", "last_name", "Please fill this in."),
            ("refugee", "languages", "Please choose at least one language.")]


@pytest.mark.parametrize(("kind", "field", "message", "entry"), [
    (kind, field, message, entry) for kind, field, message in REQUIRED
    for entry in (FOR_GUIDES if kind == "guide" else ENTRY_POINTS)])
def test_the_same_fields_are_required_everywhere(client, english, branch, db, kind, field, message,
                                                 entry):
    person = {k: v for k, v in PERSON.items() if k != field}
    if field != "languages":
        person[field] = ""
    page = ENTRY_POINTS[entry](client, branch, kind, person)
    assert message in page
    assert _people(db, kind) == 0


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_refugee_needs_no_birth_year_and_may_then_be_a_minor(client, english, branch, db, entry):
    ENTRY_POINTS[entry](client, branch, "refugee", {**PERSON, "birth_year": ""})
    assert db.session.query(Refugee).one().birth_year is None


def test_an_imported_guide_has_consented_on_paper(client, english, branch, db):
    _csv_import(client, branch, "guide", PERSON)
    guide = db.session.query(Guide).one()
    consent = db.session.query(Consent).filter_by(guide_id=guide.id).one()
    assert consent.kind == ConsentKind.PRIVACY
    assert consent.given_how == "paper form, imported by Test Coordinator"
    page = client.get(f"/guides/{guide.id}").get_data(as_text=True)
    assert "paper form, imported by Test Coordinator" in page


def test_an_imported_refugee_gets_no_consent_made_up(client, english, branch, db):
    _csv_import(client, branch, "refugee", PERSON)
    assert db.session.query(Consent).count() == 0


def test_the_norwegian_sign_up_says_the_age_rule_in_norwegian(client, branch, db):
    year = clock.today().year
    data = guide_form(birth_year=str(year - 18))
    page = client.post("/signup/guide?lang=nb", data=data).get_data(as_text=True)
    assert f"født i {year - 19} eller tidligere" in page
    assert db.session.query(Guide).count() == 0


def test_the_command_line_import_names_who_ran_it(runner, branch, db, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ola")
    path = tmp_path / "guides.csv"
    path.write_text("id,first_name,last_name,gender,birth_year,languages\n"
                    "g1,Kari,Nordmann,female,1985,nb\n", encoding="utf-8")
    result = runner.invoke(args=["import-profiles", "guides", str(path), "--branch", "tromso"])
    assert result.exit_code == 0, result.output
    assert db.session.query(Consent).one().given_how == "paper form, imported by ola"


def test_the_command_line_refuses_a_guide_under_18_in_one_english_line(runner, branch, db,
                                                                       tmp_path):
    year = clock.today().year
    path = tmp_path / "guides.csv"
    path.write_text("id,first_name,last_name,gender,birth_year,languages\n"
                    f"g1,Kari,Nordmann,female,1985,nb\ng2,Ola,Olsen,male,{year - 18},nb\n",
                    encoding="utf-8")
    result = runner.invoke(args=["import-profiles", "guides", str(path), "--branch", "tromso"])
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert f"{path}, line 3, column 5 (birth_year)" in line and f"'{year - 18}'" in line
    assert f"born in {year - 19} or earlier" in line
    assert db.session.query(Guide).count() == 0
