"""The matching page for a big waiting list: stored reasons, pages, filters, search, names.

Issue 11 part 4 (2,000 waiting) and issue 9 parts 3 and 4 (why waiting, warnings, places).
Speed is measured in bench/matchpage.py; these tests count queries and read the page.
"""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from guidematch import matching as core
from guidematch.matchpage.filters import Filters, months_before
from guidematch.models import MatchRun, MatchRunWaiting, Pairing
from guidematch.services import matching, proposal_store, proposals
from guidematch.vocabulary import DEFAULT_WEIGHTS, GuideStatus
from tests import factories


def run(client, **form):
    data = {"refugee_scope": "all", "guide_scope": "all",
            **{f"weight_{part}": weight for part, weight in DEFAULT_WEIGHTS.items()}, **form}
    return client.post("/matching/run", data=data)


def page(client, url="/matching") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rows(text: str) -> list[str]:
    """Return the waiting list's rows as text."""
    body = text.split('id="waiting"')[1].split('id="by-hand"')[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]]


# ------------------------------------------------------------------ why waiting (issue 9.3)

def test_why_waiting_names_the_kind_of_guide_needed_and_that_none_is_registered(
        db, client, logged_in, branch):
    factories.make_guide(branch, first_name="Kari", gender="female")
    factories.make_refugee(branch, first_name="Ahmad", last_name="Karimi", gender="male",
                           gender_preference="same", pets_ok=False)
    run(client)
    [row] = rows(page(client))
    assert row.startswith("Ahmad Karimi, 36 år")
    assert ("Ingen tilgjengelig guide av den typen Ahmad trenger: en mann, uten dyr "
            "(allergi eller frykt).") in row
    assert "Ingen slik guide er registrert i avdelingen i det hele tatt" in row

    factories.make_guide(branch, first_name="Ola", gender="male", status=GuideStatus.INACTIVE)
    run(client)
    [row] = rows(page(client))
    assert "1 slik guide er registrert, men ikke tilgjengelig nå" in row


def test_why_waiting_names_who_was_given_the_guide_who_would_fit(db, client, logged_in, branch):
    factories.make_guide(branch, first_name="Kari")
    amal = factories.make_refugee(branch, first_name="Amal", last_name="Haddad",
                                  district="Tromsdalen")
    factories.make_refugee(branch, first_name="Huda", last_name="Salem", district="Kroken")
    run(client)
    [proposal] = proposal_store.proposals(branch)
    given, left = ("Amal Haddad, 36 år, Tromsdalen", "Huda Salem") if (
        proposal.refugee_id == amal.id) else ("Huda Salem, 36 år, Kroken", "Amal Haddad")
    [row] = rows(page(client))
    assert row.startswith(left)
    assert "Den ene guiden som passer, er foreslått for en annen" in row
    assert f"gitt til {given} (venter siden 1. juni 2026)" in row


def test_the_page_reads_the_reasons_saved_with_the_run_and_rebuilds_no_score_matrix(
        db, client, logged_in, branch, monkeypatch):
    factories.make_guide(branch, first_name="Kari")
    factories.make_refugee(branch, first_name="Amal")
    factories.make_refugee(branch, first_name="Huda")
    run(client)
    saved = db.session.scalars(select(MatchRunWaiting)).all()
    assert len(saved) == 1 and saved[0].reason == "guides_taken"
    assert db.session.scalar(select(MatchRun.refugees)) == 2

    def no(*_args, **_kwargs):
        raise AssertionError("the page rebuilt the score matrix")

    for name in ("score_matrix", "solve"):
        monkeypatch.setattr(core, name, no)
    text = page(client)
    assert "Den ene guiden som passer, er foreslått for en annen" in text


def test_a_new_refugee_and_a_rejection_after_the_run_are_said(db, client, logged_in, branch):
    factories.make_guide(branch, first_name="Kari")
    factories.make_refugee(branch, first_name="Amal")
    run(client)
    assert "endret etter siste kjøring" not in page(client)
    factories.make_refugee(branch, first_name="Fresh", last_name="Person")
    db.session.commit()
    text = page(client)
    assert "endret etter siste kjøring" in text
    [row] = rows(text)
    assert row.startswith("Fresh Person") and "Ikke med i siste kjøring" in row


def test_an_earlier_runs_reasons_are_replaced(db, client, logged_in, branch):
    factories.make_guide(branch)
    for _ in range(3):
        factories.make_refugee(branch)
    run(client)
    run(client)
    assert len(db.session.scalars(select(MatchRunWaiting)).all()) == 2
    assert len(db.session.scalars(select(MatchRun)).all()) == 2   # the runs stay, as history


# ------------------------------------------------------------------ warnings (issue 9.4)

def test_a_card_warns_when_the_two_have_no_free_time_in_common(db, client, logged_in, branch):
    kari = factories.make_guide(branch, first_name="Kari", availability=("mon_evening",))
    amal = factories.make_refugee(branch, first_name="Amal", availability=("tue_day",))
    text = page(client, f"/matching/pair?refugee_id={amal.id}&guide_id={kari.id}")
    assert "Ingen felles ledig tid" in text
    amal.availability = ("tue_day", "mon_evening")
    db.session.commit()
    assert "Ingen felles ledig tid" not in page(
        client, f"/matching/pair?refugee_id={amal.id}&guide_id={kari.id}")


def test_the_pair_page_counts_places_held_by_locked_proposals_as_the_matching_does(
        db, client, logged_in, branch):
    kari = factories.make_guide(branch, first_name="Kari", capacity=1)
    amal = factories.make_refugee(branch, first_name="Amal")
    huda = factories.make_refugee(branch, first_name="Huda")
    proposals.manual_pair(kari, amal)   # a locked proposal holds Kari's one place
    db.session.commit()
    text = page(client, f"/matching/pair?refugee_id={huda.id}&guide_id={kari.id}")
    assert "Ledige plasser: 0 av 1 (1 holdt av et låst forslag)" in text
    assert "Alle ledige plasser hos Kari er tatt av låste forslag" in text
    assert "1 ledig plass" not in text and "Par dem (låst forslag)" not in text
    # Amal's own lock does not hold a place against her.
    text = page(client, f"/matching/pair?refugee_id={amal.id}&guide_id={kari.id}")
    assert "Ledige plasser: 1 av 1" in text


def test_a_forbidden_pairs_score_bar_is_not_green_and_says_so(db, client, logged_in, branch):
    ola = factories.make_guide(branch, first_name="Ola", has_pets=True)
    amal = factories.make_refugee(branch, first_name="Amal", pets_ok=False)
    text = page(client, f"/matching/pair?refugee_id={amal.id}&guide_id={ola.id}")
    bar = text.split('class="score"')[1].split("</div>\n</div>")[0]
    assert "bg-success" not in bar and "bg-danger" in bar
    assert "Ikke tillatt: en absolutt regel holder dem fra hverandre" in text


# ------------------------------------------------------------------ pages and filters

def test_the_waiting_list_and_the_proposals_come_in_pages(db, client, logged_in, branch):
    for n in range(22):
        factories.make_guide(branch, last_name=f"Guide{n:02}")
    for n in range(50):
        factories.make_refugee(branch, last_name=f"Waiting{n:02}")
    run(client)
    text = page(client)
    assert text.count('class="card mb-3 proposal') == 20 and len(rows(text)) == 25
    assert "Forslag 1–20 av 22" in text
    assert text.count('class="card mb-3 proposal') == 20
    assert page(client, "/matching?page=2").count('class="card mb-3 proposal') == 2
    assert len(rows(page(client, "/matching?wpage=2"))) == 3
    assert len(rows(page(client, "/matching?wpage=999"))) == 0


def test_filters_keep_the_refugees_asked_for_in_both_lists(db, client, logged_in, branch):
    factories.make_guide(branch, first_name="Kari")
    factories.make_refugee(branch, first_name="Omar", gender="male", languages=("fa",),
                           district="Kroken", waiting_since=date(2025, 6, 1))
    factories.make_refugee(branch, first_name="Huda", gender="female", languages=("ar",),
                           district="Sentrum", waiting_since=date(2026, 10, 1))
    factories.make_refugee(branch, first_name="Lina", gender="female", languages=("ar",),
                           district="Kroken", waiting_since=date(2026, 9, 1))
    run(client)

    def names(url):
        text = page(client, url)
        cards = re.findall(r'proposal-\d+-title"><bdi>(\w+)', text)
        return sorted(cards + [r.split()[0] for r in rows(text)])

    assert names("/matching") == ["Huda", "Lina", "Omar"]
    assert names("/matching?gender=male") == ["Omar"]
    assert names("/matching?waited=12") == ["Omar"]
    assert names("/matching?language=ar") == ["Huda", "Lina"]
    assert names("/matching?district=Kroken&gender=female") == ["Lina"]
    assert names("/matching?gender=nonsense&waited=7&language=%27;drop") == ["Huda", "Lina",
                                                                              "Omar"]
    assert "Ingen som passer filteret venter uten forslag" in page(client, "/matching?district=X")


@given(st.dictionaries(st.sampled_from(["gender", "waited", "language", "district", "page",
                                        "wpage", "other"]), st.text(max_size=30)))
@settings(max_examples=200, deadline=None)
def test_any_query_string_gives_valid_filters(args):
    filters = Filters.from_args(args)
    assert filters.page >= 1 and filters.wpage >= 1 and len(filters.district) <= 100
    assert filters.waited in (0, 1, 3, 6, 12)
    assert Filters.from_args({k: str(v) for k, v in filters.with_args().items()}) == filters


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
       st.integers(min_value=0, max_value=600))
def test_months_before_is_never_later_and_keeps_the_day_where_it_can(today, months):
    day = months_before(today, months)
    assert day <= today
    assert (today.year - day.year) * 12 + today.month - day.month == months
    assert day.day == today.day or day.day < today.day


# ------------------------------------------------------------------ choosing people

def search(client, kind, q):
    response = client.post("/matching/search", data={"kind": kind, "q": q})
    assert response.status_code == 200
    return [hit["label"] for hit in json.loads(response.get_data())["results"]]


def test_two_people_of_the_same_name_are_told_apart(db, client, logged_in, branch):
    for year, district in ((1990, "Kroken"), (1975, "Sentrum"), (1990, "Tomasjord")):
        factories.make_refugee(branch, first_name="Andrii", last_name="Бойко", birth_year=year,
                               district=district)
    factories.make_refugee(factories.make_branch(), first_name="Andrii", last_name="Бойко")
    factories.make_guide(branch, first_name="Kari", gender="male", gender_preference="male")
    hits = search(client, "refugee", "бойко")
    assert len(hits) == 3 and len(set(hits)) == 3   # the other branch's is not found
    assert "Andrii Бойко, 36 år, Kroken · venter siden 1. juni 2026" in hits
    run(client)
    assert sorted(r.split(" Kvinne")[0] for r in rows(page(client))) == [
        "Andrii Бойко, 36 år, Kroken", "Andrii Бойко, 36 år, Tomasjord",
        "Andrii Бойко, 51 år, Sentrum"]


def test_the_search_finds_available_guides_with_their_free_places(db, client, logged_in, branch):
    factories.make_guide(branch, first_name="Kari", last_name="Berg", capacity=2)
    factories.make_guide(branch, first_name="Kari", last_name="Applied",
                         status=GuideStatus.APPLIED)
    assert search(client, "guide", "kari") == ["Kari Berg, 46 år · 2 ledige plasser"]
    assert search(client, "guide", "") == []
    assert client.post("/matching/search", data={"kind": "user", "q": "a"}).status_code == 400


def test_without_javascript_a_search_posts_the_form_and_runs_nothing(db, client, logged_in,
                                                                    branch):
    factories.make_guide(branch, first_name="Kari")
    huda = factories.make_refugee(branch, first_name="Huda", last_name="Salem")
    factories.make_refugee(branch, first_name="Amal", last_name="Haddad")
    response = run(client, find="refugee_ids", refugee_ids_q="Salem")
    assert response.status_code == 200
    text = response.get_data(as_text=True).split('id="proposals"')[0]   # the run form
    assert f'name="refugee_ids" value="{huda.id}"' in text and "Amal Haddad, " not in text
    [scope] = [tag for tag in re.findall(r"<input[^>]*>", text)
               if 'name="refugee_scope"' in tag and 'value="chosen"' in tag]
    assert "checked" in scope   # searching means choosing
    assert db.session.scalars(select(Pairing)).all() == []
    # Ticked, then run: only Huda is matched.
    assert run(client, refugee_scope="chosen", refugee_ids=[huda.id]).status_code == 302
    assert [p.refugee_id for p in proposal_store.proposals(branch)] == [huda.id]


def test_choosing_a_pair_by_hand_goes_to_its_preview(db, client, logged_in, branch):
    kari = factories.make_guide(branch, first_name="Kari", last_name="Berg")
    amal = factories.make_refugee(branch, first_name="Amal")
    response = client.post("/matching/pair/choose", data={"guide_id_q": "berg",
                                                          "find": "guide_id"})
    assert response.status_code == 200
    assert f'name="guide_id" value="{kari.id}"' in response.get_data(as_text=True)
    response = client.post("/matching/pair/choose", data={"guide_id": kari.id})
    assert response.status_code == 422 and "Velg en flyktning." in response.get_data(as_text=True)
    response = client.post("/matching/pair/choose", data={"guide_id": kari.id,
                                                          "refugee_id": amal.id})
    assert response.status_code == 302
    assert response.location.endswith(f"/matching/pair?refugee_id={amal.id}&guide_id={kari.id}")
    other = factories.make_guide(factories.make_branch())
    response = client.post("/matching/pair/choose", data={"guide_id": other.id,
                                                          "refugee_id": amal.id})
    assert response.status_code == 422   # another branch's guide is not a choice


# ------------------------------------------------------------------ queries do not grow

def fill(branch, guides: int, refugees: int) -> None:
    """A branch with proposals, locks, rejections and every reason to wait."""
    for n in range(guides):
        factories.make_guide(branch, last_name=f"G{n}", interests=("hiking", "music"),
                             availability=("mon_evening",), languages=("nb", "ar"),
                             gender="male" if n % 3 == 0 else "female")
    for n in range(refugees):
        factories.make_refugee(branch, last_name=f"R{n}", interests=("hiking",),
                               availability=("mon_evening", "tue_day"),
                               gender="male" if n % 2 else "female",
                               gender_preference="same" if n % 4 == 1 else "any",
                               pets_ok=n % 5 != 0, district="Kroken" if n % 3 else "Sentrum")


def queries(db, client, url, method="get", **data) -> int:
    found = []

    def count(*_args):
        found.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = getattr(client, method)(url, data=data) if data else getattr(client, method)(url)
        assert response.status_code < 400
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(found)


@pytest.mark.parametrize("url, sizes", [
    ("/matching", (1, 5)),
    ("/matching?wpage=2&page=2", (3, 6)),   # both sizes fill two pages of each
    ("/matching?gender=male&language=ar&waited=3&district=Kroken", (1, 5))])
def test_the_matching_page_makes_the_same_number_of_queries_at_two_sizes(db, client, logged_in,
                                                                         url, sizes):
    counts = []
    for size, slug in zip(sizes, ("small", "big")):
        branch = factories.make_branch(slug=slug)
        fill(branch, guides=8 * size, refugees=30 * size)
        db.session.commit()
        matching.run_matching(branch)
        db.session.commit()
        [pairing, *_] = proposal_store.proposals(branch)
        proposals.lock(pairing)
        proposals.reject_proposal(proposal_store.proposals(branch)[-1])
        db.session.commit()
        logged_in.branch_id = branch.id
        db.session.commit()
        counts.append(queries(db, client, url))
    assert counts[0] == counts[1], counts


def test_the_pair_page_and_the_search_make_the_same_number_of_queries_at_two_sizes(
        db, client, logged_in):
    counts = []
    for size, slug in ((1, "small"), (5, "big")):
        branch = factories.make_branch(slug=slug)
        fill(branch, guides=8 * size, refugees=30 * size)
        db.session.commit()
        matching.run_matching(branch)
        db.session.commit()
        logged_in.branch_id = branch.id
        db.session.commit()
        pairing = proposal_store.proposals(branch)[0]
        url = f"/matching/pair?refugee_id={pairing.refugee_id}&guide_id={pairing.guide_id}"
        counts.append((queries(db, client, url),
                       queries(db, client, "/matching/search", "post", kind="refugee", q="R1"),
                       queries(db, client, "/matching/search", "post", kind="guide", q="G")))
    assert counts[0] == counts[1], counts
