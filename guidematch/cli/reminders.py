"""`flask reminders send`: the daily run that sends what is due (cron, a systemd timer)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from guidematch.services import clock
from guidematch.services.reminders import send_due

reminders = AppGroup("reminders", help="Scheduled emails and steps of pairings.")

LABELS = {
    "completed": "pairings completed at their planned end",
    "may_end_notices": "may-end notices to coordinators",
    "evaluations": "evaluation surveys",
    "weekly_logs": "weekly log requests",
    "invitations": "group meeting invitations",
    "digests": "weekly digests to coordinators",
    "gaps_recorded": "branches whose recruitment gap was recorded for the dashboard",
}


@reminders.command("send")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if it were this day (YYYY-MM-DD); default: today in the programme's time zone.")
def send_command(today):
    """Send what is due today; running it again the same day sends nothing twice."""
    day = today.date() if today else clock.today()
    summary = send_due(day)
    click.echo(f"reminders for {day.isoformat()}:")
    for key, count in summary.as_dict().items():
        click.echo(f"  {LABELS[key]}: {count}")
