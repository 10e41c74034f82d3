"""Which language a request is answered in, and helpers for per-person languages.

Two kinds of page, two choices kept apart in the session. The pages guides,
refugees and visitors read (sign-up, their links) follow the visitor's choice
among all PERSON_LOCALES; every other page belongs to a coordinator and follows
the coordinator's choice between the UI_LOCALES. So a coordinator who previews
the sign-up page in Arabic still finds their own pages in Norwegian, left to right.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app, has_request_context, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from guidematch.vocabulary import PERSON_LOCALES, RTL_LOCALES, UI_LOCALES

LOCALE_NAMES = {"nb": "Norsk bokmål", "en": "English", "ar": "العربية", "uk": "Українська"}
DEFAULT_LOCALE = "nb"
# Blueprints whose public pages are read by guides, refugees and visitors.
PERSON_BLUEPRINTS = frozenset({"signup", "links"})
VISITOR_CHOICE = "locale"  # session keys
UI_CHOICE = "ui_locale"
QUERY_PARAMETER = "lang"  # `?lang=ar` on a link to a public page


def is_person_page(endpoint: str | None) -> bool:
    """Tell whether the page at `endpoint` is read by guides, refugees or visitors."""
    if not endpoint or endpoint.partition(".")[0] not in PERSON_BLUEPRINTS:
        return False
    return getattr(current_app.view_functions.get(endpoint), "is_public", False)


def page_locales(endpoint: str | None = None) -> tuple[str, ...]:
    """Return the languages a page offers (the current request's page by default)."""
    if endpoint is None and has_request_context():
        endpoint = request.endpoint
    return PERSON_LOCALES if is_person_page(endpoint) else UI_LOCALES


def select_locale() -> str:
    """Pick the request's language: the visitor's on their pages, the coordinator's elsewhere."""
    if not has_request_context():  # the CLI (reminders): the default language
        return DEFAULT_LOCALE
    if is_person_page(request.endpoint):
        return visitor_locale()
    return ui_locale()


def visitor_locale(person=None) -> str:
    """Return the visitor's choice, else the person's own language, else the browser's."""
    chosen = session.get(VISITOR_CHOICE)
    if chosen in PERSON_LOCALES:
        return chosen
    if getattr(person, "locale", None) in PERSON_LOCALES:
        return person.locale
    if _logged_in():  # a coordinator previewing a public page: in their own language
        return ui_locale()
    return request.accept_languages.best_match(PERSON_LOCALES) or DEFAULT_LOCALE


def ui_locale() -> str:
    """Return the coordinator's choice for their pages, else their account's, else the browser's."""
    chosen = session.get(UI_CHOICE)
    if chosen in UI_LOCALES:
        return chosen
    if _logged_in():
        return current_user.locale if current_user.locale in UI_LOCALES else DEFAULT_LOCALE
    return request.accept_languages.best_match(UI_LOCALES) or DEFAULT_LOCALE


def remember_choice(locale: str, endpoint: str | None) -> str | None:
    """Keep `locale` for pages of the kind `endpoint` is; return the session key (None: refused)."""
    key = VISITOR_CHOICE if is_person_page(endpoint) else UI_CHOICE
    if locale not in page_locales(endpoint):
        return None
    session[key] = locale
    return key


def endpoint_for(path: str) -> str | None:
    """Return the endpoint a local path leads to, None when it leads nowhere."""
    adapter = current_app.create_url_adapter(request)
    try:
        endpoint, _arguments = adapter.match(urlsplit(path).path, method="GET")
    except (HTTPException, RoutingException):  # RequestRedirect is both
        return None
    return endpoint


def without_language_parameter(path: str) -> str:
    """Drop `?lang=` from a path, so that going back there keeps the language just chosen."""
    parts = urlsplit(path)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
             if key != QUERY_PARAMETER]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _logged_in() -> bool:
    return bool(current_user and getattr(current_user, "is_authenticated", False))


def text_direction(locale: str) -> str:
    return "rtl" if locale in RTL_LOCALES else "ltr"
