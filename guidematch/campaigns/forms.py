"""A recruitment campaign's form: its name, channel and, if anyone in particular, whom it seeks."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from guidematch import labels
from guidematch.form_kit import Form, select_choices
from guidematch.services.campaigns import NAME_MAX, CampaignValues
from guidematch.signup import choices
from guidematch.vocabulary import CampaignChannel, Gender


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CampaignForm(Form):
    name = StringField(_l("Name"), filters=[_strip],
                       description=_l("For example “Posters at the library, spring”."),
                       validators=[InputRequired(_l("Give the campaign a name.")), Length(max=NAME_MAX)])
    channel = SelectField(_l("Channel"), validators=[InputRequired(_l("Choose a channel."))],
                          choices=lambda: select_choices(labels.choices(CampaignChannel),
                                                         blank=_l("Choose a channel")))
    seeks_gender = SelectField(_l("We especially need guides who are"), default="", validators=[Optional()],
                               choices=lambda: select_choices(labels.choices(Gender), blank=_l("Anyone")))
    seeks_language = SelectField(_l("We especially need guides who speak"), default="",
                                 validators=[Optional()])
    seeks_district = SelectField(_l("We especially need guides who live in"), default="",
                                 validators=[Optional()])
    submit = SubmitField(_l("Save the campaign"))

    def __init__(self, *args, districts: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seeks_language.choices = [SelectChoice("", _l("Any language"))] + choices.language_choices()
        self.seeks_district.choices = select_choices(((d, d) for d in districts or []), blank=_l("Anywhere"))

    def values(self) -> CampaignValues:
        return CampaignValues(name=self.name.data or "", channel=CampaignChannel(self.channel.data),
                              seeks_gender=Gender(self.seeks_gender.data) if self.seeks_gender.data else None,
                              seeks_language=self.seeks_language.data or None,
                              seeks_district=self.seeks_district.data or None)
