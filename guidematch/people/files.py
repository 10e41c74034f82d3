"""Guides and refugees in files: import with a preview first, export as CSV or XLSX."""
from __future__ import annotations

from flask import (
    Blueprint, Response, current_app, flash, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from guidematch.column_aliases import names_of
from guidematch.form_errors import refuse
from guidematch.people import listing, uploads
from guidematch.people.forms import ConfirmImportForm, ImportForm
from guidematch.profile_csv import COLUMNS, CsvError
from guidematch.scoping import current_branch
from guidematch.services import audit, clock, people_csv, person_rules
from guidematch.spreadsheets import XLSX_MIMETYPE

KINDS = ("guide", "refugee")
LISTS = {"guide": "people.guides", "refugee": "people.refugees"}


def _what(kind: str) -> str:
    return _("guides") if kind == "guide" else _("refugees")


def import_profiles():
    """Upload a CSV or XLSX file of guides or refugees, to check it before anything is saved."""
    form = ImportForm()
    if request.method == "GET" and request.args.get("kind") in KINDS:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "upload.csv")[-100:]
        uploads.keep(upload.read(), form.kind.data, filename, current_branch().id,
                     current_user.id)
        return redirect(url_for("people.import_preview"))
    return _upload_page(form)


def _upload_page(form: ImportForm, problem: str | None = None, status: int = 200):
    aliases = {name: names_of(name)[1:] for kind in KINDS for name in COLUMNS[kind]}
    return render_template("people/import.html", form=form, problem=problem, columns=COLUMNS,
                           aliases=aliases, required=person_rules.REQUIRED), status


def import_preview():
    """Show what the uploaded file would create, update and refuse; nothing is saved yet."""
    upload = uploads.current(current_branch().id, current_user.id)
    if upload is None:
        flash(_("Upload the file again: the one you checked is no longer kept (an hour at most)."),
              "warning")
        return redirect(url_for("people.import_profiles"))
    try:
        result = people_csv.preview_file(current_branch(), upload.kind, upload.data,
                                         upload.filename, imported_by=current_user.name)
    except CsvError as error:  # the file as a whole: its encoding, format or header
        uploads.forget()
        form = ImportForm(kind=upload.kind)
        return _upload_page(form, problem=error.text(_), status=422)
    form = ConfirmImportForm(token=upload.token)
    refused = [(error, error.problem(_)) for error in result.refused]
    return render_template("people/import_preview.html", upload=upload, result=result,
                           refused=refused, form=form, what=_what(upload.kind))


def confirm_import():
    """Import the previewed file: every row, or none."""
    form = ConfirmImportForm()
    upload = uploads.current(current_branch().id, current_user.id)
    if not form.validate_on_submit() or upload is None or form.token.data != upload.token:
        flash(_("This preview is not the latest file you uploaded; check it again."), "warning")
        return redirect(url_for("people.import_preview" if upload else "people.import_profiles"))
    try:
        result = people_csv.import_file(current_branch(), upload.kind, upload.data,
                                        upload.filename, imported_by=current_user.name)
    except CsvError as error:  # changed since the preview (another coordinator, another tab)
        flash(refuse(_("Nothing was imported: %(problem)s", problem=error.text(_))), "error")
        return redirect(url_for("people.import_preview"))
    uploads.forget()
    flash(_("Imported %(n)s %(what)s (%(new)s new, %(updated)s updated).", n=result.total,
            what=_what(upload.kind), new=result.created, updated=result.updated), "success")
    return redirect(url_for(LISTS[upload.kind]))


def cancel_import():
    """Forget the uploaded file without importing it."""
    uploads.forget()
    flash(_("Nothing was imported."), "info")
    return redirect(url_for("people.import_profiles"))


# --- export ------------------------------------------------------------------------

def _export(kind: str, extension: str) -> Response:
    branch = current_branch()
    query = listing.ListQuery.from_args(kind, request.args)
    chosen = listing.filtered_people(query) if query.filtered else None
    audit.record("profiles_exported", None, branch_id=branch.id, kind=kind, filtered=query.filtered,
                 format=extension)
    what = "guides" if kind == "guide" else "refugees"
    name = f"{what}-{branch.slug}-{clock.today().isoformat()}.{extension}"
    if extension == "xlsx":
        body, mimetype = people_csv.export_xlsx(branch, kind, _what(kind), chosen), XLSX_MIMETYPE
    else:
        body, mimetype = people_csv.export_csv(branch, kind, chosen), "text/csv"
    return current_app.response_class(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def export_guides():
    """Download the branch's guides (those the list shows, when filtered) as CSV."""
    return _export("guide", "csv")


def export_refugees():
    """Download the branch's refugees (those the list shows, when filtered) as CSV."""
    return _export("refugee", "csv")


def export_guides_xlsx():
    """Download the branch's guides (those the list shows, when filtered) as XLSX."""
    return _export("guide", "xlsx")


def export_refugees_xlsx():
    """Download the branch's refugees (those the list shows, when filtered) as XLSX."""
    return _export("refugee", "xlsx")


def add_routes(bp: Blueprint) -> None:
    """Add the import and export routes to the people blueprint."""
    rules = [("/import", import_profiles, ["GET", "POST"]),
             ("/import/preview", import_preview, ["GET"]),
             ("/import/confirm", confirm_import, ["POST"]),
             ("/import/cancel", cancel_import, ["POST"]),
             ("/guides.csv", export_guides, ["GET"]),
             ("/refugees.csv", export_refugees, ["GET"]),
             ("/guides.xlsx", export_guides_xlsx, ["GET"]),
             ("/refugees.xlsx", export_refugees_xlsx, ["GET"])]
    for rule, view, methods in rules:
        bp.add_url_rule(rule, view_func=login_required(view), methods=methods)
