"""The public forms: guide sign-up, refugee registration and the caseworker's referral.

Field names are the CSV column names of DESIGN.md, so a form, a CSV row and
`ProfileRecord` speak the same language. Every field has a length limit; text
fields refuse control characters and markup; the CSV form's own parsers
(profile_csv.PARSERS) check the values they share with it.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, EmailField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError,
)

from guidematch.form_kit import Form, MultiCheckboxField
from guidematch.models.campaign import normal_code
from guidematch.profile import ProfileRecord
from guidematch.profile_csv import COLUMNS, PARSERS
from guidematch.signup import choices
from guidematch.vocabulary import PERSON_LOCALES

MOTIVATION_MAX = 2000
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class PlainText:
    """Refuse control characters (a NUL breaks PostgreSQL, a newline breaks an email header) and markup."""

    def __init__(self, multiline: bool = False):
        self.allowed = {"\n", "\r", "\t"} if multiline else set()

    def __call__(self, form, field):
        value = field.data or ""
        if any(unicodedata.category(c) == "Cc" and c not in self.allowed for c in value):
            raise ValidationError(_l("Please remove the invisible control characters."))
        if _TAG.search(value):
            raise ValidationError(_l("Please write plain text, without < and > around words."))


class CsvCheck:
    """Check a value with the CSV column's parser; show a translated message when it refuses."""

    def __init__(self, column: str, message):
        self.parse = PARSERS[column]
        self.message = message

    def __call__(self, form, field):
        raw = (field.data or "").strip() if isinstance(field.data, str) else field.data
        if raw in ("", None):
            return
        try:
            self.parse(raw)
        except ValueError:
            raise ValidationError(self.message) from None


def _text(label, max_length: int, required: bool = False, **kwargs):
    first = [InputRequired(message=_l("Please fill this in."))] if required else [Optional()]
    return StringField(label, filters=[strip],
                       validators=first + [Length(max=max_length), PlainText()], **kwargs)


def _choice(label, vocabulary: str, empty_label):
    return SelectField(label, choices=[SelectChoice("", empty_label)] + choices.vocabulary(vocabulary),
                       default="",
                       validators=[Optional()])


class HoneypotMixin:
    # Hidden from people (CSS and aria-hidden); a bot that fills it in gets the
    # thank-you page and nothing is saved.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())


class PersonFields(HoneypotMixin, Form):
    """The profile fields guides and refugees share (DESIGN.md's profile table)."""

    first_name = _text(_l("First name"), 100, required=True, render_kw={"autocomplete": "given-name"})
    last_name = _text(_l("Last name"), 100, required=True, render_kw={"autocomplete": "family-name"})
    email = EmailField(_l("Email"), filters=[strip], validators=[
        InputRequired(message=_l("Please fill this in.")), Length(max=254), PlainText(),
        CsvCheck("email", _l("Please enter a valid email address, like name@example.org."))],
        render_kw={"autocomplete": "email"})
    phone = StringField(_l("Phone"), filters=[strip], validators=[
        Optional(), Length(max=40),
        Regexp(r"^\+?[0-9 ()\-.]{3,40}$", message=_l("Please enter a phone number with digits only."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    gender = RadioField(_l("Gender"), choices=choices.vocabulary("gender"),
                        validators=[InputRequired(message=_l("Please choose one."))])
    gender_preference = RadioField(_l("Would rather be matched with"), default="any",
                                   choices=choices.vocabulary("gender_preference"),
                                   validators=[InputRequired(message=_l("Please choose one."))])
    birth_year = StringField(_l("Year of birth"), filters=[strip], validators=[
        Optional(), Length(max=4),
        CsvCheck("birth_year", _l("Please enter the year you were born, with four digits."))],
        render_kw={"inputmode": "numeric", "autocomplete": "bday-year", "maxlength": 4})
    languages = SelectMultipleField(_l("Languages spoken"), choices=[], validators=[
        DataRequired(message=_l("Please choose at least one language."))])
    interests = MultiCheckboxField(_l("Interests"), choices=choices.vocabulary("interest"))
    family_situation = _choice(_l("Family situation"), "family_situation", _l("Prefer not to say"))
    availability = MultiCheckboxField(_l("Usually free"), choices=[])
    district = _text(_l("District or neighbourhood"), 100)
    lat = StringField(_l("Latitude"), filters=[strip], validators=[
        Optional(), Length(max=20), CsvCheck("lat", _l("Please enter a decimal number between -90 and 90."))])
    lon = StringField(_l("Longitude"), filters=[strip], validators=[
        Optional(), Length(max=20), CsvCheck("lon", _l("Please enter a decimal number between -180 and 180."))])
    education_level = _choice(_l("Education"), "education_level", _l("Prefer not to say"))
    occupation = _text(_l("Occupation"), 200)
    locale = SelectField(_l("Language for emails"), choices=choices.pairs(choices.LOCALES),
                         validators=[InputRequired()])

    def __init__(self, *args, districts: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = list(districts or [])
        self.languages.choices = choices.language_choices()
        self.availability.choices = choices.slot_choices()

    def profile_record(self, kind: str) -> ProfileRecord:
        """Return the typed profile as the CSV form's record, parsed by the CSV parsers."""
        values = {}
        for name in COLUMNS[kind]:
            field = self._fields.get(name)
            if field is None:
                continue
            data = field.data
            if isinstance(data, list):
                cell = ";".join(data)
            elif isinstance(data, bool):
                cell = "yes" if data else "no"
            else:
                cell = "" if data is None else str(data).strip()
            if cell:
                values[name] = PARSERS[name](cell)
        return ProfileRecord(kind=kind, id="", **values)

    def validate_district(self, field):
        if self.districts and field.data and field.data not in self.districts:
            raise ValidationError(_l("Please choose one of the districts in the list."))

    def validate_locale(self, field):
        if field.data not in PERSON_LOCALES:
            raise ValidationError(_l("Please choose one."))


class GuideSignupForm(PersonFields):
    # The campaign link's code (/c/<code>), carried from the link to the post.
    # normal_code keeps only what could be a code: a hidden field must never refuse a sign-up.
    campaign = HiddenField(filters=[normal_code])
    activities = MultiCheckboxField(_l("Would like to help with"),
                                    choices=choices.vocabulary("activity"))
    has_car = BooleanField(_l("Has a car (needed for driving practice)"), render_kw={"value": "yes"})
    has_pets = BooleanField(_l("Has pets at home"), render_kw={"value": "yes"})
    capacity = IntegerField(_l("Refugees (or families) at a time"), default=1,
                            validators=[InputRequired(message=_l("Please fill this in.")),
                                        NumberRange(min=1, max=10)],
                            render_kw={"min": 1, "max": 10, "inputmode": "numeric"})
    motivation = TextAreaField(_l("Why do you want to be a guide?"), filters=[strip], validators=[
        Optional(), Length(max=MOTIVATION_MAX), PlainText(multiline=True)], render_kw={"rows": 4})
    consent = BooleanField(validators=[DataRequired(message=_l("Please tick this box to sign up."))])
    commitment = BooleanField(validators=[DataRequired(message=_l("Please tick this box to sign up."))])
    submit = SubmitField(_l("Sign up as a guide"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_year.validators = [InputRequired(message=_l("Please fill this in."))] + [
            v for v in self.birth_year.validators if not isinstance(v, Optional)]


class RefugeeFields(PersonFields):
    activities = MultiCheckboxField(_l("Would like help with"),
                                    choices=choices.vocabulary("activity"))
    country_of_origin = SelectField(_l("Country of origin"), choices=[], default="",
                                    validators=[Optional()])
    norwegian_level = _choice(_l("Norwegian level"), "norwegian_level", _l("Don't know"))
    pets_ok = RadioField(_l("Fine with a guide who has pets at home (for example a dog or a cat)?"),
                         choices=choices.pairs(choices.YES_NO), default="yes", validators=[InputRequired()])
    interpreter_needed = BooleanField(_l("Needs an interpreter at the first meeting"),
                                      render_kw={"value": "yes"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_of_origin.choices = choices.country_choices()


class RefugeeSignupForm(RefugeeFields):
    consent = BooleanField(validators=[DataRequired(message=_l("Please tick this box to register."))])
    submit = SubmitField(_l("Register"))


class ReferralForm(RefugeeFields):
    """The municipality's caseworker refers a refugee; the refugee's email is optional here."""

    caseworker_name = _text(_l("Your name"), 120, required=True)
    caseworker_email = EmailField(_l("Your email"), filters=[strip], validators=[
        InputRequired(message=_l("Please fill this in.")), Length(max=254), PlainText(),
        CsvCheck("email", _l("Please enter a valid email address, like name@example.org."))])
    consent = BooleanField(validators=[DataRequired(message=_l("Please tick this box to send the referral."))])
    submit = SubmitField(_l("Send referral"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email.validators = [Optional()] + [v for v in self.email.validators
                                                if not isinstance(v, InputRequired)]
        self.email.label.text = _l("The refugee's email (if they have one)")
        self.locale.label.text = _l("Language the refugee reads best")
