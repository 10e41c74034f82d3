"""The form kit: the fields, the choices and the form base every form builds on.

WTForms 3.3 deprecates choices given as tuples (and removes them in 3.4): every
choice list of ours is made of `SelectChoice` here, so no form warns. The
templates' half of the kit is templates/_form_kit.html.

Every form of ours derives from `Form`, which refuses control characters
(safe_input) in every field with a message next to it, before any validator of
the form's own (some ask the database) sees the value.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.widgets import CheckboxInput, ListWidget, TextArea

from guidematch import safe_input
from guidematch.control_characters import has_control_characters, marked


def select_choices(pairs: Iterable[tuple[Any, Any]], blank: Any = None) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms choices, after an empty choice labelled `blank`."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: Any) -> int | None:
    """Coerce a submitted id to int, and the empty placeholder choice ("Choose a guide") to None."""
    if value in ("", None):
        return None
    number = safe_input.record_id(value)
    if number is None:
        raise ValueError("not a record id")  # WTForms shows it as "not a valid choice"
    return number


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (drawn by the `choices` macro of templates/_form_kit.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Form(FlaskForm):
    """The base of every form: no field accepts a control character (a multi-line one: tabs
    and line breaks)."""

    def validate(self, extra_validators=None) -> bool:
        refused = [field for field in self if _refuse_control_characters(field)]
        valid = super().validate(extra_validators)
        for field in refused:  # after: validating a field starts its errors afresh
            field.errors = [*field.errors, safe_input.control_character_message()]
        return valid and not refused


def _refuse_control_characters(field: Field) -> bool:
    """Say whether `field` was sent a control character; if so, keep the value with it marked."""
    multiline = isinstance(field.widget, TextArea)
    raw = [value for value in (field.raw_data or ()) if isinstance(value, str)]
    if not any(has_control_characters(value, multiline) for value in raw):
        return False
    # What was typed stays in the field, each refused character shown as U+FFFD, and no
    # validator of the form's own (some query the database) sees the character itself.
    if isinstance(field.data, str):
        field.data = marked(field.data, multiline)
    elif isinstance(field.data, list):
        field.data = [marked(v, multiline) if isinstance(v, str) else v
                      for v in field.data]
    field.raw_data = [marked(v, multiline) if isinstance(v, str) else v
                      for v in field.raw_data]
    return True


def is_guarded_field(name: str) -> bool:
    """Say whether a posted name is a field of some `Form`, which checks its value itself."""
    return name in _field_names(len(_forms())) or name.rpartition("-")[2] in _field_names(
        len(_forms()))


def _forms() -> list[type[Form]]:
    found, stack = [], [Form]
    while stack:
        form = stack.pop()
        found.append(form)
        stack.extend(form.__subclasses__())
    return found


@functools.lru_cache(maxsize=4)
def _field_names(form_count: int) -> frozenset[str]:
    # Keyed on the count: a form module imported later (or a field set on a class after its
    # definition, before first use) is seen, and the walk runs once per set of forms.
    return frozenset(name for form in _forms() for name in dir(form)
                     if isinstance(getattr(form, name, None), UnboundField))


class PrefixedForm(Form):
    """A form that shares its page with others: its prefix keeps ids, labels and names apart."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


def csrf_field(form: FlaskForm) -> Markup:
    """Return the form's CSRF input without an id (a page holds several forms), or nothing."""
    field = getattr(form, "csrf_token", None)  # absent where CSRF is off (some tests)
    return field(id=False) if field is not None else Markup("")
