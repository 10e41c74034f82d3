"""`flask report`: the steering group's report for a branch and a period, as CSV or XLSX."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.services import report_figures, report_files


def _day(value: str, option: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.ClickException(f"{option} {value!r} is not a date (YYYY-MM-DD).") from None


@click.command("report")
@click.option("--branch", "slug", required=True, help="Slug of the branch.")
@click.option("--from", "first", required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "last", required=True, help="Last day of the period (YYYY-MM-DD), included.")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@with_appcontext
def report_command(slug: str, first: str, last: str, file_format: str, out: str) -> None:
    """Write the branch's figures for the period: CSV `measure,value`, or XLSX with a sheet per month.

    Every number as it is (no "<3"): the file is for the branch itself.
    """
    start, end = _day(first, "--from"), _day(last, "--to")
    if start > end:
        raise click.ClickException(f"--from {first} is after --to {last}.")
    branch = db.session.scalar(select(Branch).where(Branch.slug == slug))
    if branch is None:
        raise click.ClickException(f"No branch with slug {slug!r}.")
    report = report_figures.figures(branch, start, end)
    if file_format == "csv":
        body: bytes = report_files.csv_text(report).encode("utf-8")
    else:
        body = report_files.xlsx_bytes(report, report_figures.monthly(branch, start, end))
    try:
        Path(out).write_bytes(body)
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot be written ({exc.strerror})") from None
    click.echo(f"{out}: {len(report.figures)} measures for {branch.slug}, {start} to {end}")
