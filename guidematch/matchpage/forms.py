"""Forms of the matching page: the run, pairing by hand."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, HiddenField, RadioField, SearchField, SubmitField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from guidematch.admin.forms import WEIGHT_LABELS
from guidematch.form_kit import Form, MultiCheckboxField, select_choices
from guidematch.vocabulary import DEFAULT_WEIGHTS

ALL, CHOSEN = "all", "chosen"
MAX_WEIGHT = 10


class RunForm(Form):
    """Who to include and how much each part of the score counts (the view sets the choices)."""

    refugee_scope = RadioField(_l("Refugees"), default=ALL, choices=select_choices([
        (ALL, _l("Everyone on the waiting list")), (CHOSEN, _l("Only the refugees I choose"))]))
    # The choices are the people ticked and a search's hits (the view sets them), never everyone.
    refugee_ids = MultiCheckboxField(_l("Refugees to include"), coerce=int, validate_choice=True)
    refugee_ids_q = SearchField(_l("Find a refugee"))
    guide_scope = RadioField(_l("Guides"), default=ALL, choices=select_choices([
        (ALL, _l("Every available guide")), (CHOSEN, _l("Only the guides I choose"))]))
    guide_ids = MultiCheckboxField(_l("Guides to include"), coerce=int, validate_choice=True)
    guide_ids_q = SearchField(_l("Find a guide"))
    submit = SubmitField(_l("Run the matching"))

    def weight_fields(self) -> list:
        return [getattr(self, f"weight_{key}") for key in DEFAULT_WEIGHTS]

    def weights(self) -> dict[str, float]:
        return {key: float(getattr(self, f"weight_{key}").data) for key in DEFAULT_WEIGHTS}

    def validate_refugee_ids(self, field) -> None:
        if self.refugee_scope.data == CHOSEN and not field.data:
            raise ValidationError(_l("Choose at least one refugee, or include everyone."))

    def validate_guide_ids(self, field) -> None:
        if self.guide_scope.data == CHOSEN and not field.data:
            raise ValidationError(
                _l("Choose at least one guide, or include every available guide."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any(getattr(self, f"weight_{key}").data for key in DEFAULT_WEIGHTS):
            self.form_errors.append(_l("At least one weight must be above 0."))
            return False
        return True


for _key in DEFAULT_WEIGHTS:
    setattr(RunForm, f"weight_{_key}", DecimalField(
        WEIGHT_LABELS[_key], places=1,
        validators=[InputRequired(_l("Enter a weight from 0 to 10.")),
                    NumberRange(0, MAX_WEIGHT, _l("Enter a weight from 0 to 10."))],
        render_kw={"min": 0, "max": MAX_WEIGHT, "step": "0.5", "inputmode": "decimal"}))


class PairForm(Form):
    """Choose a refugee and a guide to see how they fit, each found by a search.

    A POST (it carries what was typed into the searches, which stays out of
    URLs and logs); it changes nothing, and sends to the preview's GET.
    """

    refugee_id = RadioField(_l("Refugee"), coerce=int,
                            validators=[InputRequired(_l("Choose a refugee."))])
    refugee_id_q = SearchField(_l("Find a refugee"))
    guide_id = RadioField(_l("Guide"), coerce=int,
                          validators=[InputRequired(_l("Choose a guide."))])
    guide_id_q = SearchField(_l("Find a guide"))
    submit = SubmitField(_l("Show how they fit"))


class CreatePairForm(Form):
    """Create the pairing shown in the preview."""

    guide_id = HiddenField(validators=[InputRequired()])
    refugee_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Pair them (locked proposal)"))
