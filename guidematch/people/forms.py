"""The guide and refugee forms (every field of the profile), the list filters and the import."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField, DateField, FloatField, HiddenField, IntegerField, RadioField, SelectField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.validators import (
    Email, InputRequired, Length, NumberRange, Optional, ValidationError,
)

from guidematch import labels
from guidematch import vocabulary as v
from guidematch.form_kit import Form, MultiCheckboxField, select_choices
from guidematch.i18n import LOCALE_NAMES
from guidematch.services import clock


# An empty option needs words (HTML requires them, and a screen reader reads them).
NOT_GIVEN = "—"


def _codes(text: str) -> list[str]:
    return [part.lower() for part in re.split(r"[\s,;]+", text or "") if part]


def _optional_enum(enum, value):
    return enum(value) if value else None


class ProfileForm(Form):
    """The fields guides and refugees share (DESIGN.md's profile table)."""

    # What is required is the people service's rule (services.person_rules), shown on its field.
    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off"})
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    locale = SelectField(_l("Language of emails"),
                         choices=select_choices((c, LOCALE_NAMES[c]) for c in v.PERSON_LOCALES),
                         default="nb")
    gender = SelectField(_l("Gender"),
                         choices=select_choices(labels.choices(v.Gender), blank=_l("Choose…")),
                         validators=[InputRequired(_l("Choose a gender."))])
    gender_preference = SelectField(_l("Gender wanted in the other person"),
                                    choices=select_choices(labels.choices(v.GenderPreference)),
                                    default="any")
    birth_year = IntegerField(_l("Year of birth"), validators=[Optional()],
                              render_kw={"inputmode": "numeric"})
    family_situation = SelectField(_l("Family situation"),
                                   choices=select_choices(labels.choices(v.FamilySituation),
                                                          blank=NOT_GIVEN), default="")
    languages = MultiCheckboxField(_l("Languages"), choices=[])
    other_languages = StringField(_l("Other languages (ISO codes, e.g. “hr, ln”)"),
                                  validators=[Optional(), Length(max=200)])
    interests = MultiCheckboxField(_l("Interests"),
                                   choices=select_choices(labels.choices("interest")))
    activities = MultiCheckboxField(_l("Activities"),
                                    choices=select_choices(labels.choices("activity")))
    availability = MultiCheckboxField(_l("Availability"),
                                      choices=select_choices(labels.choices("slot")))
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    lat = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)],
                     render_kw={"inputmode": "decimal"})
    lon = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)],
                     render_kw={"inputmode": "decimal"})
    education_level = SelectField(_l("Education"), default="", choices=select_choices(
        labels.choices(v.EducationLevel), blank=NOT_GIVEN))
    occupation = StringField(_l("Occupation"), validators=[Optional(), Length(max=200)])
    ref = StringField(_l("Reference (the id in CSV files)"), validators=[Optional(), Length(max=64)])
    coordinator_notes = TextAreaField(_l("Coordinator's notes"), validators=[Optional(), Length(max=5000)],
                                      render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))

    status_enum: type = v.GuideStatus
    FIELDS: tuple[str, ...] = (
        "first_name", "last_name", "email", "phone", "locale", "gender", "gender_preference",
        "birth_year", "family_situation", "district", "lat", "lon", "education_level",
        "occupation", "ref", "coordinator_notes", "interests", "activities", "availability",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = select_choices(labels.language_choices(labels.COMMON_LANGUAGES))
        if hasattr(self, "status"):
            self.status.choices = select_choices(
                (s.value, labels.label(s)) for s in self.status_enum if s.value != "paired")

    def validate_other_languages(self, field) -> None:
        unknown = [code for code in _codes(field.data) if code not in v.LANGUAGE_CODES]
        if unknown:
            raise ValidationError(_l("Not a known language code: %(codes)s. Use two-letter ISO 639-1 "
                                     "codes such as “ar” or “ti”.", codes=", ".join(unknown[:5])))

    def load(self, person) -> None:
        """Show a person's languages: common ones as boxes, the rest as codes."""
        common = set(labels.COMMON_LANGUAGES)
        self.languages.data = [code for code in person.languages if code in common]
        self.other_languages.data = ", ".join(code for code in person.languages if code not in common)

    def profile_values(self) -> dict[str, Any]:
        """Return the form's values keyed by the model's attribute names."""
        values: dict[str, Any] = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("last_name", "phone", "district", "occupation", "ref", "coordinator_notes"):
            values[name] = (values[name] or "").strip()
        values["gender"] = v.Gender(values["gender"])
        values["gender_preference"] = v.GenderPreference(values["gender_preference"] or "any")
        values["family_situation"] = _optional_enum(v.FamilySituation, values["family_situation"])
        values["education_level"] = _optional_enum(v.EducationLevel, values["education_level"])
        values["languages"] = tuple(dict.fromkeys([*self.languages.data, *_codes(self.other_languages.data)]))
        if getattr(self, "status", None) is not None:  # a paired person's status is not in the form
            values["status"] = self.status_enum(self.status.data)
        return values


class GuideForm(ProfileForm):
    status = SelectField(_l("Status"), default=v.GuideStatus.APPLIED.value)
    has_car = BooleanField(_l("Has a car (can give driving practice)"))
    has_pets = BooleanField(_l("Has pets at home"))
    capacity = IntegerField(_l("Refugees at once"), default=1,
                            validators=[InputRequired(_l("Give a number from 1 to 10.")), NumberRange(1, 10)])
    motivation = TextAreaField(_l("Motivation"), validators=[Optional(), Length(max=5000)],
                               render_kw={"rows": 3})
    interview_on = DateField(_l("Interview held on"), validators=[Optional()])
    intro_course_on = DateField(_l("Introduction course done on"), validators=[Optional()])
    confidentiality_signed_on = DateField(_l("Confidentiality declaration signed on"),
                                          validators=[Optional()])
    police_certificate_on = DateField(_l("Police certificate seen on"), validators=[Optional()])
    rejection_reason = TextAreaField(_l("Reason for rejection"), validators=[Optional(), Length(max=2000)],
                                     render_kw={"rows": 2})

    status_enum = v.GuideStatus
    FIELDS = ProfileForm.FIELDS + (
        "has_car", "has_pets", "capacity", "motivation", "interview_on", "intro_course_on",
        "confidentiality_signed_on", "police_certificate_on", "rejection_reason",
    )

    def profile_values(self) -> dict[str, Any]:
        values = super().profile_values()
        values["rejection_reason"] = (values["rejection_reason"] or "").strip()
        values["motivation"] = (values["motivation"] or "").strip()
        return values


class RefugeeForm(ProfileForm):
    status = SelectField(_l("Status"), default=v.RefugeeStatus.WAITING.value)
    country_of_origin = SelectField(_l("Country of origin"), choices=[], default="")
    norwegian_level = SelectField(_l("Norwegian level"), default="", choices=select_choices(
        labels.choices(v.NorwegianLevel), blank=NOT_GIVEN))
    waiting_since = DateField(_l("On the waiting list since"), validators=[Optional()],
                              description=_l("Empty: today."))
    pets_ok = BooleanField(_l("Can meet a guide who has pets"), default=True)
    interpreter_needed = BooleanField(_l("Needs an interpreter at the first meeting"))
    referred_by_name = StringField(_l("Referred by (name)"), validators=[Optional(), Length(max=120)])
    referred_by_email = StringField(_l("Referred by (email)"), validators=[Optional(), Email(), Length(max=254)],
                                    render_kw={"type": "email"})

    status_enum = v.RefugeeStatus
    FIELDS = ProfileForm.FIELDS + (
        "country_of_origin", "norwegian_level", "waiting_since", "pets_ok", "interpreter_needed",
        "referred_by_name", "referred_by_email",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = labels.country_choices()[1:]  # without its own blank
        self.country_of_origin.choices = select_choices(countries, blank=NOT_GIVEN)

    def validate_waiting_since(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))

    def profile_values(self) -> dict[str, Any]:
        values = super().profile_values()
        values["norwegian_level"] = _optional_enum(v.NorwegianLevel, values["norwegian_level"])
        values["country_of_origin"] = values["country_of_origin"] or ""
        values["referred_by_name"] = (values["referred_by_name"] or "").strip()
        values["referred_by_email"] = (values["referred_by_email"] or "").strip().lower()
        if values["waiting_since"] is None:
            values.pop("waiting_since")  # keep the date they have (today for someone new)
        return values


class ImportForm(Form):
    kind = RadioField(_l("The file holds"),
                      choices=select_choices([("guide", _l("Guides")),
                                              ("refugee", _l("Refugees"))]),
                      default="guide", validators=[InputRequired()])
    file = FileField(_l("CSV or Excel file (up to 5 MB)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "txt", "xlsx"], _l("Choose a .csv or .xlsx file."))])
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(Form):
    """The preview's buttons: the token says which upload was previewed (the session keeps it)."""

    token = HiddenField()
    submit = SubmitField(_l("Import these rows"))
