"""Scheduling a group meeting, one or a monthly series."""
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, MonthField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from guidematch.form_kit import Form, select_choices
from guidematch.labels import DAY_LABELS
from guidematch.services.group_meetings import MAX_SERIES_MONTHS
from guidematch.vocabulary import DAYS

NTH = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}


class _MeetingFields(Form):
    title = StringField(_l("Title"), default=_l("Group meeting for guides and refugees"),
                        validators=[InputRequired(_l("Give the meeting a title.")), Length(max=200)])
    at = TimeField(_l("Time"), default=time(18, 0), validators=[InputRequired(_l("Choose the time."))])
    duration = IntegerField(_l("Duration (minutes)"), default=120,
                            validators=[InputRequired(), NumberRange(15, 1440, _l("From 15 minutes to a day."))])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Programme (optional)"), validators=[Optional(), Length(max=2000)],
                                render_kw={"rows": 2, "maxlength": 2000})


class OneMeetingForm(_MeetingFields):
    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day."))])
    submit = SubmitField(_l("Schedule the meeting"))


def nth_choices():
    return select_choices((n, NTH[n]) for n in (1, 2, 3, 4, -1))


def weekday_choices():
    return select_choices((number, DAY_LABELS[day]) for number, day in enumerate(DAYS))


class SeriesForm(_MeetingFields):
    nth = SelectField(_l("Which"), coerce=int, choices=nth_choices, default=1)
    weekday = SelectField(_l("Weekday"), coerce=int, choices=weekday_choices, default=3)
    first_month = MonthField(_l("First month"), validators=[InputRequired(_l("Choose the first month."))])
    months = IntegerField(_l("Number of months"), default=6,
                          validators=[InputRequired(), NumberRange(1, MAX_SERIES_MONTHS)])
    submit = SubmitField(_l("Schedule the series"))


class ChangeMeetingForm(_MeetingFields):
    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day."))])
    submit = SubmitField(_l("Save the changes"))
