from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from guidematch.form_kit import Form


class ApproveForm(Form):
    interview_on = DateField(_l("Interview held on"), validators=[InputRequired()])
    intro_course_on = DateField(_l("Introduction course done on"), validators=[InputRequired()])
    confidentiality_signed_on = DateField(_l("Confidentiality declaration signed on"),
                                          validators=[InputRequired()])
    meets_minors = BooleanField(_l("Will meet minors (for example unaccompanied minors)"))
    police_certificate_on = DateField(_l("Police certificate seen on"), validators=[Optional()],
                                      description=_l("Required when the guide will meet minors."))
    approve = SubmitField(_l("Approve"))


class RejectForm(Form):
    reason = TextAreaField(_l("Reason (kept for the coordinators, not sent to the applicant)"),
                           validators=[InputRequired(), Length(max=1000)], render_kw={"rows": 3})
    reject = SubmitField(_l("Reject"))
