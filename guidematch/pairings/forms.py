"""Forms of the pairing page: logs, pauses, the end (one page holds them: each has a prefix)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from guidematch.form_kit import Form, MultiCheckboxField, PrefixedForm, select_choices
from guidematch.linkpages.forms import activity_choices, minutes_field
from guidematch.labels import label
from guidematch.vocabulary import EndReason, PauseReason

EARLY_END_REASONS = tuple(r for r in EndReason if r != EndReason.COMPLETED)


class LogForm(PrefixedForm):
    PREFIX = "log"

    met_on = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day."))])
    minutes = minutes_field(_l("Minutes"))
    activities = MultiCheckboxField(_l("What they did"), choices=activity_choices, validate_choice=True)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)],
                         render_kw={"rows": 2, "maxlength": 1000})
    submit = SubmitField(_l("Save the log"))


def pause_choices():
    return select_choices((r.value, label(r)) for r in PauseReason)


class PauseForm(PrefixedForm):
    PREFIX = "pause"

    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Choose the first day."))])
    ends_on = DateField(_l("To (inclusive)"), validators=[InputRequired(_l("Choose the last day."))])
    # No InputRequired: the select always holds a reason (holiday first) and validate_choice
    # refuses any other value; a `required` select would need an empty first option (HTML).
    reason = SelectField(_l("Why"), choices=pause_choices)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)], render_kw={"rows": 2, "maxlength": 500})
    submit = SubmitField(_l("Declare the pause"))


def end_choices():
    return select_choices(((r.value, label(r)) for r in EARLY_END_REASONS),
                          blank=_l("Choose a reason"))


class EndForm(PrefixedForm):
    PREFIX = "end"

    reason = SelectField(_l("Reason"), choices=end_choices,
                         validators=[InputRequired(_l("Choose why the pairing ends early."))])
    note = TextAreaField(_l("Note (for coordinators only)"), validators=[Optional(), Length(max=1000)],
                         render_kw={"rows": 2, "maxlength": 1000})
    guide_available = BooleanField(_l("The guide wants a new refugee"), default=True)
    submit = SubmitField(_l("End the pairing early"))

    def validate_reason(self, field):
        if not field.data:
            raise ValidationError(_l("Choose why the pairing ends early."))


class ActionForm(Form):
    """A button that changes something: a POST with the CSRF token and nothing else."""
