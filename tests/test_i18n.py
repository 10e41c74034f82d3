"""A visitor's language stays on the public pages; a coordinator's on their own pages."""
from __future__ import annotations

import re

from guidematch.models import User


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _switcher(html: str) -> list[str]:
    """Return the languages the footer's switcher offers."""
    return re.findall(r'name="locale" value="(\w+)"', html)


def test_previewing_a_public_page_in_arabic_leaves_the_coordinators_pages_norwegian(
        client, logged_in, branch):
    assert '<html lang="ar" dir="rtl">' in _html(client, "/signup/guide?lang=ar")
    dashboard = _html(client, "/")
    assert '<html lang="nb" dir="ltr">' in dashboard and "Logg ut" in dashboard
    # The preview itself stays in Arabic.
    assert '<html lang="ar" dir="rtl">' in _html(client, "/signup/refugee")


def test_a_visitors_choice_follows_them_across_public_pages(client, branch):
    assert '<html lang="uk" dir="ltr">' in _html(client, "/signup/guide?lang=uk")
    assert '<html lang="uk"' in _html(client, "/signup/refugee")
    assert '<html lang="uk"' in _html(client, "/privacy")
    assert '<html lang="nb"' in _html(client, "/login")  # the coordinators' door is not theirs


def test_the_switcher_offers_nb_and_en_to_coordinators_and_every_language_to_visitors(
        client, logged_in, branch):
    assert _switcher(_html(client, "/")) == ["nb", "en"]
    assert _switcher(_html(client, "/referral-link")) == ["nb", "en"]  # in the sign-up blueprint
    assert _switcher(_html(client, "/signup/guide")) == ["nb", "en", "ar", "uk"]


def test_a_coordinator_switches_their_own_pages_to_english_and_it_is_kept(client, logged_in, db):
    response = client.post("/language", data={"locale": "en", "next": "/"})
    assert response.status_code == 302 and response.location == "/"
    assert '<html lang="en"' in _html(client, "/")
    assert db.session.get(User, logged_in.id).locale == "en"
    _html(client, "/signup/guide?lang=ar")
    assert '<html lang="en" dir="ltr">' in _html(client, "/")


def test_a_coordinator_page_does_not_take_a_visitors_language(client, logged_in, db):
    assert client.post("/language", data={"locale": "ar", "next": "/"}).status_code == 400
    assert db.session.get(User, logged_in.id).locale == "nb"
    assert '<html lang="nb" dir="ltr">' in _html(client, "/")


def test_switching_on_a_page_opened_with_lang_keeps_the_new_choice(client, branch):
    _html(client, "/signup/guide?lang=ar")
    response = client.post("/language", data={"locale": "uk",
                                              "next": "/signup/guide?lang=ar&branch=x"})
    assert response.location == "/signup/guide?branch=x"
    assert '<html lang="uk"' in _html(client, "/signup/guide")
    assert '<html lang="nb"' in _html(client, "/login")


def test_a_visitors_choice_on_a_public_page_leaves_the_coordinators_account_alone(
        client, logged_in, db):
    client.post("/language", data={"locale": "en", "next": "/signup/guide"})
    assert '<html lang="en"' in _html(client, "/signup/guide")
    assert '<html lang="nb"' in _html(client, "/")
    assert db.session.get(User, logged_in.id).locale == "nb"
