"""The form kit: the fields, the choices and the form base every form builds on.

WTForms 3.3 deprecates choices given as tuples (and removes them in 3.4): every
choice list of ours is made of `SelectChoice` here, so no form warns. The
templates' half of the kit is templates/_form_kit.html.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def select_choices(pairs: Iterable[tuple[Any, Any]], blank: Any = None) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms choices, after an empty choice labelled `blank`."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: Any) -> int | None:
    """Coerce a submitted id to int, and the empty placeholder choice ("Choose a guide") to None."""
    return None if value in ("", None) else int(value)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (drawn by the `choices` macro of templates/_form_kit.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PrefixedForm(FlaskForm):
    """A form that shares its page with others: its prefix keeps ids, labels and names apart."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


def csrf_field(form: FlaskForm) -> Markup:
    """Return the form's CSRF input without an id (a page holds several forms), or nothing."""
    field = getattr(form, "csrf_token", None)  # absent where CSRF is off (some tests)
    return field(id=False) if field is not None else Markup("")
