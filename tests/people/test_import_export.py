"""CSV import (all rows or none) and export of a branch's guides and refugees."""
from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest

from guidematch.models import AuditEvent, Guide, Refugee
from guidematch.profile_csv import CsvError, read_profiles
from guidematch.services import people_csv
from guidematch.vocabulary import GuideStatus, RefugeeStatus
from tests import factories

GUIDES_CSV = """\
id,first_name,last_name,email,gender,birth_year,languages,interests,availability,district,branch,has_car,capacity
g1,Øystein,Ødegård,oystein@example.org,male,1970,nb;en,fishing;hiking,mon_evening;sat_day,Kvaløya,tromso,yes,2
g2,Åse,Aas,ase@example.org,female,1985,nb,music,,Tromsøya,,no,1
g3,Олена,Бойко,olena@example.org,female,1990,uk;ru;nb,,sun_day,,tromso,no,1
"""

REFUGEES_CSV = """\
id,first_name,last_name,email,gender,gender_preference,languages,country_of_origin,norwegian_level,waiting_since,pets_ok
r1,أمل,الحداد,amal@example.org,female,same,ar,SY,A1,2025-11-02,no
r2,Yonas,Tesfamariam,,male,any,ti;en,ER,none,2026-01-15,yes
"""


def preview(client, text: str | bytes, kind: str = "guide", filename: str = "guides.csv",
            encoding: str = "utf-8"):
    """Upload a file: the answer is the preview page (nothing saved yet)."""
    body = text if isinstance(text, bytes) else text.encode(encoding)
    data = {"kind": kind, "file": (io.BytesIO(body), filename)}
    return client.post("/import", data=data, content_type="multipart/form-data", follow_redirects=True)


def confirm(client):
    """Press the preview's import button (the token is the one the preview page holds)."""
    page = client.get("/import/preview").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    return client.post("/import/confirm", data={"token": token.group(1) if token else ""},
                       follow_redirects=True)


def upload(client, text: str | bytes, kind: str = "guide", filename: str = "guides.csv",
           encoding: str = "utf-8"):
    """Upload a file and confirm its preview when it has no refused row."""
    page = preview(client, text, kind, filename, encoding)
    if 'action="/import/confirm"' not in page.get_data(as_text=True):
        return page
    return confirm(client)


def test_upload_imports_every_row_with_unicode_names_intact(client, english, branch, db):
    page = upload(client, GUIDES_CSV).get_data(as_text=True)
    assert "Imported 3 guides (3 new, 0 updated)." in page
    guides = {g.ref: g for g in db.session.query(Guide)}
    assert (guides["g1"].first_name, guides["g1"].last_name) == ("Øystein", "Ødegård")
    assert (guides["g3"].first_name, guides["g3"].last_name) == ("Олена", "Бойко")
    assert guides["g1"].languages == ("nb", "en") and guides["g1"].capacity == 2 and guides["g1"].has_car
    assert all(g.status == GuideStatus.APPLIED and g.branch_id == branch.id for g in guides.values())
    assert db.session.query(AuditEvent).filter_by(action="profiles_imported").one().details == {
        "kind": "guide", "created": 3, "updated": 0, "unchanged": 0}


def test_refugees_are_imported_waiting(client, english, branch, db):
    page = upload(client, REFUGEES_CSV, kind="refugee", filename="refugees.csv").get_data(as_text=True)
    assert "Imported 2 refugees (2 new, 0 updated)." in page
    amal = db.session.query(Refugee).filter_by(ref="r1").one()
    assert (amal.first_name, amal.last_name, amal.waiting_since) == ("أمل", "الحداد", date(2025, 11, 2))
    assert amal.status == RefugeeStatus.WAITING and amal.pets_ok is False
    assert db.session.query(Refugee).filter_by(ref="r2").one().email is None


@pytest.mark.parametrize(("line", "bad", "column", "value"), [
    ("g2,Åse,Aas,ase@example.org,robot,1985,nb,music,,Tromsøya,,no,1", 3, "5 (gender)", "robot"),
    ("g2,Åse,Aas,ase@example.org,female,2015,nb,music,,Tromsøya,,no,1", 3, "6 (birth_year)", "2015"),
    ("g2,Åse,Aas,oystein@example.org,female,1985,nb,music,,Tromsøya,,no,1", 3, "4 (email)", "oystein@example.org"),
    ("g2,Åse,Aas,ase@example.org,female,1985,nb,music,,Tromsøya,bodo,no,1", 3, "11 (branch)", "bodo"),
    ("g2,Åse,Aas,ase@example.org,female,1985,xx,music,,Tromsøya,,no,1", 3, "7 (languages)", "xx"),
])
def test_one_bad_row_writes_nothing_and_names_line_column_and_value(client, english, branch, db,
                                                                    line, bad, column, value):
    lines = GUIDES_CSV.splitlines()
    lines[2] = line
    page = preview(client, "\n".join(lines) + "\n").get_data(as_text=True)
    assert "Nothing can be imported while a row is refused." in page
    assert "2 rows add new people" in page and "1 row is refused" in page
    refused = re.search(r"<caption>Refused rows</caption>.*?</table>", page, re.S).group(0)
    assert re.search(rf"<td>{bad}</td><td>{re.escape(column)}</td><td><code[^>]*>{re.escape(value)}</code>",
                     refused)
    assert 'action="/import/confirm"' not in page  # no button to press
    with client.session_transaction() as session:  # a confirmation sent anyway imports nothing
        token = session["people_import"]
    forced = client.post("/import/confirm", data={"token": token}, follow_redirects=True)
    assert "Nothing was imported" in forced.get_data(as_text=True)
    assert f"guides.csv, line {bad}, column {column}" in forced.get_data(as_text=True)
    assert db.session.query(Guide).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="profiles_imported").count() == 0


def test_an_email_already_used_in_the_branch_is_refused(client, english, branch, db):
    factories.make_guide(branch, ref="old", email="ase@example.org")
    page = preview(client, GUIDES_CSV).get_data(as_text=True)
    assert "<td>3</td><td>4 (email)</td>" in page and "another guide of the branch (old)" in page


def test_rows_with_a_known_id_update_that_person(client, english, branch, db):
    upload(client, GUIDES_CSV)
    changed = GUIDES_CSV.replace("Øystein,Ødegård", "Øystein,Østby")
    page = upload(client, changed).get_data(as_text=True)
    assert "Imported 3 guides (0 new, 1 updated)." in page
    assert db.session.query(Guide).filter_by(ref="g1").one().last_name == "Østby"
    assert db.session.query(Guide).count() == 3


def test_columns_left_out_of_a_file_are_left_as_they_are(client, english, branch, db):
    guide = factories.make_guide(branch, ref="g1", phone="+47 900 00 000", interests=("music",))
    upload(client, "id,first_name,gender\ng1,Kari,female\n")
    db.session.expire_all()
    guide = db.session.get(Guide, guide.id)
    assert guide.phone == "+47 900 00 000" and guide.interests == ("music",) and guide.email


def test_a_file_in_no_encoding_we_read_is_named_as_such(client, english, db):
    response = preview(client, GUIDES_CSV, encoding="utf-16")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported." in page
    assert "guides.csv: is UTF-16 text" in page and "line 0" not in page
    page = preview(client, b"id,first_name,gender\ng1,K\x81ari,female\n").get_data(as_text=True)
    assert "guides.csv: is neither UTF-8 nor Windows-1252 text (byte 26)" in page
    assert db.session.query(Guide).count() == 0


def test_a_file_over_5_mb_is_refused(client, english, db):
    response = upload(client, "id,first_name,gender\n" + "x" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert db.session.query(Guide).count() == 0


def test_the_upload_needs_a_csv_file(client, english, db):
    page = client.post("/import", data={"kind": "guide"}, content_type="multipart/form-data").get_data(as_text=True)
    assert "Choose a file." in page
    page = upload(client, GUIDES_CSV, filename="guides.exe").get_data(as_text=True)
    assert "Choose a .csv or .xlsx file." in page


def test_export_gives_the_branchs_people_as_csv(client, english, branch):
    factories.make_guide(branch, ref="g1", first_name="Øystein", languages=("nb", "ar"))
    factories.make_guide(factories.make_branch(), ref="g2", first_name="Elsewhere")
    response = client.get("/guides.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    records = read_profiles(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), "guide")
    assert [(r.id, r.first_name, r.languages, r.branch) for r in records] == [("g1", "Øystein", ("nb", "ar"), "tromso")]


def test_export_follows_the_lists_filters(client, english, branch):
    factories.make_refugee(branch, ref="r1", gender="male")
    factories.make_refugee(branch, ref="r2", gender="female")
    text = client.get("/refugees.csv?gender=male").get_data(as_text=True)
    assert re.findall(r"^(r\d),", text, re.M) == ["r1"]


def _records(branch, kind):
    # The status column is the export's information: an import leaves statuses to their rules.
    return [dataclasses.replace(r, branch="", status="") for r in
            people_csv.export_records(people_csv.branch_people(branch, kind))]


@pytest.mark.parametrize("kind", ["guide", "refugee"])
def test_export_then_import_gives_the_same_records(db, branch, kind):
    make = factories.make_guide if kind == "guide" else factories.make_refugee
    make(branch, ref="a", first_name="Øystein", last_name="Ålvik", phone="+47 99", district="Kvaløya",
         languages=("nb", "en"), interests=("fishing",), availability=("mon_day", "sun_evening"),
         lat=69.123456, lon=18.5, family_situation="couple", education_level="bachelor", occupation="lege")
    make(branch, ref="b", first_name="أمل", last_name="الحداد", email=None, languages=("ar",))
    make(branch, ref="c", first_name="Олена", last_name="Бойко", gender="other", gender_preference="same")
    text = people_csv.export_csv(branch, kind)
    before = _records(branch, kind)

    other = factories.make_branch(slug="bodo")
    result = people_csv.import_csv_text(other, kind, text.replace(",tromso,", ",,"), filename="export.csv")
    assert (result.created, result.updated) == (3, 0)
    assert _records(other, kind) == before

    again = people_csv.import_csv_text(branch, kind, text, filename="export.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_the_import_refuses_another_branchs_file(db, branch):
    text = "id,first_name,gender,branch\ng1,Kari,female,tromso\n"
    with pytest.raises(CsvError) as caught:
        people_csv.import_csv_text(factories.make_branch(slug="bodo"), "guide", text, filename="g.csv")
    assert (caught.value.line, caught.value.column, caught.value.value) == (2, "4 (branch)", "tromso")


def test_the_same_email_twice_in_a_file_is_refused(db, branch):
    text = "id,first_name,gender,email\ng1,Kari,female,a@example.org\ng2,Ola,male,A@example.org\n"
    with pytest.raises(CsvError) as caught:
        people_csv.import_csv_text(branch, "guide", text, filename="g.csv")
    assert (caught.value.line, caught.value.column) == (3, "4 (email)")
    assert "the same email is on line 2" in str(caught.value)


def test_a_spreadsheets_csv_with_byte_order_mark_and_crlf_is_read(client, english, branch, db):
    text = "\ufeff" + GUIDES_CSV.replace("\n", "\r\n")
    page = upload(client, text).get_data(as_text=True)
    assert "Imported 3 guides (3 new, 0 updated)." in page
    assert db.session.query(Guide).filter_by(ref="g1").one().capacity == 2
