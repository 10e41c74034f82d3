"""The input layer's rules, for every input: what is refused, where a redirect may go."""
from __future__ import annotations

import pytest
from flask import redirect
from hypothesis import given
from hypothesis import strategies as st

from guidematch import create_app, safe_input
from guidematch.control_characters import has_control_characters, marked

APP = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "SERVER_NAME": "localhost"})
TEXT = st.text(st.characters(exclude_categories=("Cs",)))


@given(TEXT)
def test_a_redirect_target_is_a_path_of_this_site_and_a_valid_header(target):
    with APP.test_request_context():
        chosen = safe_input.local_target(target)
        assert chosen == target or chosen == "/"
        assert chosen.startswith("/") and not chosen.startswith(("//", "/\\"))
        assert not has_control_characters(chosen)
        assert redirect(chosen).status_code == 302  # never the "newline in header" 500


@pytest.mark.parametrize("target", ["/guides?tab=waiting", "/signup/guide?lang=uk",
                                    "/pairings/3#logs", "/guides?q=a\\b"])
def test_a_local_path_is_kept(target):
    with APP.test_request_context():
        assert safe_input.local_target(target) == target


@given(TEXT)
def test_text_without_control_characters_is_never_refused(text):
    clean = "".join(c for c in text if not ("\x00" <= c <= "\x1f" or "\x7f" <= c <= "\x9f"))
    assert not has_control_characters(clean)
    assert has_control_characters(text) == (clean != text)


@given(TEXT)
def test_marking_keeps_the_text_and_leaves_nothing_to_refuse(text):
    for multiline in (False, True):
        shown = marked(text, multiline)
        assert len(shown) == len(text)
        assert not has_control_characters(shown, multiline)


def test_a_multi_line_field_may_hold_tabs_and_line_breaks_only():
    assert not has_control_characters("a\tb\r\nc", multiline=True)
    assert has_control_characters("a\tb", multiline=False)
    for char in "\x00\x07\x0b\x0c\x1b\x7f\x85":
        assert has_control_characters(f"a{char}b", multiline=True)


@given(st.text(max_size=30) | st.integers().map(str))
def test_a_record_id_is_one_every_database_holds(value):
    number = safe_input.record_id(value)
    assert number is None or 1 <= number <= 2**31 - 1


@given(st.text(max_size=30) | st.integers().map(str))
def test_a_page_number_is_clamped(value):
    assert 1 <= safe_input.page_number({"page": value}) <= safe_input.MAX_PAGE


def test_an_id_route_matches_only_ids_the_database_holds():
    adapter = APP.url_map.bind("localhost")
    assert adapter.match("/guides/2147483647")[1] == {"guide_id": 2**31 - 1}
    for path in ("/guides/2147483648", "/guides/99999999999999999999", "/guides/0", "/guides/-1"):
        with pytest.raises(Exception) as raised:
            adapter.match(path)
        assert getattr(raised.value, "code", None) == 404
