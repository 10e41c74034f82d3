"""/reports/national: every branch side by side with a total, its XLSX with "<3", admins only."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from guidematch.extensions import db as _db
from guidematch.models import AuditEvent
from guidematch.vocabulary import RefugeeStatus, Role
from tests import factories
from tests.reports import known_branch
from tests.reports.known_branch import TODAY

OCTOBER = {"period": "custom", "first": "2026-10-01", "last": "2026-10-31"}


@pytest.fixture
def two_branches(db, branch, monkeypatch):
    """Tromsø is the known branch; Alta has three refugees waiting and nothing else."""
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    known_branch.build(branch)
    alta = factories.make_branch(slug="alta", name="Alta")
    for _ in range(3):
        factories.make_refugee(alta, gender="female", status=RefugeeStatus.WAITING,
                               waiting_since=date(2026, 9, 1))
    _db.session.commit()
    return branch, alta


@pytest.fixture
def admin(auth, db):
    factories.make_user(email="admin@example.org", role=Role.ADMIN)
    assert auth.login("admin@example.org").status_code == 302


def test_the_page_shows_each_branch_and_the_total(client, two_branches, admin):
    page = client.get("/reports/national", query_string=OCTOBER).get_data(as_text=True)
    assert page.index(">Alta<") < page.index(">Tromsø<")  # branches by name
    assert "table-responsive" in page and 'scope="col"' in page and "<caption" in page
    row = page[page.index("Flyktninger som venter</th>"):]
    cells = row[:row.index("</tr>")]
    assert cells.index(">3<") < cells.index(">6<") < cells.index(">9<")  # Alta, Tromsø, all
    # the share pooled over all weeks: Alta has none, so it is Tromsø's 70 %
    share = page[page.index("ukeminimum"):]
    assert "70,0 %" in share[:share.index("</tr>")]


def test_the_xlsx_has_the_same_values_and_hides_one_or_two_people(client, two_branches, admin):
    response = client.get("/reports/national.xlsx", query_string=OCTOBER)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True)}
    assert rows["measure"] == ("Alta", "Tromsø", "all branches")
    assert rows["refugees_waiting_at_end"] == (3, 6, 9)
    assert rows["pairings_started"] == (0, "<3", None)  # a total would give Tromsø's 1 away
    assert rows["median_wait_days_male"][2] is None
    assert rows["free_places_male_guides"] == (0, 3, 3)
    assert _db.session.query(AuditEvent).filter_by(action="report_exported").one().details["scope"] \
        == "national"


def test_a_coordinator_does_not_find_the_national_view(client, logged_in, two_branches):
    assert client.get("/reports/national").status_code == 404
    assert client.get("/reports/national.xlsx").status_code == 404
    assert "/reports/national" not in client.get("/reports").get_data(as_text=True)


def test_a_bad_period_is_422_with_the_message(client, two_branches, admin):
    args = {"period": "custom", "first": "2026-11-01", "last": "2026-10-31"}
    response = client.get("/reports/national", query_string=args)
    assert response.status_code == 422
    assert "Siste dag må være samme dag som eller etter første." in response.get_data(as_text=True)
    assert client.get("/reports/national.xlsx", query_string=args).status_code == 422


def test_admins_find_it_from_the_report_and_the_admin_page(client, two_branches, admin):
    assert 'href="/reports/national' in client.get("/reports").get_data(as_text=True)
    assert 'href="/reports/national' in client.get("/admin").get_data(as_text=True)
