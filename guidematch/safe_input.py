"""The input layer: what a request may carry before any view or database sees it.

One set of rules for both databases. SQLite stores a NUL byte and PostgreSQL
refuses it (a 500 there), so control characters are refused here, the same on
both: in a URL part (path, query) with a 400 page, in a form field with a
message next to the field (form_kit.Form). Record ids in URLs are bounded to the
smaller of the two databases' integer ranges (PostgreSQL's INTEGER), so an id
out of range is a 404 like any other unknown id, never an overflow; page numbers
are clamped; redirect targets are checked in `local_target`, which every `next`
parameter passes through before a view reads it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from guidematch.control_characters import has_control_characters

# PostgreSQL's INTEGER (the type of every primary key); SQLite's range is wider.
MAX_RECORD_ID = 2**31 - 1
# Far beyond any list's last page, and small enough that an OFFSET fits every database.
MAX_PAGE = 100_000
NEXT = "next"  # the parameter that names where to go after a login or a language switch


class RefusedInput(BadRequest):
    """A URL part or form value the input layer refuses; its message is shown on the 400 page."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(description=message or control_character_message())


def control_character_message() -> str:
    return _("This contains a control character (an invisible character such as a null byte) "
             "that cannot be stored. Remove it and try again.")


def _url_message() -> str:
    return _("The address of this page contains a control character (an invisible character "
             "such as a null byte). Check the link, or open the page from the menu.")


def _bad_id_message() -> str:
    return _("That is not the number of a record. Go back and choose from the list.")


def record_id(value: object) -> int | None:
    """Return a submitted record id as an int, or None when it is not one a database can hold."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_RECORD_ID else None


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """Return the page asked for, clamped to 1..MAX_PAGE (1 when it is not a number)."""
    raw = str(args.get(name, "")).strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return min(max(int(raw), 1), MAX_PAGE)


def local_target(target: str | None, default_endpoint: str = "core.dashboard") -> str:
    """Return `target` if it is a path on this site, else the URL of `default_endpoint`.

    The one check for every `next` and every redirect to a place a request names:
    no other host (`//host`, `/\\host`, which browsers read as `//host`), no scheme,
    no control characters (a CR/LF would split the Location header; browsers
    drop tabs and line breaks, so `/\\t/host` would become `//host`).
    """
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and not has_control_characters(target)):
        return target
    return url_for(default_endpoint)


def _id_out_of_range(key: str, value: str) -> bool:
    # A view reads `..._id` as a record id: a number no database holds is refused before it
    # reaches one (a view that reads it as an int would overflow). Other text is the view's.
    text = value.strip()
    return key.endswith("_id") and text.isascii() and text.isdigit() and int(text) > MAX_RECORD_ID


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in every route: an id a database cannot hold matches nothing (404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_RECORD_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _values(data: MultiDict) -> Iterable[tuple[str, str]]:
    for key, values in data.lists():
        for value in values:
            yield key, value


def _only_local_next() -> None:
    """Make every `next` (query or form) a path of this site before any view reads it."""
    # Replaced rather than refused: a crafted login link then still logs the coordinator
    # in, and lands on the start page instead of an error page or another site.
    for name in ("args", "form"):
        data = getattr(request, name)
        if NEXT in data and any(local_target(v) != v for v in data.getlist(NEXT)):
            cleaned = MultiDict(data)
            cleaned.setlist(NEXT, [local_target(v) for v in data.getlist(NEXT)])
            setattr(request, name, ImmutableMultiDict(cleaned))


def _refuse_unsafe_urls() -> None:
    # The raw path too: a control character in a static file's name never reaches view_args.
    parts = [request.path, *(request.view_args or {}).values()]
    for key, value in _values(request.args):
        parts += [key, value]
    if any(isinstance(part, str) and has_control_characters(part) for part in parts):
        raise RefusedInput(_url_message())
    for key, value in _values(request.args):
        if _id_out_of_range(key, value):
            raise RefusedInput(_bad_id_message())


def _refuse_unsafe_form_values() -> None:
    """Refuse what no form of the kit will check: field names, and values outside its fields."""
    from guidematch.form_kit import is_guarded_field  # the kit builds on this module

    if not request.form:
        return
    for key, value in _values(request.form):
        if has_control_characters(key):
            raise RefusedInput()
        if not is_guarded_field(key) and has_control_characters(value, multiline=True):
            raise RefusedInput()
        if _id_out_of_range(key, value):
            raise RefusedInput(_bad_id_message())


def register_converters(app: Flask) -> None:
    """Bound `<int:...>` ids to the databases' range; call before any blueprint is added."""
    app.url_map.converters["int"] = RecordIdConverter


def register(app: Flask) -> None:
    """Check every request's URL parts and form values before the view runs."""
    app.before_request(_only_local_next)
    app.before_request(_refuse_unsafe_urls)
    app.before_request(_refuse_unsafe_form_values)
