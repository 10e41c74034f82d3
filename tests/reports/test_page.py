"""/reports: the known branch's figures by section, the period chooser, downloads with "<3"."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.reports import known_branch
from tests.reports.known_branch import TODAY

OCTOBER = {"period": "custom", "first": "2026-10-01", "last": "2026-10-31"}


@pytest.fixture
def known(db, branch, monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)
    return known_branch.build(branch)


def test_the_page_shows_the_figures_in_sections_without_names(client, logged_in, known):
    page = client.get("/reports", query_string=OCTOBER).get_data(as_text=True)
    assert "Guider" in page and "Ventende ved periodens slutt" in page
    assert "Par startet" in page
    assert "70,0 %" in page  # share of pairing-weeks that met the minimum
    assert "“&lt;3”" in page  # the page says what the downloads hide
    assert known["p1"].refugee.first_name not in page and "Nordmann" not in page


def test_the_page_opens_on_this_month_and_is_in_the_navigation(client, logged_in, known):
    page = client.get("/reports").get_data(as_text=True)
    assert "1. november 2026" in page and "30. november 2026" in page
    assert 'href="/reports"' in client.get("/").get_data(as_text=True)


def test_another_branchs_data_is_not_counted(client, logged_in, known):
    mine = client.get("/reports.csv", query_string=OCTOBER).get_data(as_text=True)
    other = factories.make_branch(slug="other")
    known_branch.build(other)
    assert client.get("/reports.csv", query_string=OCTOBER).get_data(as_text=True) == mine


def test_downloads_show_one_or_two_people_as_less_than_three(client, logged_in, known):
    response = client.get("/reports.csv", query_string=OCTOBER)
    assert response.mimetype == "text/csv"
    rows = dict(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows["measure"] == "value"
    assert rows["pairings_started"] == "<3" and rows["guides_signed_up"] == "<3"
    assert rows["refugees_waiting_at_end"] == "6" and rows["pairings_ended_early_other"] == "0"
    book = load_workbook(io.BytesIO(client.get("/reports.xlsx", query_string=OCTOBER).data))
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["pairings_started"] == "<3" and summary["refugees_waiting_at_end"] == 6
    assert [row[0] for row in book["Per month"].iter_rows(max_row=1, values_only=True)] == ["measure"]


@pytest.mark.parametrize("args, message", [
    ({"period": "custom", "first": "", "last": "2026-10-31"}, "Velg en dag (ÅÅÅÅ-MM-DD)."),
    ({"period": "custom", "first": "2026-11-01", "last": "2026-10-31"},
     "Siste dag må være samme dag som eller etter første."),
    ({"period": "custom", "first": "1. oktober", "last": "2026-10-31"}, "Not a valid date value."),
    ({"period": "someday"}, "Not a valid choice."),
])
def test_a_bad_period_shows_the_error_next_to_the_field(client, logged_in, known, args, message):
    response = client.get("/reports", query_string=args)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page
    assert client.get("/reports.csv", query_string=args).status_code == 422
