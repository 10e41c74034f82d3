"""`flask import-profiles` and `flask export-profiles`: guides and refugees as CSV files."""
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


@click.command("import-profiles")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--branch", "branch_slug", required=True, help="Slug of the branch to import into.")
@with_appcontext
def import_profiles_command(kind: str, file: str, branch_slug: str) -> None:
    """Add or update a branch's guides or refugees from a CSV file: every row, or none."""
    branch = _branch(branch_slug)
    try:
        with open(file, encoding="utf-8-sig", newline="") as stream:
            text = stream.read()
        with force_locale("en"):  # the command line speaks English, the rules' messages too
            result = people_csv.import_csv_text(branch, KINDS[kind], text, filename=file,
                                                actor="cli", imported_by=_command_line_user())
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}, line 0: is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise click.ClickException(f"{file}, line 0: cannot be read ({exc.strerror})") from None
    except CsvError as error:
        raise click.ClickException(str(error).replace("\n", " ")) from None
    click.echo(f"Imported {result.total} {kind} into {branch.slug}: {result.created} new, "
               f"{result.updated} updated, {result.unchanged} unchanged.")


@click.command("export-profiles")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--branch", "branch_slug", required=True, help="Slug of the branch to export.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default="-",
              show_default=True, help="File to write; - for standard output.")
@with_appcontext
def export_profiles_command(kind: str, branch_slug: str, out: str) -> None:
    """Write a branch's guides or refugees as a CSV file."""
    branch = _branch(branch_slug)
    chosen = people_csv.branch_people(branch, KINDS[kind])
    text = people_csv.export_csv(branch, KINDS[kind], chosen)
    if out == "-":
        click.echo(text, nl=False)
        return
    with open(out, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    click.echo(f"Wrote {len(people_csv.export_records(chosen))} {kind} of {branch.slug} to {out}.", err=True)
