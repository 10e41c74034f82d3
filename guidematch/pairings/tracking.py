"""The pairing page's logs and pauses: a coordinator adds, corrects and removes them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from guidematch.extensions import db
from guidematch.form_errors import show_error
from guidematch.models import MeetingLog, Pairing, Pause
from guidematch.pairings.forms import ActionForm, LogForm, PauseForm
from guidematch.pairings.page import render_pairing
from guidematch.scoping import get_in_branch_or_404
from guidematch.services import meetings
from guidematch.services.errors import DomainError
from guidematch.vocabulary import PauseReason


def _log_of(pairing_id: int, log_id: int) -> tuple[Pairing, MeetingLog]:
    pairing = get_in_branch_or_404(Pairing, pairing_id)  # logs have no branch: their pairing's decides
    log = db.session.get(MeetingLog, log_id)
    if log is None or log.pairing_id != pairing.id:
        abort(404)
    return pairing, log


def _back(pairing: Pairing, anchor: str):
    return redirect(url_for("pairings.detail", pairing_id=pairing.id, _anchor=anchor))


@login_required
def add_log(pairing_id: int):
    """Log a meeting for the pair."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    form = LogForm()
    if form.validate_on_submit():
        try:
            meetings.add_log(pairing, form.met_on.data, form.minutes.data, form.activities.data, form.note.data or "")
        except DomainError as error:
            show_error(form, error, "met_on")
        else:
            flash(_("The meeting is logged."), "success")
            return _back(pairing, "logs")
    return render_pairing(pairing, log_form=form, status=422)


@login_required
def edit_log(pairing_id: int, log_id: int):
    """Correct a log (the guide's weekly answer too)."""
    pairing, log = _log_of(pairing_id, log_id)
    form = LogForm(obj=log)
    if form.validate_on_submit():
        try:
            meetings.update_log(log, form.met_on.data, form.minutes.data, form.activities.data, form.note.data or "")
        except DomainError as error:
            show_error(form, error, "met_on")
        else:
            flash(_("The log is corrected."), "success")
            return _back(pairing, "logs")
    return render_template("pairings/log_edit.html", pairing=pairing, log=log, form=form,
                           action_form=ActionForm())


@login_required
def delete_log(pairing_id: int, log_id: int):
    """Remove a log entered by mistake."""
    pairing, log = _log_of(pairing_id, log_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    meetings.delete_log(log)
    flash(_("The log is removed."), "success")
    return _back(pairing, "logs")


@login_required
def add_pause(pairing_id: int):
    """Declare a pause (holiday, illness): its weeks don't count against the minimum."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    form = PauseForm()
    if form.validate_on_submit():
        try:
            meetings.add_pause(pairing, form.starts_on.data, form.ends_on.data, PauseReason(form.reason.data),
                               form.note.data or "")
        except DomainError as error:
            show_error(form, error, "starts_on")
        else:
            flash(_("The pause is declared."), "success")
            return _back(pairing, "pauses")
    return render_pairing(pairing, pause_form=form, status=422)


@login_required
def delete_pause(pairing_id: int, pause_id: int):
    """Remove a pause."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    pause = db.session.get(Pause, pause_id)
    if pause is None or pause.pairing_id != pairing.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    meetings.delete_pause(pause)
    flash(_("The pause is removed."), "success")
    return _back(pairing, "pauses")


def add_routes(bp: Blueprint) -> None:
    """Add the log and pause routes to the pairings blueprint."""
    bp.add_url_rule("/<int:pairing_id>/logs", view_func=add_log, methods=["POST"])
    bp.add_url_rule("/<int:pairing_id>/logs/<int:log_id>", view_func=edit_log, methods=["GET", "POST"])
    bp.add_url_rule("/<int:pairing_id>/logs/<int:log_id>/delete", view_func=delete_log, methods=["POST"])
    bp.add_url_rule("/<int:pairing_id>/pauses", view_func=add_pause, methods=["POST"])
    bp.add_url_rule("/<int:pairing_id>/pauses/<int:pause_id>/delete", view_func=delete_pause, methods=["POST"])
