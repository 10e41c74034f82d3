"""A volunteer signs up as a guide, confirms the address by email, and reaches the coordinator."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from guidematch.models import AuditEvent, Consent, Guide, OutboxMessage
from guidematch.services import outbox
from guidematch.vocabulary import ConsentKind, GuideStatus, OutboxStatus
from tests import factories
from tests.signup.conftest import guide_form
from tests.smtp import links_in, mail_config


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **mail_config(smtp_server.port)}


def test_the_form_has_every_profile_field_named_as_in_the_csv(client, branch):
    page = client.get("/signup/guide").get_data(as_text=True)
    for column in ("first_name", "last_name", "email", "phone", "gender", "gender_preference",
                   "birth_year", "languages", "interests", "activities", "family_situation",
                   "availability", "district", "lat", "lon", "education_level", "occupation",
                   "has_car", "has_pets", "capacity", "motivation", "consent", "commitment"):
        assert f'name="{column}"' in page, column
    assert "9 to 12 months" in page or "9 til 12 måneder" in page
    assert 'href="/privacy"' in page


def test_signup_confirm_by_email_and_the_coordinator_sees_the_applicant(
        client, db, branch, coordinator, auth, smtp_server):
    response = client.post("/signup/guide", data=guide_form())
    assert response.status_code == 302 and response.location.startswith("/signup/thanks")

    guide = db.session.scalar(select(Guide))
    assert guide.status == GuideStatus.UNCONFIRMED and guide.email_confirmed_at is None
    assert guide.languages == ("nb", "en") and guide.has_car and guide.birth_year == 1985
    consents = db.session.scalars(select(Consent).where(Consent.guide_id == guide.id)).all()
    assert {c.kind for c in consents} == {ConsentKind.PRIVACY, ConsentKind.COMMITMENT}
    assert any(c.text_version.startswith("guide-commitment-2:9-12:120") for c in consents)

    # Unconfirmed: not on the coordinator's list yet.
    auth.login()
    assert "Nordmann" not in client.get("/applicants").get_data(as_text=True)
    auth.logout()

    assert outbox.deliver().sent == 1
    [mail] = smtp_server.to("kari@example.org")
    [link] = [url for url in links_in(mail) if "/signup/confirm/" in url]
    path = link.split("localhost", 1)[1]

    page = client.get(path)
    assert page.status_code == 200 and "Kari" in page.get_data(as_text=True)
    db.session.refresh(guide)
    assert guide.email_confirmed_at is None  # opening the link (a mail scanner) confirms nothing
    assert client.post(path).status_code == 200
    db.session.refresh(guide)
    assert guide.status == GuideStatus.APPLIED and guide.email_confirmed_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email_confirmed"))

    auth.login()
    response = client.get("/applicants")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    applicants = response.get_data(as_text=True)
    assert "Kari Nordmann" in applicants


def test_a_used_link_gets_a_clear_page(client, db, branch, smtp_server):
    client.post("/signup/guide", data=guide_form())
    outbox.deliver()
    [link] = [u for u in links_in(smtp_server.messages[0]) if "/signup/confirm/" in u]
    path = link.split("localhost", 1)[1]
    client.post(path)
    again = client.get(path)
    assert again.status_code == 200
    assert "already confirmed" in again.get_data(as_text=True) or "allerede bekreftet" in again.get_data(as_text=True)


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "nonsense", lambda t: t[5:]])
def test_a_tampered_link_gets_a_clear_page(client, db, branch, mangle):
    client.post("/signup/guide", data=guide_form())
    message = db.session.scalar(select(OutboxMessage))
    token = message.body_text.split("/signup/confirm/", 1)[1].split("?")[0].split()[0]
    response = client.get(f"/signup/confirm/{mangle(token)}")
    assert response.status_code == 404
    assert "link" in response.get_data(as_text=True).lower()
    assert client.post(f"/signup/confirm/{mangle(token)}").status_code == 404
    assert db.session.scalar(select(Guide)).status == GuideStatus.UNCONFIRMED


def test_an_expired_link_says_how_to_get_a_new_one(client, db, branch, monkeypatch):
    client.post("/signup/guide", data=guide_form())
    message = db.session.scalar(select(OutboxMessage))
    link = message.body_text.split("http://localhost", 1)[1].split()[0]
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 8 * 24 * 3600)
    response = client.get(link)
    assert response.status_code == 410
    assert db.session.scalar(select(Guide)).status == GuideStatus.UNCONFIRMED


def page_text(client, url: str) -> str:
    """The page as a person reads it (CSRF tokens carry a timestamp, so they are left out)."""
    return re.sub(r'value="[^"]*"', "", client.get(url).get_data(as_text=True))


def test_a_known_email_gets_the_same_answer_and_no_duplicate(client, db, branch):
    factories.make_guide(branch, email="kari@example.org", status=GuideStatus.AVAILABLE,
                         email_confirmed_at=None)
    first = client.post("/signup/guide", data=guide_form(email="new@example.org"))
    known = client.post("/signup/guide", data=guide_form(email="Kari@Example.org"))
    assert first.status_code == known.status_code == 302
    assert first.location == known.location
    assert page_text(client, known.location) == page_text(client, first.location)

    assert db.session.query(Guide).filter_by(email="kari@example.org").count() == 1
    templates = {m.to_address: m.template for m in db.session.scalars(select(OutboxMessage))}
    assert templates == {"new@example.org": "confirm_guide", "kari@example.org": "already_registered"}

    # Asking again the same day sends nothing more: the form can't flood an inbox.
    client.post("/signup/guide", data=guide_form(email="kari@example.org"))
    assert db.session.query(OutboxMessage).filter_by(to_address="kari@example.org").count() == 1


def test_an_unconfirmed_email_signing_up_again_gets_a_new_link(client, db, branch):
    client.post("/signup/guide", data=guide_form())
    client.post("/signup/guide", data=guide_form())
    assert db.session.query(Guide).count() == 1
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.template for m in messages] == ["confirm_guide", "confirm_guide"]
    assert messages[0].dedupe_key is None and messages[1].dedupe_key.startswith("confirm:guide:")


def test_the_person_chooses_the_language_of_their_emails(client, db, branch):
    client.post("/signup/guide", data=guide_form(locale="uk"))
    message = db.session.scalar(select(OutboxMessage))
    assert db.session.scalar(select(Guide)).locale == "uk"
    assert message.locale == "uk"


def test_signups_succeed_while_smtp_is_down_and_go_once_it_is_back(db, branch, app_config):
    from guidematch import create_app
    from tests.smtp import SmtpServer

    server = SmtpServer()  # its port has no listener until it is started below
    down_app = create_app({**app_config, **mail_config(server.port)})
    client = down_app.test_client()
    with down_app.app_context():
        for i in range(3):
            assert client.post("/signup/guide", data=guide_form(email=f"g{i}@example.org")).status_code == 302
        report = outbox.deliver()
        assert report.sent == 0 and "unreachable" in report.error and report.waiting == 3
        server.controller.start()
        try:
            assert outbox.deliver().sent == 3
            assert outbox.deliver().sent == 0
        finally:
            server.controller.stop()
    assert sorted(str(m["To"]) for m in server.messages) == [
        "Kari <g0@example.org>", "Kari <g1@example.org>", "Kari <g2@example.org>"]
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}
