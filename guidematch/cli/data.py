"""`flask data purge`: delete and anonymise what the retention rules say (for cron)."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from guidematch.services import clock, privacy

data_cli = AppGroup("data", help="Keep no more personal data than the programme needs.")


@data_cli.command("purge")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pretend it is this day (YYYY-MM-DD), for every rule; for catching up.")
def purge_command(today) -> None:
    """Apply the retention rules: stale sign-ups, people who left unpaired, ended pairings."""
    day: date = today.date() if today else clock.today()
    report = privacy.purge(day)
    click.echo(f"Deleted {report.deleted_unconfirmed} unconfirmed sign-ups (after 30 days) and "
               f"{report.deleted_unpaired} people who left without a pairing; anonymised "
               f"{report.anonymised} people whose pairings ended before the retention period.")
