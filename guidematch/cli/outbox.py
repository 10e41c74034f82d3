"""`flask outbox deliver`: send the emails that are due (cron or a systemd timer runs it).

Exit status, for cron's or systemd's alerting (docs/deploy.md):
0  every message it tried was sent, or nothing was due, or no MAIL_SERVER is set;
1  the SMTP server was unreachable, or went away during the run: due mail waits;
3  the server refused some messages: deferred for a later attempt, or given up on.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from guidematch.services import outbox

EXIT_SERVER_GONE = 1
EXIT_REFUSED = 3  # 2 is click's usage error

outbox_cli = AppGroup("outbox", help="The outbox of emails waiting to be sent.")


@outbox_cli.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Send at most this many messages in this run.")
def deliver_command(limit: int | None) -> None:
    """Send what is due; safe to run on several hosts at once."""
    report = outbox.deliver(limit=limit)
    again = f" ({report.resent} again after an interrupted run)" if report.resent else ""
    click.echo(f"Sent {report.sent}{again}, deferred {report.retrying}, "
               f"gave up on {report.failed}; {report.waiting} waiting in the outbox.")
    configured = outbox.mail_configured()
    if report.error:
        click.echo(report.error, err=True)
        if configured:  # an unreachable server is worth an alert; no server is a setting
            raise SystemExit(EXIT_SERVER_GONE)
    if report.left_unsent:
        click.echo(f"{report.left_unsent} messages tried were not sent; see the Outbox page.",
                   err=True)
        raise SystemExit(EXIT_REFUSED)
