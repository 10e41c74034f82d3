"""The migrations are the schema: they build what the models describe, and undo it."""
from __future__ import annotations

import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from guidematch import create_app
from guidematch.extensions import db
from guidematch.models import Model
from tests import conftest


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A database of its own for this test, so the session's database stays intact."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"guidematch_mig_{secrets.token_hex(4)}"
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _differences(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Model.metadata)


def test_upgrade_matches_models_and_downgrade_undoes_it(empty_database_url):
    app = create_app(conftest._test_config(empty_database_url))
    with app.app_context():
        upgrade()
        assert _differences(app) == [], "models and migrations disagree: run `flask db migrate`"
        tables = set(inspect(db.engine).get_table_names())
        assert {"branches", "guides", "refugees", "pairings", "outbox_messages", "audit_events"} <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_flask_db_check_reports_no_pending_change(empty_database_url):
    app = create_app(conftest._test_config(empty_database_url))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()



OLD_DEFAULT_AGREEMENT = """As guide and refugee in the refugee guide programme we agree to:
- meet for at least two hours a week, at times we plan together;
- take part in the monthly group meeting for all guides and refugees when we can;
- answer a short evaluation after three months;
- keep the pairing for at least nine and at most twelve months, and tell the
  coordinator if it must end earlier;
- treat what we learn about each other in confidence.
"""


def _add_branch(conn, slug: str, agreement: str) -> None:
    conn.execute(text(
        "INSERT INTO branches (slug, name, districts, matching_weights, agreement_text,"
        " referral_token, created_at) VALUES (:slug, :slug, '[]', '{}', :agreement, :slug,"
        " CURRENT_TIMESTAMP)"), {"slug": slug, "agreement": agreement})


def test_an_own_agreement_text_becomes_the_norwegian_one_and_comes_back(empty_database_url):
    """Revision d47e69b4f191 keeps a branch's one text as its nb text; the default is no text."""
    app = create_app(conftest._test_config(empty_database_url))
    with app.app_context():
        upgrade(revision="3c1a9e5b7d20")
        with db.engine.begin() as conn:
            _add_branch(conn, "own", "Vi møtes hver uke.\n")
            _add_branch(conn, "default", OLD_DEFAULT_AGREEMENT)
        upgrade()
        with db.engine.connect() as conn:
            texts = conn.execute(text(
                "SELECT b.slug, a.locale, a.text FROM agreement_texts a"
                " JOIN branches b ON b.id = a.branch_id")).all()
            versions = dict(conn.execute(text("SELECT slug, agreement_version FROM branches")).all())
        assert [tuple(row) for row in texts] == [("own", "nb", "Vi møtes hver uke.\n")]
        assert versions == {"own": 2, "default": 2}  # the words changed for someone in both

        downgrade(revision="3c1a9e5b7d20")
        with db.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT slug, agreement_text FROM branches")).all())
        assert back == {"own": "Vi møtes hver uke.\n", "default": OLD_DEFAULT_AGREEMENT}
        db.engine.dispose()


def test_branches_on_the_old_default_weights_get_the_new_waiting_weight(empty_database_url):
    """Revision 8f3c6a1d2e47: waiting 2 becomes 10 where nobody chose the weights."""
    import json

    fit = {"interests": 3.0, "activities": 3.0, "language": 2.0, "family": 2.0, "age": 1.0,
           "availability": 2.0, "location": 1.0, "background": 1.0}
    chosen = {**fit, "interests": 5.0, "waiting": 2.0}
    app = create_app(conftest._test_config(empty_database_url))
    with app.app_context():
        upgrade(revision="5e8b2d4c9a61")
        with db.engine.begin() as conn:
            for slug, weights in (("untouched", {**fit, "waiting": 2.0}), ("chosen", chosen)):
                conn.execute(text(
                    "INSERT INTO branches (slug, name, districts, matching_weights,"
                    " referral_token, created_at) VALUES (:slug, :slug, '[]', :weights, :slug,"
                    " CURRENT_TIMESTAMP)"), {"slug": slug, "weights": json.dumps(weights)})

        def weights() -> dict:
            with db.engine.connect() as conn:
                rows = conn.execute(text("SELECT slug, matching_weights FROM branches")).all()
            return {slug: w if isinstance(w, dict) else json.loads(w) for slug, w in rows}

        upgrade(revision="8f3c6a1d2e47")
        assert weights() == {"untouched": {**fit, "waiting": 10.0}, "chosen": chosen}
        downgrade(revision="5e8b2d4c9a61")
        assert weights() == {"untouched": {**fit, "waiting": 2.0}, "chosen": chosen}
        db.engine.dispose()
