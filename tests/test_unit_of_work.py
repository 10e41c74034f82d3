"""One unit of work: a request or command is stored whole when it succeeds, not at all when it fails."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from flask import Blueprint, abort
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from guidematch import create_app, unit_of_work
from guidematch.extensions import db as _db
from guidematch.form_errors import show_error
from guidematch.models import Branch, LoginThrottle, User
from guidematch.services import branches, signup
from guidematch.services.errors import DomainError
from tests import factories

PACKAGE = Path(__file__).resolve().parent.parent / "guidematch"


def stored_branch_names() -> list[str]:
    """Read what is committed, on a connection of its own (not the test's session)."""
    with _db.engine.connect() as conn:
        return sorted(conn.scalars(select(Branch.name)))


class NameForm(FlaskForm):
    name = StringField("Name")


def _probe_blueprint() -> Blueprint:
    """A view that renames the branch, flushes, then ends the way the URL says."""
    probe = Blueprint("probe", __name__)

    @probe.route("/probe/<outcome>", methods=["POST"])
    def rename(outcome: str):
        branch = _db.session.scalar(select(Branch))
        branch.name = "Renamed"
        _db.session.flush()
        if outcome == "raise":
            raise RuntimeError("a bug after the flush")
        if outcome == "abort":
            abort(409)
        if outcome == "refused":
            form = NameForm()
            show_error(form, DomainError("That name is taken.", "name"))
            return f"<p>{form.name.errors[0]}</p>"
        return "<p>Saved</p>"

    @probe.route("/probe/savepoint/<outcome>", methods=["POST"])
    def rename_in_savepoint(outcome: str):
        # The request's first write is inside a savepoint (as signup's _save and the race
        # guards of the views): releasing it must not commit it before the request ends.
        branch = _db.session.scalar(select(Branch))
        with unit_of_work.savepoint():
            branch.name = "Renamed"
        if outcome == "raise":
            raise RuntimeError("a bug after the savepoint")
        if outcome == "abort":
            abort(409)
        return "<p>Saved</p>"

    return probe


@pytest.fixture
def probe_client(app, app_config):
    """A client of an app of its own (same database) that has the probe view."""
    probe_app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})
    probe_app.register_blueprint(_probe_blueprint())
    return probe_app.test_client()


def test_a_request_that_succeeds_is_committed(probe_client, branch):
    response = probe_client.post("/probe/ok")
    assert response.status_code == 200
    assert stored_branch_names() == ["Renamed"]


def test_a_view_that_raises_after_a_flush_writes_nothing(probe_client, branch):
    response = probe_client.post("/probe/raise")
    assert response.status_code == 500
    assert stored_branch_names() == ["Tromsø"]


def test_an_error_answer_writes_nothing(probe_client, branch):
    assert probe_client.post("/probe/abort").status_code == 409
    assert stored_branch_names() == ["Tromsø"]


def test_a_released_savepoint_is_committed_with_its_request(probe_client, branch):
    assert probe_client.post("/probe/savepoint/ok").status_code == 200
    assert stored_branch_names() == ["Renamed"]


@pytest.mark.parametrize(("outcome", "status"), [("raise", 500), ("abort", 409)])
def test_a_first_write_in_a_savepoint_is_undone_when_the_request_fails(probe_client, branch,
                                                                       outcome, status):
    # On SQLite this needs the BEGIN that unit_of_work.savepoint sends: pysqlite on its own opens
    # no transaction before a SAVEPOINT, which then is the outermost and commits on release.
    assert probe_client.post(f"/probe/savepoint/{outcome}").status_code == status
    assert stored_branch_names() == ["Tromsø"]


def test_a_domain_error_shown_on_the_form_writes_nothing_of_the_attempt(probe_client, branch):
    response = probe_client.post("/probe/refused")
    assert response.status_code == 200
    assert "That name is taken." in response.get_data(as_text=True)
    assert stored_branch_names() == ["Tromsø"]


def test_a_real_view_raising_after_a_flush_writes_nothing(client, db, branch, logged_in,
                                                         monkeypatch):
    old_token = branch.referral_token

    def renew_then_fail(chosen):
        signup_renew(chosen)
        db.session.flush()
        raise RuntimeError("the mail template broke")

    signup_renew = signup.renew_referral_link
    monkeypatch.setattr(signup, "renew_referral_link", renew_then_fail)
    with pytest.raises(RuntimeError):  # the test app lets the error through
        client.post("/referral-link/renew")
    assert client.get("/referral-link").status_code == 200  # a next request commits: not that
    with db.engine.connect() as conn:
        assert conn.scalar(select(Branch.referral_token)) == old_token


def test_a_settings_error_on_the_form_keeps_the_branch_as_it_was(client, db, branch, logged_in,
                                                                 monkeypatch):
    def change_then_refuse(chosen, values):
        chosen.name = values.name
        db.session.flush()
        raise DomainError("The programme rules do not fit together.", "min_months")

    monkeypatch.setattr(branches, "update_settings", change_then_refuse)
    page = client.get("/settings").get_data(as_text=True)
    form = _form_values(page)
    form["name"] = "Another name"
    response = client.post("/settings", data=form)
    assert response.status_code == 200
    assert "The programme rules do not fit together." in response.get_data(as_text=True)
    assert stored_branch_names() == ["Tromsø"]


def _form_values(page: str) -> dict[str, str]:
    """Return the named inputs, textareas and selected options of the page's settings form."""
    values = {}
    for name, value in re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', page):
        values.setdefault(name, value)
    for name, value in re.findall(r'<textarea[^>]*\bname="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        values.setdefault(name, value)
    for name, body in re.findall(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|'
                           r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        if chosen:
            values.setdefault(name, chosen.group(1) or chosen.group(2))
    return values


def test_a_failed_login_still_counts(client, db, coordinator):
    client.post("/login", data={"email": coordinator.email, "password": "wrong password"})
    with db.engine.connect() as conn:
        # Counted under its three keys (email and address, address, email): see throttle.py.
        assert conn.scalar(select(func.sum(LoginThrottle.failures))) == 3


def test_a_command_is_committed_when_it_succeeds(runner, db):
    result = runner.invoke(args=["create-branch", "bodo", "Bodø"])
    assert result.exit_code == 0, result.output
    assert stored_branch_names() == ["Bodø"]


def test_a_command_raising_after_a_flush_writes_nothing(runner, db, monkeypatch):
    real_create = branches.create_branch

    def create_then_fail(slug, name):
        real_create(slug, name)
        db.session.flush()
        raise click.ClickException("the disk is full")

    monkeypatch.setattr(branches, "create_branch", create_then_fail)
    result = runner.invoke(args=["create-branch", "bodo", "Bodø"])
    assert result.exit_code == 1
    assert "the disk is full" in result.output
    assert stored_branch_names() == []


def test_a_command_refused_by_a_rule_writes_nothing(runner, db, branch):
    factories.make_user(email="taken@example.org", branch=branch)
    result = runner.invoke(args=["create-user", "--email", "taken@example.org", "--name", "Twin",
                                 "--branch", branch.slug, "--password", "long enough secret"])
    assert result.exit_code == 1
    with db.engine.connect() as conn:
        assert conn.scalar(select(User.name).where(User.email == "taken@example.org")) != "Twin"


COMMIT_OR_ROLLBACK = re.compile(r"\.\s*(commit|rollback)\s*\(")


def test_only_the_unit_of_work_commits_or_rolls_back():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py")) if path.name != "unit_of_work.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COMMIT_OR_ROLLBACK.search(line.split("#", 1)[0])
    ]
    assert offenders == []
