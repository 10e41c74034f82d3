"""Group meetings: schedule one or a monthly series, send invitations, change or cancel, tick attendance."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from guidematch import programme, safe_input
from guidematch.extensions import db
from guidematch.form_errors import flash_error, show_error
from guidematch.meetings.forms import ChangeMeetingForm, OneMeetingForm, SeriesForm
from guidematch.models import GroupMeeting
from guidematch.paging import Pager, page_number
from guidematch.pairings.forms import ActionForm
from guidematch.scoping import branch_select, current_branch, get_in_branch_or_404
from guidematch.services import clock, group_meetings, meeting_invitations
from guidematch.services.errors import DomainError
from guidematch.vocabulary import INVITE_DAYS_AHEAD, Respondent

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _render_index(one: OneMeetingForm | None = None, series: SeriesForm | None = None, status: int = 200):
    now = clock.now()
    upcoming = db.session.scalars(branch_select(GroupMeeting).where(GroupMeeting.starts_at >= now)
                                  .order_by(GroupMeeting.starts_at)).all()
    past = db.session.scalars(branch_select(GroupMeeting).where(GroupMeeting.starts_at < now)
                              .order_by(GroupMeeting.starts_at.desc()).limit(24)).all()
    return render_template("meetings/index.html", upcoming=upcoming, past=past,
                           one=one or OneMeetingForm(prefix="one"), series=series or SeriesForm(prefix="series"),
                           action_form=ActionForm()), status


@bp.route("")
@login_required
def index():
    """List the branch's group meetings and offer to schedule more."""
    return _render_index()


@bp.route("/one", methods=["POST"])
@login_required
def schedule_one():
    """Schedule one meeting."""
    form = OneMeetingForm(prefix="one")
    if form.validate_on_submit():
        try:
            meeting = group_meetings.schedule_one(
                current_branch(), form.title.data, form.day.data, form.at.data, form.duration.data,
                form.location.data or "", form.description.data or "")
        except DomainError as error:
            show_error(form, error, "day")
        else:
            flash(_("The meeting is scheduled. Invitations go out %(days)s days before.",
                    days=INVITE_DAYS_AHEAD), "success")
            return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    return _render_index(one=form, status=422)


@bp.route("/series", methods=["POST"])
@login_required
def schedule_series():
    """Schedule a monthly series, e.g. the first Thursday at 18:00 for six months."""
    form = SeriesForm(prefix="series")
    if form.validate_on_submit():
        try:
            meetings = group_meetings.schedule_series(
                current_branch(), form.title.data, form.first_month.data, form.months.data, form.weekday.data,
                form.nth.data, form.at.data, form.duration.data, form.location.data or "",
                form.description.data or "")
        except DomainError as error:
            show_error(form, error, "first_month")
        else:
            flash(_("%(count)s meetings are scheduled.", count=len(meetings)), "success")
            return redirect(url_for("meetings.index"))
    return _render_index(series=form, status=422)


ATTENDANCE_PAGE = 100


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int):
    """Show a meeting and tick who came, a page of names at a time (a search finds one)."""
    meeting = get_in_branch_or_404(GroupMeeting, meeting_id)
    form = ActionForm()
    everyone = group_meetings.attendance_list(meeting)
    q = (request.args.get("q") or "").strip()[:100]
    shown = group_meetings.named(everyone, q)
    pager = Pager(page_number(request.args), ATTENDANCE_PAGE, len(shown),
                  {"meeting_id": meeting.id, "q": q})
    rows = pager.slice(shown)
    if form.validate_on_submit():
        # Only the names on this page were shown, so only they are marked present or absent.
        listed = {(row.side, row.person_id) for row in rows}
        present = set()
        for value in request.form.getlist("present"):
            side, _sep, person_id = value.partition(":")
            person_id = safe_input.record_id(person_id)
            if side in {r.value for r in Respondent} and person_id is not None:
                present.add((Respondent(side), person_id))
        group_meetings.record_attendance(meeting, present & listed, listed)
        flash(_("Attendance is saved."), "success")
        return redirect(url_for("meetings.attendance",
                                **pager.with_args(page=pager.page if pager.page > 1 else None)))
    came = sum(1 for row in everyone if row.came)
    return render_template("meetings/attendance.html", meeting=meeting, rows=rows, form=form,
                           pager=pager, q=q, everyone=len(everyone), came=came,
                           invited=sum(1 for row in everyone if row.invited),
                           expected=group_meetings.expected(everyone),
                           started=meeting.starts_at <= clock.now())


@bp.route("/<int:meeting_id>/invite", methods=["POST"])
@login_required
def invite(meeting_id: int):
    """Send the invitations now to everyone not invited yet."""
    meeting = get_in_branch_or_404(GroupMeeting, meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        sent = group_meetings.send_invitations(meeting)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("%(count)s invitations are on their way.", count=sent), "success")
    return redirect(url_for("meetings.attendance", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/delete", methods=["POST"])
@login_required
def delete(meeting_id: int):
    """Remove a meeting nobody has been invited to."""
    meeting = get_in_branch_or_404(GroupMeeting, meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        group_meetings.remove(meeting)
    except DomainError as error:
        flash_error(error)
        return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    flash(_("The meeting is removed."), "success")
    return redirect(url_for("meetings.index"))


@bp.route("/<int:meeting_id>/change", methods=["GET", "POST"])
@login_required
def change(meeting_id: int):
    """Change a coming meeting's title, time, duration or place; invitees get an update."""
    meeting = get_in_branch_or_404(GroupMeeting, meeting_id)
    if request.method == "GET":
        day, at = programme.utc_to_local(meeting.starts_at, clock.timezone_name())
        form = ChangeMeetingForm(title=meeting.title, day=day, at=at,
                                 duration=meeting.duration_minutes, location=meeting.location,
                                 description=meeting.description)
    else:
        form = ChangeMeetingForm()
    status = 200
    if form.validate_on_submit():
        try:
            changes = group_meetings.change(meeting, form.title.data, form.day.data, form.at.data,
                                            form.duration.data, form.location.data or "",
                                            form.description.data or "")
        except DomainError as error:
            show_error(form, error, "day")
        else:
            if not changes:
                flash(_("Nothing was changed."), "info")
            elif meeting.invitations_sent_at is not None:
                flash(_("The meeting is changed; everyone invited gets an updated invitation."), "success")
            else:
                flash(_("The meeting is changed."), "success")
            return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    if form.errors:
        status = 422
    return render_template("meetings/change.html", meeting=meeting, form=form,
                           open=meeting_invitations.is_open(meeting)), status


@bp.route("/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel(meeting_id: int):
    """Cancel a meeting whose invitations are out; everyone invited is told."""
    meeting = get_in_branch_or_404(GroupMeeting, meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        sent = group_meetings.cancel(meeting)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("The meeting is cancelled; %(count)s invitees are told.", count=sent), "success")
    return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
