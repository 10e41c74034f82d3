"""Admins make branches and coordinators; coordinators set their own branch's rules."""
from __future__ import annotations

from guidematch.models import AuditEvent, Branch, User
from guidematch.vocabulary import Role
from tests import factories


def _admin(auth):
    factories.make_user(email="admin@example.org", role=Role.ADMIN)
    auth.login("admin@example.org")


def test_admin_creates_a_branch_and_a_coordinator(client, auth, db):
    _admin(auth)
    response = client.post("/admin", data={"slug": "selbu", "name": "Selbu Røde Kors"})
    assert response.status_code == 302
    branch = db.session.query(Branch).filter_by(slug="selbu").one()
    response = client.post("/admin/users/new", data={
        "name": "Siri", "email": "siri@example.org", "role": "coordinator", "branch_id": branch.id,
        "locale": "nb", "password": "a good long password"})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="siri@example.org").one()
    assert user.branch_id == branch.id and user.role == Role.COORDINATOR


def test_duplicate_branch_slug_is_shown_next_to_the_field(client, auth, branch):
    _admin(auth)
    page = client.post("/admin", data={"slug": branch.slug, "name": "Again"}).get_data(as_text=True)
    assert "finnes allerede en lokalforening" in page and 'value="Again"' in page


def test_coordinator_without_branch_is_refused(client, auth, db):
    _admin(auth)
    page = client.post("/admin/users/new", data={
        "name": "X", "email": "x@example.org", "role": "coordinator", "branch_id": 0,
        "locale": "nb", "password": "a good long password"}).get_data(as_text=True)
    assert "hører til en lokalforening" in page
    assert db.session.query(User).filter_by(email="x@example.org").count() == 0


def test_coordinator_changes_rules_and_a_new_agreement_text_gets_a_new_version(client, logged_in, branch, db):
    form = {
        "name": branch.name, "contact_email": "", "districts": "Tromsøya\nKvaløya",
        "min_months": 6, "max_months": 12, "weekly_minutes": 90, "monthly_group_meetings": "y",
        "evaluation_after_months": 3, "retention_months": 24, "min_score": 10,
        "agreement_nb": "Vi møtes hver uke.",
        **{f"weight_{k}": 1 for k in branch.weights()},
    }
    response = client.post("/settings", data=form)
    assert response.status_code == 302
    db.session.refresh(branch)
    assert (branch.min_months, branch.weekly_minutes, branch.min_score) == (6, 90, 10.0)
    assert branch.districts == ["Tromsøya", "Kvaløya"]
    assert branch.agreement_version == 2
    assert branch.agreement_texts["nb"].text == "Vi møtes hver uke.\n"
    assert set(branch.agreement_texts) == {"nb"}  # the other languages keep the filled default
    event = db.session.query(AuditEvent).filter_by(action="branch_settings_changed").one()
    assert {"agreement_text_nb", "agreement_version"} <= set(event.details["fields"])


def test_settings_refuse_a_shortest_duration_above_the_longest(client, logged_in, branch, db):
    form = {"name": branch.name, "min_months": 13, "max_months": 12, "weekly_minutes": 120,
            "evaluation_after_months": 3, "retention_months": 24, "min_score": 0,
            **{f"weight_{k}": 1 for k in branch.weights()}}
    page = client.post("/settings", data=form).get_data(as_text=True)
    assert "Korteste varighet kan ikke være lengre" in page  # the coordinator's language
    db.session.refresh(branch)
    assert branch.min_months == 9
