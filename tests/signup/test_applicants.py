"""The coordinator approves a confirmed applicant (credentials checked) or rejects with a reason."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from guidematch.models import AuditEvent, Guide, OutboxMessage
from guidematch.services import clock
from guidematch.vocabulary import GuideStatus
from tests import factories


@pytest.fixture
def applicant(db, branch):
    guide = factories.make_guide(branch, first_name="Ola", last_name="Hansen",
                                 status=GuideStatus.APPLIED, locale="en")
    guide.interview_on = guide.intro_course_on = guide.confidentiality_signed_on = None
    db.session.commit()
    return guide


def approve_form(**overrides):
    data = {"interview_on": "2026-01-10", "intro_course_on": "2026-01-20",
            "confidentiality_signed_on": "2026-01-20", "police_certificate_on": ""}
    data.update(overrides)
    return data


def test_only_confirmed_applicants_are_listed(client, db, branch, logged_in, applicant):
    factories.make_guide(branch, first_name="Unconfirmed", status=GuideStatus.UNCONFIRMED)
    factories.make_guide(branch, first_name="Approved", status=GuideStatus.AVAILABLE)
    factories.make_guide(factories.make_branch(), first_name="Elsewhere", status=GuideStatus.APPLIED)
    page = client.get("/applicants").get_data(as_text=True)
    assert "Ola Hansen" in page
    assert "Unconfirmed" not in page and "Approved" not in page and "Elsewhere" not in page


def test_approving_records_credentials_and_makes_the_guide_available(client, db, logged_in, applicant):
    assert client.get(f"/applicants/{applicant.id}").status_code == 200
    response = client.post(f"/applicants/{applicant.id}/approve", data=approve_form())
    assert response.status_code == 302
    guide = db.session.get(Guide, applicant.id)
    assert guide.status == GuideStatus.AVAILABLE and guide.credentials_complete
    assert guide.interview_on == date(2026, 1, 10)
    event = db.session.query(AuditEvent).filter_by(action="guide_approved", object_id=guide.id).one()
    assert event.user_id == logged_in.id
    welcome = db.session.query(OutboxMessage).filter_by(to_address=guide.email).one()
    assert welcome.template == "guide_approved" and welcome.locale == "en"


def test_a_guide_meeting_minors_needs_a_police_certificate(client, db, logged_in, applicant):
    response = client.post(f"/applicants/{applicant.id}/approve", data=approve_form(meets_minors="y"))
    assert response.status_code == 200
    assert "police certificate" in response.get_data(as_text=True).lower() or \
        "politiattest" in response.get_data(as_text=True).lower()
    assert db.session.get(Guide, applicant.id).status == GuideStatus.APPLIED
    assert db.session.query(OutboxMessage).count() == 0

    client.post(f"/applicants/{applicant.id}/approve",
                data=approve_form(meets_minors="y", police_certificate_on="2026-01-05"))
    guide = db.session.get(Guide, applicant.id)
    assert guide.status == GuideStatus.AVAILABLE and guide.has_police_certificate


def test_missing_or_future_dates_keep_the_applicant_waiting(client, db, logged_in, applicant):
    future = (clock.today() + timedelta(days=3)).isoformat()
    for data in (approve_form(interview_on=""), approve_form(intro_course_on=future),
                 approve_form(confidentiality_signed_on="not a date")):
        response = client.post(f"/applicants/{applicant.id}/approve", data=data)
        assert response.status_code == 200
        assert db.session.get(Guide, applicant.id).status == GuideStatus.APPLIED


def test_rejecting_needs_a_reason_which_stays_out_of_the_audit_log(client, db, logged_in, applicant):
    response = client.post(f"/applicants/{applicant.id}/reject", data={"reason": ""})
    assert response.status_code == 200
    assert db.session.get(Guide, applicant.id).status == GuideStatus.APPLIED

    client.post(f"/applicants/{applicant.id}/reject", data={"reason": "Did not come to the interview"})
    guide = db.session.get(Guide, applicant.id)
    assert guide.status == GuideStatus.REJECTED
    assert guide.rejection_reason == "Did not come to the interview"
    event = db.session.query(AuditEvent).filter_by(action="guide_rejected", object_id=guide.id).one()
    assert "interview" not in str(event.details)


def test_an_unconfirmed_sign_up_cannot_be_approved(client, db, branch, logged_in):
    guide = factories.make_guide(branch, status=GuideStatus.UNCONFIRMED)
    response = client.post(f"/applicants/{guide.id}/approve", data=approve_form())
    assert response.status_code == 200
    assert db.session.get(Guide, guide.id).status == GuideStatus.UNCONFIRMED


def test_another_branch_applicant_is_not_found(client, db, logged_in):
    other = factories.make_guide(factories.make_branch(), status=GuideStatus.APPLIED)
    assert client.get(f"/applicants/{other.id}").status_code == 404
    assert client.post(f"/applicants/{other.id}/approve", data=approve_form()).status_code == 404
    assert db.session.get(Guide, other.id).status == GuideStatus.APPLIED


def test_a_guide_is_approved_only_when_certainly_18_on_the_day_of_approval(db, applicant):
    from guidematch.services import applicants
    from guidematch.services.errors import DomainError

    applicant.birth_year = 2008
    credentials = applicants.Credentials(date(2026, 1, 10), date(2026, 1, 20), date(2026, 1, 20))
    with pytest.raises(DomainError) as refused:
        applicants.approve_guide(applicant, credentials, today=date(2026, 12, 31))
    assert refused.value.field == "birth_year" and "2007" in refused.value.message
    assert applicant.status == GuideStatus.APPLIED
    applicants.approve_guide(applicant, credentials, today=date(2027, 1, 1))
    assert applicant.status == GuideStatus.AVAILABLE
