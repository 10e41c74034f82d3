"""A coordinator imports Norwegian Excel's CSV in the browser: preview first, then confirm."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from guidematch.models import Refugee
from tests.e2e.test_people import log_in

FILE = ("Nr;Fornavn;Etternavn;Kjønn;Fødselsår;Språk;Venter siden;Tåler dyr\r\n"
        "r1;Åsmund;Brænne;mann;1988;\"ar;en\";15.03.2026;nei\r\n"
        "r2;Zoë;Ødegård;kvinne;1999;uk;02.01.2026;ja\r\n"
        "r3;Per;Feil;robot;1990;nb;01.01.2026;ja\r\n").encode("cp1252")


@pytest.fixture
def import_folder(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    yield
    app.config.pop("IMPORT_FOLDER", None)


def test_a_refused_row_is_shown_then_the_corrected_file_is_imported(app, db, live_server, page,
                                                                   screenshot, coordinator,
                                                                   import_folder, tmp_path):
    bad = tmp_path / "flyktninger.csv"
    bad.write_bytes(FILE)
    good = tmp_path / "flyktninger-rettet.csv"
    good.write_bytes(FILE.replace(b"robot", b"mann"))
    log_in(page, live_server)
    page.goto(f"{live_server}/refugees")
    page.get_by_role("link", name="Importer CSV eller Excel").click()
    page.get_by_label("Flyktninger").check()
    page.get_by_label("CSV- eller Excel-fil (opptil 5 MB)").set_input_files(str(bad))
    page.get_by_role("button", name="Sjekk filen").click()
    expect(page.get_by_role("heading", name="Sjekk importen")).to_be_visible()
    expect(page.get_by_text("lest som Windows-1252-tekst, skilt med semikolon (;).")).to_be_visible()
    refused = page.get_by_role("table", name="Avviste rader")
    expect(refused.get_by_role("row").nth(1)).to_contain_text("4 (Kjønn)")
    expect(refused).to_contain_text("robot")
    expect(page.get_by_role("button", name="Importer 3 flyktninger")).to_have_count(0)
    screenshot("refused")
    assert db.session.query(Refugee).count() == 0

    page.get_by_role("link", name="Last opp en annen fil").click()
    page.get_by_label("Flyktninger").check()
    page.get_by_label("CSV- eller Excel-fil (opptil 5 MB)").set_input_files(str(good))
    page.get_by_role("button", name="Sjekk filen").click()
    expect(page.get_by_text("3 rader legger til nye personer")).to_be_visible()
    screenshot("preview")
    page.get_by_role("button", name="Importer 3 flyktninger").click()
    page.wait_for_url(f"{live_server}/refugees")
    expect(page.get_by_text("Importerte 3 flyktninger")).to_be_visible()
    db.session.expire_all()
    asmund = db.session.query(Refugee).filter_by(ref="r1").one()
    assert (asmund.first_name, asmund.last_name, asmund.pets_ok) == ("Åsmund", "Brænne", False)
