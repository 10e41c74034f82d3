from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DecimalField, EmailField, IntegerField, PasswordField, SelectField, StringField,
    SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from guidematch.form_kit import select_choices
from guidematch.vocabulary import DEFAULT_WEIGHTS, Role

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


class BranchForm(FlaskForm):
    slug = StringField(_l("Short name (in links and CSV files)"), validators=[DataRequired(), Length(max=63)],
                       description=_l("Lowercase letters, digits and dashes, e.g. tromso"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Create branch"))


class UserForm(FlaskForm):
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


class SettingsForm(FlaskForm):
    name = StringField(_l("Branch name"), validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField(_l("Contact email shown to guides and refugees"),
                               validators=[Optional(), Email(), Length(max=254)])
    districts = TextAreaField(_l("Districts (one per line)"), validators=[Length(max=4000)])
    min_months = IntegerField(_l("Shortest normal duration (months)"), validators=[DataRequired(), NumberRange(1, 36)])
    max_months = IntegerField(_l("Planned duration (months)"), validators=[DataRequired(), NumberRange(1, 36)])
    weekly_minutes = IntegerField(_l("Minimum time together per week (minutes)"), validators=[DataRequired(), NumberRange(0, 1440)])
    monthly_group_meetings = BooleanField(_l("Monthly group meetings"))
    evaluation_after_months = IntegerField(_l("Evaluation after (months)"), validators=[DataRequired(), NumberRange(1, 12)])
    retention_months = IntegerField(_l("Anonymise people this many months after their pairing ended"),
                                    validators=[DataRequired(), NumberRange(1, 120)])
    min_score = DecimalField(_l("Lowest score a proposal may have (0 = off)"), places=0,
                             validators=[Optional(), NumberRange(0, 100)], default=0)
    agreement_text = TextAreaField(_l("Agreement text"), validators=[DataRequired(), Length(max=10000)],
                                   render_kw={"rows": 8},
                                   description=_l("Changing it starts a new version; earlier acceptances keep theirs."))
    submit = SubmitField(_l("Save settings"))


# One weight field per score part, added to the class so the names stay in one list.
for _key in DEFAULT_WEIGHTS:
    setattr(SettingsForm, f"weight_{_key}", DecimalField(
        WEIGHT_LABELS[_key], places=1, validators=[InputRequired(), NumberRange(0, 10)]))
