"""`flask create-user` and `flask create-branch`: accounts and branches from the shell."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.services import accounts, audit, branches
from guidematch.services.errors import DomainError
from guidematch.vocabulary import Role


@click.command("create-branch")
@click.argument("slug")
@click.argument("name")
@with_appcontext
def create_branch_command(slug: str, name: str) -> None:
    """Create a branch (a local Red Cross chapter)."""
    try:
        branches.create_branch(slug, name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created branch {slug} ({name}).")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.COORDINATOR.value,
              show_default=True)
@click.option("--branch", "branch_slug", help="Branch slug (coordinators only).")
@click.option("--locale", type=click.Choice(["nb", "en"]), default="nb", show_default=True)
@click.password_option(help="At least 10 characters; asked for when not given.")
@with_appcontext
def create_user_command(email: str, name: str, role: str, branch_slug: str | None, locale: str,
                        password: str) -> None:
    """Create an admin, or a coordinator of one branch."""
    branch = None
    if branch_slug:
        branch = db.session.scalar(select(Branch).where(Branch.slug == branch_slug))
        if branch is None:
            raise click.ClickException(f"No branch with slug {branch_slug!r}.")
    try:
        user = accounts.create_user(email, name, password, Role(role), branch, locale)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    audit.record("user_created", user, branch_id=user.branch_id, actor="cli", role=role)
    click.echo(f"Created {role} {user.email}" + (f" of branch {branch.slug}." if branch else "."))


@click.command("set-password")
@click.argument("email")
@click.password_option(help="At least 10 characters; asked for when not given.")
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Give a coordinator or admin a new password (and lift a login lock)."""
    try:
        user = accounts.reset_password(email, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    audit.record("password_reset", user, branch_id=user.branch_id, actor="cli")
    click.echo(f"New password set for {user.email}.")
