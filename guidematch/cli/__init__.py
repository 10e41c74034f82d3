"""Flask commands, one module per area; `register` adds them all to the app."""
from flask import Flask


def register(app: Flask) -> None:
    """Add every command of the product to `flask --app guidematch`."""
    from guidematch.cli.accounts import (
        create_branch_command, create_user_command, set_password_command,
    )
    from guidematch.cli.data import data_cli
    from guidematch.cli.demo import demo_data_command
    from guidematch.cli.match import match_cli
    from guidematch.cli.outbox import outbox_cli
    from guidematch.cli.people import export_profiles_command, import_profiles_command
    from guidematch.cli.reminders import reminders
    from guidematch.cli.report import report_command
    from guidematch.unit_of_work import wrap_commands

    # Each command is one unit of work: committed once when it succeeds, rolled back on error.
    for command in (create_branch_command, create_user_command, set_password_command,
                    import_profiles_command, export_profiles_command, demo_data_command,
                    outbox_cli, reminders, match_cli, data_cli, report_command):
        app.cli.add_command(wrap_commands(command))
