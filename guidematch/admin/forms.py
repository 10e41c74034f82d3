from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DecimalField, EmailField, HiddenField, IntegerField, PasswordField, SelectField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.widgets import HiddenInput
from wtforms.validators import (
    AnyOf, DataRequired, Email, InputRequired, Length, NumberRange, Optional,
)

from guidematch.form_kit import Form, select_choices
from guidematch.i18n import text_direction
from guidematch.labels import language_name
from guidematch.vocabulary import DEFAULT_WEIGHTS, MAX_WEEKLY_MINUTES, PERSON_LOCALES, Role

WEIGHT_LABELS = {
    "interests": _l("Shared interests"),
    "activities": _l("Wanted activities the guide offers"),
    "language": _l("A common language"),
    "family": _l("Family situation"),
    "age": _l("Closeness in age"),
    "availability": _l("Shared free times"),
    "location": _l("Living close"),
    "background": _l("Education and occupation"),
    "waiting": _l("Time on the waiting list"),
}
# What a weight does where that is not plain from its name (docs/matching.md, the policy).
WEIGHT_HELP = {
    "waiting": _l("Each whole month someone has waited longer than the others a guide could "
                  "take counts, up to six months, unless the two fit poorly; 0 turns waiting "
                  "priority off, so that only the fit counts."),
}


class ActionForm(Form):
    """A button's form: a record (its id in the body, not the URL) turned on or off."""

    record = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    value = HiddenField(validators=[AnyOf(["on", "off"])])


class BranchForm(Form):
    slug = StringField(_l("Short name (in links and CSV files)"), validators=[DataRequired(), Length(max=63)],
                       description=_l("Lowercase letters, digits and dashes, e.g. tromso"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Create branch"))


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=select_choices(
        [(Role.COORDINATOR.value, _l("Coordinator")), (Role.ADMIN.value, _l("Admin"))]))
    branch_id = SelectField(_l("Branch"), coerce=int, validators=[Optional()])
    locale = SelectField(_l("Language"),
                         choices=select_choices([("nb", "Norsk bokmål"), ("en", "English")]))
    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(min=10, max=200)],
                             description=_l("At least 10 characters. Give it to the person in a safe way."))
    submit = SubmitField(_l("Create user"))


# The settings' messages, worded once (each validator formats its own %(min)s / %(max)s).
ENTER_NUMBER = _l("Enter a number.")
NUMBER_RANGE = _l("Enter a number from %(min)s to %(max)s.")
MONTHS_RANGE = _l("Enter a number of months from %(min)s to %(max)s.")
# The same words as the service's check (services/branches.py): 0 is "no minimum".
WEEKLY_MINUTES_RANGE = _l("Enter the minutes from %(min)s (no minimum) to %(max)s (a whole day).")
TOO_LONG = _l("Use at most %(max)s characters.")


def months_field(label, most: int) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(ENTER_NUMBER),
                                           NumberRange(1, most, MONTHS_RANGE)])


class SettingsForm(Form):
    name = StringField(_l("Branch name"), validators=[
        DataRequired(_l("Enter the branch's name.")), Length(max=120, message=TOO_LONG)])
    contact_email = EmailField(_l("Contact email shown to guides and refugees"), validators=[
        Optional(), Email(_l("Enter a valid email address.")), Length(max=254, message=TOO_LONG)])
    districts = TextAreaField(_l("Districts (one per line)"),
                              validators=[Length(max=4000, message=TOO_LONG)])
    min_months = months_field(_l("Shortest normal duration (months)"), 36)
    max_months = months_field(_l("Planned duration (months)"), 36)
    weekly_minutes = IntegerField(
        _l("Minimum time together per week (minutes)"),
        validators=[InputRequired(_l("Enter the minutes, for example 120 for two hours.")),
                    NumberRange(0, MAX_WEEKLY_MINUTES, WEEKLY_MINUTES_RANGE)],
        description=_l("0 means no weekly minimum."))
    monthly_group_meetings = BooleanField(_l("Monthly group meetings"))
    evaluation_after_months = months_field(_l("Evaluation after (months)"), 12)
    retention_months = months_field(
        _l("Anonymise people this many months after their pairing ended"), 120)
    min_score = DecimalField(_l("Lowest score a proposal may have (0 = off)"), places=0,
                             validators=[Optional(), NumberRange(0, 100, NUMBER_RANGE)], default=0)
    submit = SubmitField(_l("Save settings"))


# One weight field per score part, added to the class so the names stay in one list.
for _key in DEFAULT_WEIGHTS:
    setattr(SettingsForm, f"weight_{_key}", DecimalField(
        WEIGHT_LABELS[_key], places=1, description=WEIGHT_HELP.get(_key, ""),
        validators=[InputRequired(ENTER_NUMBER), NumberRange(0, 10, NUMBER_RANGE)]))

# The agreement in each person's language, and a way back to the default for a text of one's own.
for _locale in PERSON_LOCALES:
    setattr(SettingsForm, f"agreement_{_locale}", TextAreaField(
        _l("Agreement in %(language)s", language=LazyString(language_name, _locale)),
        validators=[Optional(), Length(max=10000, message=TOO_LONG)],
        render_kw={"rows": 9, "lang": _locale, "dir": text_direction(_locale)}))
    setattr(SettingsForm, f"agreement_{_locale}_reset",
            BooleanField(_l("Use the default text again")))
