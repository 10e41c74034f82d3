"""The audit log's filters: who, what, when; the person is the page's own (?guide= / ?refugee=)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SubmitField
from wtforms.validators import Optional

from guidematch.form_kit import Form, optional_int, select_choices
from guidematch.labels import AUDIT_ACTION_LABELS


def _who(value: object) -> int | str | None:
    """A user's id, or a kind of actor without an account ("system", "guide link")."""
    if value in ("", None):
        return None
    if isinstance(value, int) or str(value).strip().isdigit():
        return optional_int(value)
    return str(value)


class AuditFilterForm(Form):
    """A GET form (bookmarkable, no CSRF token): it changes nothing."""

    class Meta:
        csrf = False

    who = SelectField(_l("Who"), coerce=_who, validators=[Optional()])
    what = SelectField(_l("What"), validators=[Optional()])
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To (included)"), validators=[Optional()])
    # The person whose history this is stays chosen while the other filters change.
    guide = HiddenField()
    refugee = HiddenField()
    submit = SubmitField(_l("Show"))

    def __init__(self, *args, people: list[tuple[int | str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.who.choices = select_choices(people, blank=_l("Anyone"))
        actions = sorted(AUDIT_ACTION_LABELS.items(), key=lambda pair: str(pair[1]).casefold())
        self.what.choices = select_choices(actions, blank=_l("Any event"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.first.data and self.last.data and self.first.data > self.last.data:
            self.last.errors = [*self.last.errors, _l("The last day must be on or after the first.")]
            valid = False
        return valid
