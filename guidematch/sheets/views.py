"""Downloads of a branch's pairings, group-meeting attendance and evaluations: CSV or XLSX."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from flask_babel import gettext as _
from flask_login import login_required

from guidematch import spreadsheets
from guidematch.models import GroupMeeting
from guidematch.scoping import current_branch, get_in_branch_or_404
from guidematch.services import audit, clock, sheet_tables

bp = Blueprint("sheets", __name__)

FORMATS = {"csv": "text/csv", "xlsx": spreadsheets.XLSX_MIMETYPE}


def _download(name: str, title: str, table: sheet_tables.Table, extension: str) -> Response:
    if extension not in FORMATS:
        abort(404)
    header, rows = table
    body: str | bytes = (spreadsheets.xlsx_bytes([(title, header, rows)]) if extension == "xlsx"
                         else spreadsheets.csv_text(header, rows))
    branch = current_branch()
    audit.record("table_exported", None, branch_id=branch.id, table=name, format=extension)
    filename = f"{name}-{branch.slug}-{clock.today().isoformat()}.{extension}"
    return current_app.response_class(body, mimetype=FORMATS[extension], headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def pairings(extension: str) -> Response:
    """Download the branch's pairings: names, status, dates, hours a week."""
    table = sheet_tables.pairings(current_branch(), clock.today())
    return _download("pairings", _("Pairings"), table, extension)


def attendance(extension: str, meeting_id: int | None = None) -> Response:
    """Download who was invited to and came to the group meetings (or to one)."""
    meetings = [get_in_branch_or_404(GroupMeeting, meeting_id)] if meeting_id else None
    table = sheet_tables.attendance(current_branch(), meetings)
    return _download("attendance", _("Attendance"), table, extension)


def evaluations(extension: str) -> Response:
    """Download the branch's 3-month evaluations."""
    return _download("evaluations", _("Evaluations"), sheet_tables.evaluations(current_branch()),
                     extension)


def _route(rule: str, endpoint: str, view, extension: str) -> None:
    def download(**ids):
        return view(extension, **ids)
    download.__doc__ = view.__doc__
    bp.add_url_rule(rule, endpoint=endpoint, view_func=login_required(download))


for _extension in FORMATS:
    _route(f"/pairings.{_extension}", f"pairings_{_extension}", pairings, _extension)
    _route(f"/evaluations.{_extension}", f"evaluations_{_extension}", evaluations, _extension)
    _route(f"/meetings/attendance.{_extension}", f"attendance_{_extension}", attendance,
           _extension)
    _route(f"/meetings/<int:meeting_id>/attendance.{_extension}",
           f"meeting_attendance_{_extension}", attendance, _extension)
