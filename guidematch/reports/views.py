"""The steering group's report: figures for a period, a print view, CSV and XLSX downloads;
for admins, every branch side by side (the national view) and its XLSX."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import login_required

from guidematch import spreadsheets
from guidematch.admin.views import admin_required
from guidematch.reports.forms import PeriodForm
from guidematch.reports.measures import (
    CAMPAIGN_MEASURE_LABELS, GENDER_COLUMNS, SECTION_TITLES, label, shown,
)
from guidematch.scoping import current_branch
from guidematch.services import audit, clock, report_figures, report_files, report_national

bp = Blueprint("reports", __name__)


def _chosen(template: str) -> tuple[PeriodForm, tuple[object, object]]:
    """Return the period form and the chosen (first, last) day.

    A period with errors ends the request here: `template` shows them next to the
    fields, with 422, for the page and its downloads alike.
    """
    form = PeriodForm(formdata=request.args or None)
    if request.args and not form.validate():
        abort(make_response(render_template(template, form=form, report=None, national=None), 422))
    if form.period.data == "custom" and request.args:
        return form, (form.first.data, form.last.data)
    return form, report_figures.named_period(form.period.data or "this_month", clock.today())


@bp.route("/reports")
@login_required
def index():
    """Show the branch's figures for a period, in sections; print it or download it."""
    form, period = _chosen("reports/index.html")
    report = report_figures.figures(current_branch(), *period)
    return render_template("reports/index.html", form=form, report=report,
                           titles=SECTION_TITLES, label=label, shown=shown,
                           small_count=report_figures.SMALL_COUNT,
                           campaign_measures=report_figures.REPORT_CAMPAIGN_MEASURES,
                           genders=report_figures.CAMPAIGN_GENDERS,
                           measure_labels=CAMPAIGN_MEASURE_LABELS, gender_columns=GENDER_COLUMNS,
                           query=request.args.to_dict())


def _send(body: str | bytes, mimetype: str, filename: str):
    return current_app.response_class(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _download(extension: str):
    _, period = _chosen("reports/index.html")
    branch = current_branch()
    report = report_figures.figures(branch, *period)
    if extension == "csv":
        body: str | bytes = report_files.csv_text(report, outside=True)
        mimetype = "text/csv"
    else:
        body = report_files.xlsx_bytes(report, report_figures.monthly(branch, *period), outside=True)
        mimetype = spreadsheets.XLSX_MIMETYPE
    audit.record("report_exported", None, branch_id=branch.id, format=extension,
                 first=report.start.isoformat(), last=report.end.isoformat())
    return _send(body, mimetype, f"report-{branch.slug}-{report.start}-{report.end}.{extension}")


@bp.route("/reports.csv")
@login_required
def download_csv():
    """Download the figures as CSV for outside the branch (1 or 2 people: "<3")."""
    return _download("csv")


@bp.route("/reports.xlsx")
@login_required
def download_xlsx():
    """Download the figures as XLSX for outside the branch: summary and per month ("<3")."""
    return _download("xlsx")


@bp.route("/reports/national")
@admin_required
def national():
    """Show every branch's figures side by side for a period, with a total where one adds up."""
    form, period = _chosen("reports/national.html")
    return render_template("reports/national.html", form=form,
                           national=report_national.national(*period),
                           titles=SECTION_TITLES, label=label, shown=shown,
                           has_total=report_national.has_total,
                           small_count=report_figures.SMALL_COUNT, query=request.args.to_dict())


@bp.route("/reports/national.xlsx")
@admin_required
def download_national():
    """Download every branch side by side as XLSX for outside the branches (1 or 2 people: "<3")."""
    _, period = _chosen("reports/national.html")
    figures = report_national.national(*period)
    audit.record("report_exported", None, scope="national", format="xlsx",
                 first=figures.start.isoformat(), last=figures.end.isoformat())
    return _send(report_files.national_xlsx_bytes(figures, outside=True), spreadsheets.XLSX_MIMETYPE,
                 f"report-national-{figures.start}-{figures.end}.xlsx")
