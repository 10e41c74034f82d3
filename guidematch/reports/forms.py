"""The report's period: this month, last quarter, this year, or from/to."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SubmitField
from wtforms.validators import Optional

from guidematch.form_kit import Form, select_choices

PERIOD_LABELS = {"this_month": _l("This month"), "last_quarter": _l("Last quarter"),
                 "this_year": _l("This year"), "custom": _l("From and to")}


class PeriodForm(Form):
    """A GET form (bookmarkable, no CSRF token): it changes nothing."""

    class Meta:
        csrf = False

    period = RadioField(_l("Period"), choices=select_choices(PERIOD_LABELS.items()), default="this_month")
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To (included)"), validators=[Optional()])
    submit = SubmitField(_l("Show"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid or self.period.data != "custom":
            return valid
        for field in (self.first, self.last):
            if field.data is None:
                field.errors = [*field.errors, _l("Choose a day (YYYY-MM-DD).")]
                valid = False
        if valid and self.first.data > self.last.data:
            self.last.errors = [*self.last.errors, _l("The last day must be on or after the first.")]
            valid = False
        return valid
