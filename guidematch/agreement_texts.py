"""The agreement both people of a pairing accept: the branch's own rules, in the reader's language.

The default text is a template filled from the branch's programme rules (the
months, the weekly minimum, group meetings, the evaluation) and translated into
each person's language. A coordinator may write a text of their own for a
language (`Branch.agreement_texts`); a language without one gets the filled
default in that language, never another language's text.

`Branch.agreement_version` numbers the words of all languages together: it goes
up whenever any language's words change (an edited text, a reset, or a rule the
default is filled from; see services/branches.py). A consent stores
`consent_version`, "<version>:<language>", which names the exact words read.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from guidematch.durations import duration
from guidematch.models import Branch
from guidematch.vocabulary import PERSON_LOCALES

INTRO = _l("As guide and refugee in the refugee guide programme we agree to:")


@dataclass(frozen=True)
class Agreement:
    """The words of an agreement: an introduction and the commitments (none for an own text)."""

    intro: str
    commitments: tuple[str, ...] = ()

    def as_text(self) -> str:
        """Return the agreement as plain text, one commitment a line."""
        return "\n".join([self.intro, *(f"- {item}" for item in self.commitments)]) + "\n"


def default_agreement(branch: Branch) -> Agreement:
    """Return the programme's agreement filled from the branch's rules, in the current language."""
    return Agreement(str(INTRO), tuple(_commitments(branch)))


def _commitments(branch: Branch) -> list[str]:
    minutes = branch.weekly_minutes
    items = [
        gettext("meet for at least %(duration)s a week, at times we plan together;",
                duration=duration(minutes))
        if minutes else gettext("meet regularly, at times we plan together;"),
    ]
    if branch.monthly_group_meetings:
        items.append(gettext("take part in the monthly group meeting for all guides and refugees "
                             "when we can;"))
    items.append(ngettext("answer a short evaluation after %(num)s month;",
                          "answer a short evaluation after %(num)s months;",
                          branch.evaluation_after_months))
    if branch.min_months == branch.max_months:
        items.append(ngettext(
            "keep the pairing for %(num)s month, and tell the coordinator if it must end earlier;",
            "keep the pairing for %(num)s months, and tell the coordinator if it must end earlier;",
            branch.max_months))
    else:
        items.append(ngettext(
            "keep the pairing for at least %(min)s and at most %(num)s month, and tell the "
            "coordinator if it must end earlier;",
            "keep the pairing for at least %(min)s and at most %(num)s months, and tell the "
            "coordinator if it must end earlier;",
            branch.max_months, min=branch.min_months))
    items.append(gettext("treat what we learn about each other in confidence."))
    return items


def current_locale() -> str:
    """Return the language being written in now (a request's, or a forced one's)."""
    return str(get_locale() or "nb")


def agreement(branch: Branch, locale: str | None = None) -> Agreement:
    """Return the agreement a reader of `locale` (default: the current language) gets."""
    locale = locale or current_locale()
    own = branch.agreement_texts.get(locale)
    if own is not None:
        return Agreement(own.text)
    if locale == current_locale():
        return default_agreement(branch)
    with force_locale(locale):
        return default_agreement(branch)


def default_words(branch: Branch, locale: str) -> str:
    """Return the filled default as plain text in `locale` (what the settings page offers)."""
    with force_locale(locale):
        return default_agreement(branch).as_text()


def words(branch: Branch, locale: str) -> str:
    """Return the plain text a reader of `locale` accepts."""
    return agreement(branch, locale).as_text()


def all_words(branch: Branch) -> dict[str, str]:
    """Return the words of every person's language; a version names all of them at once."""
    return {locale: words(branch, locale) for locale in PERSON_LOCALES}


def same_words(a: str, b: str) -> bool:
    """Say whether two texts have the same words (line breaks and spacing aside)."""
    return a.split() == b.split()


def consent_version(branch: Branch, locale: str) -> str:
    """Return what a consent to the agreement stores: the branch's version and the language read."""
    return f"{branch.agreement_version}:{locale}"


class ReaderAgreement:
    """The branch's agreement in whichever language is current where it is shown.

    An email is rendered in the recipient's language and a link page in the
    reader's: like a lazy string, this object chooses the words when read.
    """

    def __init__(self, branch: Branch):
        self._branch = branch

    @property
    def intro(self) -> str:
        return agreement(self._branch).intro

    @property
    def commitments(self) -> tuple[str, ...]:
        return agreement(self._branch).commitments
