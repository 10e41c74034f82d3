"""The reasons' words are in the gettext catalogs, each translated in each person's language."""
from __future__ import annotations

import pytest

from guidematch.matching import Reason, render_reason
from guidematch.matching.wording import CONTEXTS, LABELS, PHRASES, catalog

TRANSLATED = ("nb", "ar", "uk")


def _messages():
    for vocabulary, words in LABELS.items():
        for word in words.values():
            yield CONTEXTS[vocabulary], word, None
    for words in PHRASES.values():
        yield (None, *words) if isinstance(words, tuple) else (None, words, None)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_reason_word_has_a_translation_in_the_catalog(locale):
    translations = catalog(locale)
    missing = []
    for context, message, plural in _messages():
        if plural:
            said = translations.ngettext(message, plural, 5)
            english = plural
        elif context:
            said, english = translations.pgettext(context, message), message
        else:
            said, english = translations.gettext(message), message
        if said == english and not (locale == "nb" and message == "film"):
            missing.append(message)
    assert missing == []


@pytest.mark.parametrize(("locale", "words"), [
    ("nb", "begge liker fisking og musikk"),
    ("en", "both enjoy fishing and music"),
    ("ar", "كلاهما يحب صيد السمك والموسيقى"),
    ("uk", "спільні захоплення: риболовля і музика"),
])
def test_a_reason_reads_in_each_persons_language(locale, words):
    assert render_reason(Reason("interests", {"interests": ("fishing", "music")}), locale) == words


def test_plurals_follow_the_language():
    days = Reason("waiting", {"days": 3})
    assert render_reason(days, "uk") == "чекає 3 дні"
    assert render_reason(Reason("waiting", {"days": 5}), "uk") == "чекає 5 днів"
    assert render_reason(days, "nb") == "har ventet i 3 dager"
    assert render_reason(Reason("age", {"years": 1}), "en") == "close in age (1 year apart)"
