from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from guidematch.form_kit import Form, PrefixedForm
from guidematch.services.accounts import MIN_PASSWORD_LENGTH

ENTER_EMAIL = _l("Enter your email address.")
VALID_EMAIL = _l("Enter a valid email address.")
ENTER_PASSWORD = _l("Enter your password.")
NEW_PASSWORD_HELP = _l("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH)


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class CodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
                       description=_l("The 6 digits your authenticator app shows now, "
                                      "or one of your recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "autofocus": True,
                                  "autocapitalize": "none", "spellcheck": "false"})
    submit = SubmitField(_l("Continue"))


class SetupForm(Form):
    code = StringField(_l("Code from the app"),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
                       description=_l("Enter the 6 digits the app shows, to show that it works."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Turn on two-factor login"))


class ForgotForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(ENTER_EMAIL), Email(VALID_EMAIL),
                                                Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    submit = SubmitField(_l("Send me a link"))


def _new_password_fields():
    new = PasswordField(_l("New password"), description=NEW_PASSWORD_HELP, validators=[
        DataRequired(_l("Enter a new password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
    return new, repeat


class ResetForm(Form):
    password, password_again = _new_password_fields()
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(ENTER_PASSWORD), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    password, password_again = _new_password_fields()
    submit = SubmitField(_l("Change password"))


class ConfirmPasswordForm(PrefixedForm):
    """The password again before a change to how one logs in; prefixed: a page has several."""

    current_password = PasswordField(_l("Your password"), validators=[
        DataRequired(ENTER_PASSWORD), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Confirm"))


class TwoFactorOffForm(ConfirmPasswordForm):
    PREFIX = "off"
    submit = SubmitField(_l("Turn off two-factor login"))


class RecoveryCodesForm(ConfirmPasswordForm):
    PREFIX = "codes"
    submit = SubmitField(_l("Make new recovery codes"))
