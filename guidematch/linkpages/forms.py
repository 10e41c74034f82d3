"""Forms people fill in through their links; labels and messages in their language."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from guidematch import labels
from guidematch.form_kit import Form, MultiCheckboxField, select_choices
from guidematch.mail_kinds import KIND_LABELS
from guidematch.labels import ENUM_LABELS, MEETING_ACTIVITY_LABELS
from guidematch.vocabulary import MAX_LOG_MINUTES, MEETING_ACTIVITIES, QUICK_LOG_MINUTES, MeetingFrequency


class MailChoicesForm(Form):
    kinds = MultiCheckboxField(_l("The emails you get"), validate_choice=True)
    submit = SubmitField(_l("Save my choices"))

    def offer(self, kinds) -> None:
        """Offer the kinds of recurring mail this person can get."""
        self.kinds.choices = select_choices((kind.value, KIND_LABELS[kind]) for kind in kinds)


class AcceptForm(Form):
    submit = SubmitField(_l("I accept the agreement"))


def minute_choices(answers) -> list:
    return select_choices((minutes, str(minutes)) for minutes in answers)


class QuickAnswerForm(Form):
    minutes = RadioField(coerce=int, choices=minute_choices(QUICK_LOG_MINUTES),
                         validators=[InputRequired()])

    def offer(self, answers) -> None:
        """Offer these one-click answers (programme.quick_answers of the pairing's branch)."""
        self.minutes.choices = minute_choices(answers)


def activity_choices():
    return select_choices((a, MEETING_ACTIVITY_LABELS[a]) for a in MEETING_ACTIVITIES)


def minutes_field(label) -> IntegerField:
    """Minutes spent together on one day: 0 to a whole day, the same rule wherever it is logged."""
    return IntegerField(
        label,
        validators=[InputRequired(_l("Enter the minutes, for example 120 for two hours.")),
                    NumberRange(0, MAX_LOG_MINUTES, _l("Minutes must be between 0 and %(max)s (a whole day).",
                                                       max=MAX_LOG_MINUTES))],
        render_kw={"min": 0, "max": MAX_LOG_MINUTES, "inputmode": "numeric"})


class WeekForm(Form):
    met_on = DateField(_l("Day you met"), validators=[InputRequired(_l("Choose the day."))])
    minutes = minutes_field(_l("Minutes together"))
    activities = MultiCheckboxField(_l("What did you do?"), choices=activity_choices, validate_choice=True)
    note = TextAreaField(_l("Anything else (optional)"), validators=[Optional(), Length(max=1000)],
                         render_kw={"rows": 3, "maxlength": 1000})
    submit = SubmitField(_l("Save"))


def frequency_choices():
    words = ENUM_LABELS[MeetingFrequency]
    return select_choices((f.value, words[f.value]) for f in MeetingFrequency)


class EvaluationForm(Form):
    satisfaction = RadioField(
        _l("How happy are you with the pairing? (1 = not at all, 5 = very)"), coerce=int,
        choices=select_choices((n, str(n)) for n in range(1, 6)),
        validators=[InputRequired(_l("Choose a number from 1 to 5."))])
    meeting_frequency = RadioField(_l("How often do you meet?"), choices=frequency_choices,
                                   validators=[InputRequired(_l("Choose one."))])
    works_well = TextAreaField(_l("What works well?"), validators=[Optional(), Length(max=2000)],
                               render_kw={"rows": 3, "maxlength": 2000})
    could_improve = TextAreaField(_l("What could be better?"), validators=[Optional(), Length(max=2000)],
                                  render_kw={"rows": 3, "maxlength": 2000})
    wants_to_continue = RadioField(_l("Do you want to continue the pairing?"),
                                   choices=select_choices([("yes", _l("Yes")), ("no", _l("No")),
                                                           ("unsure", _l("Not sure"))]),
                                   validators=[InputRequired(_l("Choose one."))])
    submit = SubmitField(_l("Send my answers"))


class FreeTimesForm(Form):
    """The guide's free times, as on their profile (the matching reads the same field)."""

    availability = MultiCheckboxField(_l("When are you usually free?"),
                                      choices=select_choices(labels.choices("slot")),
                                      validate_choice=True)
    submit = SubmitField(_l("Save my free times"))


class MeetingAnswerForm(Form):
    """An invitee's answer to a group meeting: one of two buttons."""

    answer = RadioField(choices=select_choices((value, value) for value in ("yes", "no")),
                        validators=[InputRequired()])
