"""`flask import-profiles` and `flask export-profiles`: guides and refugees as CSV or XLSX files."""
from __future__ import annotations

import getpass

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.profile_csv import CsvError
from guidematch.services import people_csv

KINDS = {"guides": "guide", "refugees": "refugee"}


def _branch(slug: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.slug == slug))
    if branch is None:
        raise click.ClickException(f"No branch with slug {slug!r}.")
    return branch


def _command_line_user() -> str:
    """Return who runs the command, for the imported guides' consent records."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (e.g. a container without one)
        return "command line"


def _one_line(error: CsvError) -> str:
    return error.text().replace("\n", " ")


@click.command("import-profiles")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--branch", "branch_slug", required=True, help="Slug of the branch to import into.")
@click.option("--dry-run", is_flag=True,
              help="Check the whole file and say what it would do; write nothing.")
@with_appcontext
def import_profiles_command(kind: str, file: str, branch_slug: str, dry_run: bool) -> None:
    """Add or update a branch's guides or refugees from a CSV or XLSX file: every row, or none.

    CSV may be UTF-8 or Windows-1252, separated by commas or semicolons.
    """
    branch = _branch(branch_slug)
    try:
        with open(file, "rb") as stream:
            data = stream.read()
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot be read ({exc.strerror})") from None
    by = _command_line_user()
    try:
        with force_locale("en"):  # the command line speaks English, the rules' messages too
            if dry_run:
                result = people_csv.preview_file(branch, KINDS[kind], data, file, imported_by=by)
            else:
                result = people_csv.import_file(branch, KINDS[kind], data, file, actor="cli",
                                                imported_by=by)
    except CsvError as error:
        raise click.ClickException(_one_line(error)) from None
    read_as = f"read as {result.encoding}" + (
        f", separated by {result.separator!r}" if result.separator else "")
    if not dry_run:
        click.echo(f"Imported {result.total} {kind} into {branch.slug}: {result.created} new, "
                   f"{result.updated} updated, {result.unchanged} unchanged ({read_as}).")
        return
    click.echo(f"Dry run, nothing written: {file} ({read_as}) would import {result.total} {kind} "
               f"into {branch.slug}: {result.created} new, {result.updated} updated, "
               f"{result.unchanged} unchanged; {len(result.refused)} rows refused.")
    for error in result.refused:
        click.echo(_one_line(error), err=True)
    if result.refused:
        raise SystemExit(1)


@click.command("export-profiles")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--branch", "branch_slug", required=True, help="Slug of the branch to export.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default="-",
              show_default=True,
              help="File to write (.csv or .xlsx); - for CSV on standard output.")
@with_appcontext
def export_profiles_command(kind: str, branch_slug: str, out: str) -> None:
    """Write a branch's guides or refugees, with their status, as a CSV or XLSX file."""
    branch = _branch(branch_slug)
    chosen = people_csv.branch_people(branch, KINDS[kind])
    if out.lower().endswith(".xlsx"):
        with open(out, "wb") as binary:
            binary.write(people_csv.export_xlsx(branch, KINDS[kind], kind, chosen))
    else:
        text = people_csv.export_csv(branch, KINDS[kind], chosen)
        if out == "-":
            click.echo(text, nl=False)
            return
        with open(out, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
    click.echo(f"Wrote {len(people_csv.export_records(chosen))} {kind} of {branch.slug} to {out}.",
               err=True)
