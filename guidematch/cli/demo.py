"""`flask demo-data`: fill an empty database with a demo branch to try the product on."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from guidematch import demo
from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.services import audit


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing (and say so) when a branch exists already.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same people.")
@with_appcontext
def demo_data_command(if_empty: bool, seed: int) -> None:
    """Add a demo branch with a coordinator, 40 guides, 60 refugees and pairings in every state."""
    if db.session.scalar(select(Branch.id).limit(1)) is not None:
        message = "The database has data already (a branch exists): no demo data loaded."
        if if_empty:
            click.echo(message + f" Forgot the demo login? flask --app guidematch set-password {demo.COORDINATOR_EMAIL}")
            return
        raise click.ClickException(message + " Use an empty database.")
    result = demo.load(seed=seed)
    audit.record("demo_data_loaded", result.branch, actor="cli", seed=seed)
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    click.echo(f"Demo data loaded: {result.branch.name} with {result.guides} guides, "
               f"{result.refugees} refugees and {result.pairings} pairings.")
    click.echo("")
    click.echo("=" * 72)
    click.echo(f"  Log in at {base}/login as {result.coordinator.email} with password {result.password}")
    click.echo("=" * 72)
    click.echo("")
