"""A coordinator finds people on the matching page by a search, as one types, and pairs by hand."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_people import log_in


def test_people_are_found_as_one_types_and_two_of_the_same_name_told_apart(
        app, live_server, page, screenshot, coordinator, db):
    branch = coordinator.branch
    for year, district in ((1990, "Kroken"), (1975, "Sentrum")):
        factories.make_refugee(branch, first_name="Andrii", last_name="Бойко", birth_year=year,
                               district=district, gender="male")
    factories.make_refugee(branch, first_name="Amal", last_name="Haddad")
    factories.make_guide(branch, first_name="Ola", last_name="Berg", gender="male",
                         availability=("mon_evening",))
    db.session.commit()
    log_in(page, live_server)
    page.goto(f"{live_server}/matching")
    page.wait_for_load_state("load")   # the page's script is in

    # Pair by hand: type, the hits come without a page load, each with age and district.
    by_hand = page.locator("#by-hand")
    by_hand.get_by_label("Finn en flyktning").fill("бойко")
    older = by_hand.get_by_label("Andrii Бойко, 51 år, Sentrum", exact=False)
    expect(older).to_be_visible()
    expect(by_hand.get_by_label("Andrii Бойко, 36 år, Kroken", exact=False)).to_be_visible()
    expect(by_hand.get_by_text("Amal Haddad")).to_have_count(0)
    older.check()
    by_hand.get_by_label("Finn en guide").fill("berg")
    by_hand.get_by_label("Ola Berg", exact=False).check()
    screenshot("pair-by-hand-search")
    by_hand.get_by_role("button", name="Vis hvordan de passer").click()
    page.wait_for_url(f"{live_server}/matching/pair?*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Par for hånd: Andrii og Ola")
    expect(page.get_by_text("Andrii har ikke oppgitt når de er ledige")).to_be_visible()
    # The pair on show is ticked in "try another pair".
    expect(page.get_by_label("Andrii Бойко, 51 år, Sentrum", exact=False)).to_be_checked()

    # The run form: a search ticks nobody; ticking someone chooses "only the ones I choose".
    page.goto(f"{live_server}/matching")
    page.wait_for_load_state("load")
    run = page.locator("form.js-matching-run")
    run.get_by_text("Velg flyktninger").click()
    run.get_by_label("Finn en flyktning").fill("haddad")
    amal = run.get_by_label("Amal Haddad", exact=False)
    amal.check()
    expect(run.get_by_label("Bare flyktningene jeg velger")).to_be_checked()
    run.get_by_role("button", name="Kjør matchingen").click()
    page.wait_for_url(f"{live_server}/matching")
    expect(page.get_by_text("Matchingen så på 1 flyktning og 1 guide.")).to_be_visible()
    screenshot("after-chosen-run")
