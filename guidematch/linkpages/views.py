"""People's signed links: accept the agreement, answer the weekly log and the evaluation,
answer an invitation, turn recurring mail off.

Every page here is public and reached only through a signed, expiring link
that names its pairing and person (services/person_links.py). Nothing changes
on a GET: mail scanners open links before people do, so every answer is a
POST with the CSRF token, and a repeated answer corrects the earlier one. The one
exception is the unsubscribe link's POST (RFC 8058): mail providers post it for
the person, without a page and so without a token; the signed link is the proof.
Pages are in the person's language (or the one they pick in the footer).
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from guidematch import agreement_texts, i18n, links, programme
from guidematch.extensions import csrf
from guidematch.form_errors import refuse, show_error
from guidematch.linkpages.forms import (
    AcceptForm, EvaluationForm, FreeTimesForm, MailChoicesForm, MeetingAnswerForm,
    QuickAnswerForm, WeekForm,
)
from guidematch.mail_kinds import KIND_LABELS, KINDS_FOR
from guidematch.pairings.forms import PauseForm
from guidematch.scoping import public
from guidematch.services import (
    clock, evaluations, mail_choices, meeting_invitations, meetings, people, person_links,
)
from guidematch.services import pairings as pairing_service
from guidematch.services.errors import DomainError
from guidematch.vocabulary import MailKind, PairingStatus, PauseReason

bp = Blueprint("links", __name__)


@contextmanager
def person_language(person=None):
    """Speak the language the person chose in the footer, else their own, else the browser's."""
    with force_locale(i18n.visitor_locale(person)):
        yield


def render(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def invalid_link(purpose: str, token: str, error: links.LinkError):
    """Explain, in the person's language where we can tell it, why a link does not work."""
    person = None
    if isinstance(error, links.LinkExpired):
        person = person_links.person_hint(purpose, token)
    with person_language(person):
        return render("links/invalid.html", 410 if isinstance(error, links.LinkExpired) else 404,
                      expired=isinstance(error, links.LinkExpired))


@bp.route("/a/<token>", methods=["GET", "POST"])
@public
def agreement(token: str):
    """Show the agreement in the person's language; accept it with a button (a POST)."""
    try:
        link = person_links.read(person_links.AGREEMENT, token)
    except links.LinkError as error:
        return invalid_link(person_links.AGREEMENT, token, error)
    pairing = link.pairing
    with person_language(link.person):
        form = AcceptForm()
        error = None
        if form.validate_on_submit():
            try:
                pairing_service.accept_agreement(pairing, link.side,
                                                 locale=agreement_texts.current_locale())
            except DomainError as refused:
                error = refuse(refused)
            else:
                return redirect(url_for("links.agreement", token=token))
        accepted_at = pairing.guide_accepted_at if link.side == "guide" else pairing.refugee_accepted_at
        other = person_links.other_person(pairing, link.side)
        return render("links/agreement.html", form=form, error=error, link=link, pairing=pairing,
                      accepted_at=accepted_at, agreement=agreement_texts.agreement(pairing.branch),
                      other_name=other.first_name, open=pairing.status == PairingStatus.AWAITING_AGREEMENT,
                      active=pairing.status == PairingStatus.ACTIVE)


def _week_context(link) -> dict:
    monday, sunday = programme.week_days(link.week)
    return {"week": link.week, "week_number": int(link.week[-2:]), "monday": monday, "sunday": sunday,
            "other_name": link.pairing.refugee.first_name}


@bp.route("/log/<token>", methods=["GET", "POST"])
@public
def weekly_log(token: str):
    """Show the guide's answer for the week and the four one-click choices; record one (a POST).

    Opening the link records nothing (mail scanners open links too); the page
    shows what is recorded and asks to confirm. Answering again replaces the
    week's answer, so a second click corrects rather than counts twice.
    """
    try:
        link = person_links.read(person_links.WEEKLY_LOG, token)
    except links.LinkError as error:
        return invalid_link(person_links.WEEKLY_LOG, token, error)
    with person_language(link.person):
        answers = programme.quick_answers(link.pairing.branch.weekly_minutes, link.minutes)
        form = QuickAnswerForm(minutes=link.minutes)
        form.offer(answers)
        error = None
        if form.validate_on_submit():
            try:
                _log, previous = meetings.answer_week(link.pairing, link.week, form.minutes.data)
            except DomainError as refused:
                error = refuse(refused)
            else:
                flash(_("Thank you! Your answer is saved.") if previous is None
                      else _("Thank you! Your answer is corrected."), "success")
                return redirect(url_for("links.weekly_log", token=token))
        answer = meetings.weekly_answer(link.pairing, link.week)
        return render("links/weekly_log.html", form=form, error=error, link=link, answer=answer,
                      answers=answers, token=token, **_week_context(link))


@bp.route("/log/<token>/form", methods=["GET", "POST"])
@public
def weekly_log_form(token: str):
    """Let the guide tell more about the week: the day, the minutes, what they did."""
    try:
        link = person_links.read(person_links.WEEKLY_LOG, token)
    except links.LinkError as error:
        return invalid_link(person_links.WEEKLY_LOG, token, error)
    with person_language(link.person):
        answer = meetings.weekly_answer(link.pairing, link.week)
        form = WeekForm(obj=answer) if answer and request.method == "GET" else WeekForm()
        if request.method == "GET" and answer is None:
            form.met_on.data = min(programme.week_days(link.week)[1], clock.today())
        if form.validate_on_submit():
            try:
                meetings.answer_week(link.pairing, link.week, form.minutes.data, met_on=form.met_on.data,
                                     activities=form.activities.data, note=form.note.data or "")
            except DomainError as refused:
                show_error(form, refused, "met_on")
            else:
                flash(_("Thank you! Your answer is saved."), "success")
                return redirect(url_for("links.weekly_log", token=token))
        return render("links/weekly_log_form.html", form=form, link=link, token=token, **_week_context(link))


@bp.route("/log/<token>/pause", methods=["GET", "POST"])
@public
def weekly_log_pause(token: str):
    """Let the guide declare a pause (holiday, illness) without calling the coordinator.

    The same rule as the coordinator's pause on the pairing page: its weeks don't
    count against the weekly minimum. The coordinator sees it there, marked as the
    guide's, and in the audit log.
    """
    try:
        link = person_links.read(person_links.WEEKLY_LOG, token)
    except links.LinkError as error:
        return invalid_link(person_links.WEEKLY_LOG, token, error)
    pairing = link.pairing
    with person_language(link.person):
        form = PauseForm()
        if form.validate_on_submit():
            try:
                meetings.add_pause(pairing, form.starts_on.data, form.ends_on.data,
                                   PauseReason(form.reason.data), form.note.data or "", by_guide=True)
            except DomainError as refused:
                show_error(form, refused, "starts_on")
            else:
                flash(_("Thank you! The pause is saved; your coordinator can see it."), "success")
                return redirect(url_for("links.weekly_log_pause", token=token))
        pauses = [p for p in meetings.pauses_of(pairing) if p.ends_on >= clock.today()]
        return render("links/pause.html", form=form, link=link, token=token, pauses=pauses,
                      active=pairing.status == PairingStatus.ACTIVE, **_week_context(link))


@bp.route("/log/<token>/free-times", methods=["GET", "POST"])
@public
def weekly_log_free_times(token: str):
    """Let the guide update their free times, which the coordinator and the matching read."""
    try:
        link = person_links.read(person_links.WEEKLY_LOG, token)
    except links.LinkError as error:
        return invalid_link(person_links.WEEKLY_LOG, token, error)
    guide = link.pairing.guide
    with person_language(link.person):
        form = FreeTimesForm(availability=list(guide.availability)) if request.method == "GET" \
            else FreeTimesForm()
        if form.validate_on_submit():
            try:
                changed = people.update_person(guide, {"availability": form.availability.data},
                                               actor="guide link")
            except DomainError as refused:
                show_error(form, refused, "availability")
            else:
                flash(_("Thank you! Your free times are saved.") if changed
                      else _("Your free times are as before."), "success")
                return redirect(url_for("links.weekly_log_free_times", token=token))
        return render("links/free_times.html", form=form, link=link, token=token,
                      **_week_context(link))


@bp.route("/e/<token>", methods=["GET", "POST"])
@public
def evaluation(token: str):
    """Show the evaluation survey; keep the answers (answering again replaces them)."""
    try:
        link = person_links.read(person_links.EVALUATION, token)
    except links.LinkError as error:
        return invalid_link(person_links.EVALUATION, token, error)
    with person_language(link.person):
        answered = evaluations.evaluation_of(link.pairing, link.side)
        if answered and answered.answered_at and request.method == "GET":
            form = EvaluationForm(obj=answered, wants_to_continue={True: "yes", False: "no"}.get(
                answered.wants_to_continue, "unsure"))
        else:
            form = EvaluationForm()
        if form.validate_on_submit():
            try:
                evaluations.submit(
                    link.pairing, link.side, form.satisfaction.data, form.meeting_frequency.data,
                    form.works_well.data or "", form.could_improve.data or "",
                    {"yes": True, "no": False}.get(form.wants_to_continue.data))
            except DomainError as refused:
                show_error(form, refused, "satisfaction")
            else:
                flash(_("Thank you for your answers!"), "success")
                return redirect(url_for("links.evaluation", token=token))
        return render("links/evaluation.html", form=form, link=link, answered=answered,
                      other_name=person_links.other_person(link.pairing, link.side).first_name)


@bp.route("/m/<token>", methods=["GET", "POST"])
@public
def meeting_answer(token: str):
    """Show a group meeting and ask "will you come?"; record the answer (a POST, answering again corrects it)."""
    try:
        link = meeting_invitations.read_answer_link(token)
    except links.LinkError as error:
        return invalid_link(meeting_invitations.ANSWER, token, error)
    with person_language(link.person):
        form = MeetingAnswerForm()
        error = None
        if form.validate_on_submit():
            coming = form.answer.data == "yes"
            try:
                meeting_invitations.answer(link, coming)
            except DomainError as refused:
                error = refuse(refused)
            else:
                flash(_("Thank you! We look forward to seeing you.") if coming
                      else _("Thank you for letting us know. We hope to see you another time."), "success")
                return redirect(url_for("links.meeting_answer", token=token))
        meeting = link.meeting
        return render("links/meeting_answer.html", 422 if error else 200, form=form, error=error,
                      meeting=meeting, answer=link.attendance.coming, token=token,
                      clicked=request.args.get("answer") if request.args.get("answer") in ("yes", "no") else None,
                      open=meeting_invitations.is_open(meeting))


def _unsubscribe_link(token: str):
    """Return (person, kind) of an unsubscribe link, or (None, the page saying it does not work)."""
    try:
        person, kind = mail_choices.read(token)
    except links.LinkError as error:
        with person_language():
            expired = isinstance(error, links.LinkExpired)
            return None, None, render("links/invalid.html", 410 if expired else 404, expired=expired)
    return person, kind, None


def _mail_page(token: str, person, kind, form=None, status: int = 200):
    kinds = KINDS_FOR[mail_choices.side_of(person)]
    off = mail_choices.turned_off(person)
    if form is None:
        form = MailChoicesForm(formdata=None, kinds=[k.value for k in kinds if k not in off])
    form.offer(kinds)
    return render("links/unsubscribe.html", status, form=form, token=token, kind=kind,
                  kind_label=KIND_LABELS[kind], off=kind in off, person=person)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """Show the person's recurring mail; a POST turns off the kind the link came with.

    The POST is RFC 8058's one click: a mail client posts `List-Unsubscribe=One-Click`
    here for the person, with no page and no CSRF token; the page's button posts the same.
    """
    person, kind, problem = _unsubscribe_link(token)
    if problem is not None:
        return problem
    with person_language(person):
        if request.method == "POST":
            mail_choices.turn_off(person, kind)
            return _mail_page(token, person, kind)
        return _mail_page(token, person, kind)


@bp.route("/unsubscribe/<token>/choices", methods=["POST"])
@public
def mail_choices_form(token: str):
    """Save which kinds of recurring mail the person gets (the page's checkboxes)."""
    person, kind, problem = _unsubscribe_link(token)
    if problem is not None:
        return problem
    with person_language(person):
        form = MailChoicesForm()
        form.offer(KINDS_FOR[mail_choices.side_of(person)])
        if not form.validate_on_submit():
            return _mail_page(token, person, kind, form=form, status=400)
        # No box ticked posts no `kinds` at all (WTForms then leaves the data None): all off.
        mail_choices.choose(person, {MailKind(value) for value in form.kinds.data or ()})
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("links.unsubscribe", token=token))
