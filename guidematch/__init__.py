"""guidematch: match volunteer refugee guides with refugees, and follow each pairing."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidematch import config

if TYPE_CHECKING:  # Flask is imported when an app is made: the matching core never needs it
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    """Make the app: settings, extensions, blueprints, commands, error pages."""
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if config_overrides:
        app.config.from_mapping(config_overrides)
    register_logging(app)
    register_extensions(app)
    register_unit_of_work(app)
    register_input_layer(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    # Never log request bodies or form values: they hold refugees' data.
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from flask_babel import get_locale, lazy_gettext

    from guidematch import email_text, durations, errors, form_kit, i18n, security, vocabulary
    from guidematch.auth import sessions
    from guidematch.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    sessions.register(app)
    security.register(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"], x_host=app.config["PROXY_COUNT"])
    errors.register(app)
    durations.register(app)
    email_text.register(app)
    # Templates state the programme's numbers from `vocabulary`, never as literals of their own.
    app.jinja_env.globals.update(get_locale=get_locale, text_direction=i18n.text_direction,
                                 page_locales=i18n.page_locales, vocabulary=vocabulary,
                                 csrf_field=form_kit.csrf_field)


def register_unit_of_work(app: Flask) -> None:
    from guidematch import unit_of_work

    unit_of_work.register(app)


def register_input_layer(app: Flask) -> None:
    from guidematch import safe_input

    safe_input.register_converters(app)  # before the blueprints: their rules bind converters
    safe_input.register(app)


def register_blueprints(app: Flask) -> None:
    from guidematch.admin.views import bp as admin
    from guidematch.applicants.views import bp as applicants
    from guidematch.audit.views import bp as audit
    from guidematch.auth.account import bp as account
    from guidematch.auth.views import bp as auth
    from guidematch.campaigns.views import bp as campaigns
    from guidematch.core.views import bp as core
    from guidematch.linkpages.views import bp as links
    from guidematch.matchpage.views import bp as matching
    from guidematch.meetings.views import bp as group_meetings
    from guidematch.outbox.views import bp as outbox
    from guidematch.pairings.views import bp as pairings
    from guidematch.people.views import bp as people
    from guidematch.privacy.views import bp as privacy
    from guidematch.reports.views import bp as reports
    from guidematch.sheets.views import bp as sheets
    from guidematch.signup.views import bp as signup

    for blueprint in (core, auth, account, admin, people, privacy, signup, applicants, campaigns,
                      outbox, links, pairings, group_meetings, matching, sheets, reports, audit):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from guidematch.cli import register

    register(app)
