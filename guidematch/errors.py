"""Error pages in the site's layout and language: never a traceback on screen."""
from __future__ import annotations

import logging

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


def render_error(code: int, message: str | None = None):
    title = _titles().get(code, _("Something went wrong"))
    text = message or _explanations().get(code, "")
    try:
        return render_template("errors/error.html", code=code, title=title, text=text), code
    except Exception:  # the layout itself failed: still no traceback for the user
        log.exception("Error page could not be rendered")
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
        # Log the error type and path only: request data may hold refugees' details.
        log.exception("Unhandled error on %s %s", request.method, request.path)
        if app.testing:  # let tests see the real error
            raise error
        return render_error(InternalServerError.code)
