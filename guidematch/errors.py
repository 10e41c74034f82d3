"""Error pages in the site's layout and language: never a traceback on screen."""
from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from guidematch import unit_of_work
from guidematch.safe_input import RefusedInput

log = logging.getLogger(__name__)

# A lost or refused database connection (a restart, a failover, a full pool): the request
# may succeed in a moment, so it is a 503, not a bug. pool_pre_ping (config.py) makes the
# next request open a fresh connection, so the app recovers without a restart.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        401: _("Please log in"),
        403: _("You may not do that"),
        404: _("Page not found"),
        405: _("That is not allowed here"),
        413: _("The file is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("The service is briefly unavailable"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("Go back, check what you entered and try again."),
        404: _("The page does not exist, or you do not have access to it."),
        413: _("Files up to 5 MB can be uploaded."),
        429: _("Please wait a little before you try again."),
        500: _("The error has been logged. Please try again in a moment."),
        503: _("The database could not be reached, so nothing was saved. "
               "Please try again in a minute."),
    }


def scrubbed_traceback(error: BaseException) -> str:
    """Return the traceback of `error` and its causes without their messages."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        parts.append("".join(traceback.format_list(frames))
                     + f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return "\n(caused by)\n".join(parts)


def render_error(code: int, message: str | None = None):
    title = _titles().get(code, _("Something went wrong"))
    text = message or _explanations().get(code, "")
    try:
        return render_template("errors/error.html", code=code, title=title, text=text), code
    except Exception as failure:  # the layout itself failed: still no traceback for the user
        log.error("Error page could not be rendered\n%s", scrubbed_traceback(failure))
        return f"<!doctype html><title>{code}</title><h1>{code}</h1>", code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("The form had expired or was sent from elsewhere. "
                                   "Please open the page again and resend it."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_error(error: Exception):
        return database_unavailable(error)
    @app.errorhandler(RefusedInput)
    def refused_input(error: RefusedInput):
        return render_error(400, error.description)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:  # a page made for this error (a 429 keeping the form)
            return error.response
        # A failing commit (after the view answered) reaches Flask as a 500 wrapping it.
        if isinstance(getattr(error, "original_exception", None), DATABASE_UNAVAILABLE):
            return database_unavailable(error.original_exception)
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        unit_of_work.discard()  # the error page must not read (or commit) a half-done attempt
        # The path, the error's type and where it was raised; never its message, which can
        # quote the data (PostgreSQL's "Key (email)=(kari@example.org) already exists").
        log.error("Unhandled error on %s %s\n%s", request.method, request.path,
                  scrubbed_traceback(error))
        if app.testing:  # let tests see the real error
            raise error
        return render_error(InternalServerError.code)


def database_unavailable(error: Exception):
    """Answer a lost database connection with a translated 503 page that needs no database."""
    try:
        unit_of_work.discard()
    except DATABASE_UNAVAILABLE:  # rolling back on a dead connection may fail too: nothing to undo
        pass
    # The class and first line only: the statement's parameters may hold a refugee's details.
    reason = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0][:200]
    log.warning("Database unavailable on %s %s: %s", request.method, request.path, reason)
    # The layout asks for the logged-in user, which would need the database: render the
    # page for an anonymous visitor (Flask-Login caches the request's user in g._login_user).
    g._login_user = current_app.login_manager.anonymous_user()
    body, code = render_error(ServiceUnavailable.code)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
