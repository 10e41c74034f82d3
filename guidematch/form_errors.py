"""Show a domain error where a person looks for it: next to its field, else at the top.

Showing a refusal also undoes the attempt (unit_of_work.discard): the person is
told it did not happen, so nothing of it may be stored, and the page rendered
next shows what the database really holds.
"""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from guidematch import unit_of_work
from guidematch.services.errors import DomainError


def flash_error(error: DomainError | str) -> None:
    """Undo this request's attempt and tell why at the top of the next page."""
    flash(refuse(error), "error")


def refuse(error: DomainError | str) -> str:
    """Undo this request's attempt; return the message to show on the page itself."""
    unit_of_work.discard()
    return error.message if isinstance(error, DomainError) else error


def show_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    """Undo the attempt; attach `error` to its field (or `default_field`), else flash it."""
    unit_of_work.discard()
    name = error.field or default_field
    field = form._fields.get(name) if name else None
    if field is None:
        flash(error.message, "error")
        return
    field.errors = [*field.errors, error.message]
