"""Error pages in the site's layout and language: never a traceback on screen."""
from __future__ import annotations

import logging
import traceback

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from guidematch import unit_of_work
from guidematch.safe_input import RefusedInput

log = logging.getLogger(__name__)


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
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("Go back, check what you entered and try again."),
        404: _("The page does not exist, or you do not have access to it."),
        413: _("Files up to 5 MB can be uploaded."),
        429: _("Please wait a little before you try again."),
        500: _("The error has been logged. Please try again in a moment."),
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

    @app.errorhandler(RefusedInput)
    def refused_input(error: RefusedInput):
        return render_error(400, error.description)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
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
