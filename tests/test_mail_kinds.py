"""Every kind of email, parsed as a mail client parses it; the unsubscribe link and page.

Recurring mail carries List-Unsubscribe (a signed https link) with RFC 8058's
one-click POST, automatic mail Auto-Submitted (RFC 3834), every email a stable
Message-ID and UTF-8 parts; what a person must get has no unsubscribe link.
"""
from __future__ import annotations

import email
import re
from datetime import date, datetime, timezone
from email import policy
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from guidematch import mail_kinds
from guidematch.mail import queue_email
from guidematch.models import AuditEvent, MailOptOut, OutboxMessage
from guidematch.services import applicants, mail_choices, reminders
from guidematch.services.outbox import build_message
from guidematch.vocabulary import GuideStatus, MailKind
from tests import factories
from tests.smtp import mail_config, smtp_server  # noqa: F401  (fixture)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
KINDS = sorted(p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_"))
MEETING_AT = datetime(2027, 1, 7, 17, 0, tzinfo=timezone.utc)  # 18:00 in Oslo


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "PUBLIC_BASE_URL": "https://guide.example.org"}


def context(pairing) -> dict:
    """Every value an email template may print (each template takes what it needs)."""
    meeting = SimpleNamespace(title="Fellesmøte på biblioteket", starts_at=MEETING_AT,
                              location="Storgata 1", description="Kaffe og kaker")
    agreement = SimpleNamespace(intro="Avtale", commitments=["Møtes hver uke"])
    return dict(pairing=pairing, meeting=meeting, agreement=agreement, other_name="Amal",
                week="2027-W01", week_number=1, monday=date(2027, 1, 4), sunday=date(2027, 1, 10),
                clicks=[(60, "https://x/1"), (120, "https://x/2")], form_url="https://x/f",
                minimum=120, survey_url="https://x/s", link_days=14, accept_url="https://x/a",
                confirm_url="https://x/c", url="https://x/r", pairing_url="https://x/p", days=14,
                minutes=60, months=9, side="guide", branch_name="Tromsø",
                contact_email="tromso@example.org", refugee_first_name="Amal",
                digest=SimpleNamespace(at_risk=[], agreements=[SimpleNamespace(
                    pairing=pairing, url="https://x/p", since=date(2027, 1, 4))], evaluations=[]),
                at_risk_url="https://x/risk", agreement_days=7, evaluation_days=14)


def parsed(row: OutboxMessage) -> email.message.EmailMessage:
    """Return the email as a receiving client reads it (bytes on the wire, policy=default)."""
    return email.message_from_bytes(build_message(row).as_bytes(), policy=policy.default)


@pytest.fixture
def pairing(db, branch):
    return factories.make_active_pairing(branch)


def test_every_template_has_a_rule():
    assert set(KINDS) - set(mail_kinds.RULES) == set()


@pytest.mark.parametrize("template", KINDS)
@pytest.mark.parametrize("locale", ["nb", "ar"])
def test_every_kind_of_email_carries_the_headers_of_its_kind(db, pairing, template, locale):
    guide = pairing.guide
    guide.locale = locale
    row = queue_email(to=guide.email, name=guide.first_name, locale=locale, template=template,
                      subject="Subject", branch_id=guide.branch_id, recipient=guide,
                      **context(pairing))
    mail = parsed(row)
    rule = mail_kinds.rule_for(template)
    assert re.fullmatch(r"<outbox\.\d+\.\d{14}@guide\.example\.org>", mail["Message-ID"])
    for part in (mail.get_body(("plain",)), mail.get_body(("html",))):
        assert part.get_content_charset() == "utf-8"
    if rule.kind is None:
        assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    else:
        url = mail["List-Unsubscribe"].strip("<>")
        assert urlsplit(url).scheme == "https" and urlsplit(url).path.startswith("/unsubscribe/")
        assert guide.email not in url
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in mail.get_body(("plain",)).get_content()
    assert (mail["Auto-Submitted"] == "auto-generated") == rule.automatic
    html = mail.get_body(("html",)).get_content()
    assert f'dir="{"rtl" if locale == "ar" else "ltr"}"' in html
    if template == "group_meeting_invitation":
        assert "<bdi>Fellesmøte på biblioteket</bdi>" in html and "<bdi>Storgata 1</bdi>" in html
    if template != "password_reset":
        assert "<bdi>" in html  # a name or the branch, at least


def test_recurring_and_must_get_mail_are_as_the_brief_says():
    recurring = {t for t, r in mail_kinds.RULES.items() if r.kind is not None}
    assert recurring == {"weekly_log_request", "evaluation_request", "group_meeting_invitation"}
    for must in ("confirm_guide", "confirm_refugee", "pairing_agreement", "password_reset"):
        assert mail_kinds.rule_for(must).kind is None
    assert mail_kinds.rule_for("weekly_log_request").automatic
    # Sent only to those invited, whose calendars hold the meeting, whatever they chose since.
    assert mail_kinds.rule_for("group_meeting_cancelled").kind is None
    assert mail_kinds.rule_for("group_meeting_update").kind is None


@pytest.mark.parametrize(("locale", "when"), [
    ("nb", "torsdag 7. januar 2027 kl. 18.00"),
    ("en", "Thursday 7 January 2027 at 18:00"),
    ("uk", "четвер, 7 січня 2027\u202fр. о 18:00"),
    ("ar", "الخميس، 7 يناير 2027 الساعة 6:00 م"),  # CLDR: Arabic writes 12-hour time
])
def test_dates_read_as_each_language_writes_them(db, pairing, locale, when):
    guide = pairing.guide
    row = queue_email(to=guide.email, locale=locale, template="group_meeting_invitation",
                      subject="s", recipient=guide, **context(pairing))
    mail = parsed(row)
    assert when in mail.get_body(("plain",)).get_content()
    assert when in mail.get_body(("html",)).get_content()
    assert "normaltid" not in mail.get_body(("plain",)).get_content()


def test_no_email_template_formats_a_date_its_own_way():
    for path in TEMPLATES.iterdir():
        assert not re.search(r"\|\s*(dateformat|datetimeformat|timeformat)", path.read_text()), path


def weekly(pairing):
    return reminders.weekly_log_request(pairing, "2026-W40", date(2026, 10, 5))


def unsubscribe_path(db) -> str:
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "weekly_log_request"))
    return urlsplit(parsed(row)["List-Unsubscribe"].strip("<>")).path


def test_the_one_click_post_turns_the_kind_off_and_the_next_reminder_is_skipped(client, db, pairing):
    assert weekly(pairing) == 1
    path = unsubscribe_path(db)
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})  # no CSRF token
    assert response.status_code == 200
    guide = pairing.guide
    assert mail_choices.turned_off(guide) == {MailKind.WEEKLY_REMINDERS}
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "mail.turned_off"))
    assert reminders.weekly_log_request(pairing, "2026-W41", date(2026, 10, 12)) == 0
    assert db.session.query(OutboxMessage).filter_by(template="weekly_log_request").count() == 1
    # what they must get still goes
    assert queue_email(to=guide.email, locale="nb", template="pairing_agreement", subject="s",
                       recipient=guide, **context(pairing)) is not None


def test_the_page_shows_a_button_in_the_persons_language_and_changes_nothing(client, db, pairing):
    pairing.guide.locale = "en"
    weekly(pairing)
    page = client.get(unsubscribe_path(db))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stop these emails" in text and "Weekly reminders to log the meetings" in text
    assert db.session.query(MailOptOut).count() == 0


def test_the_page_shows_norwegian_to_a_norwegian_guide(client, db, pairing):
    weekly(pairing)
    text = client.get(unsubscribe_path(db)).get_data(as_text=True)
    assert 'lang="nb"' in text


def test_choices_turn_kinds_off_and_on_again(client, db, pairing):
    weekly(pairing)
    path = unsubscribe_path(db)
    response = client.post(path + "/choices", data={"kinds": ["weekly_reminders"]})
    assert response.status_code == 302
    assert mail_choices.turned_off(pairing.guide) == {MailKind.EVALUATION_REMINDERS,
                                                      MailKind.MEETING_INVITATIONS}
    client.post(path + "/choices", data={"kinds": ["weekly_reminders", "meeting_invitations",
                                                   "evaluation_reminders"]})
    assert mail_choices.turned_off(pairing.guide) == set()


def test_no_box_ticked_turns_every_kind_off(client, db, pairing):
    # A browser posts no `kinds` at all then (found by tests/test_fuzz_input.py: it was a 500).
    weekly(pairing)
    response = client.post(unsubscribe_path(db) + "/choices", data={})
    assert response.status_code == 302
    assert mail_choices.turned_off(pairing.guide) == {
        MailKind.WEEKLY_REMINDERS, MailKind.EVALUATION_REMINDERS, MailKind.MEETING_INVITATIONS}


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "x" + t, lambda t: "garbage"])
def test_a_tampered_link_is_a_plain_404(client, db, pairing, mangle):
    weekly(pairing)
    token = unsubscribe_path(db).rsplit("/", 1)[1]
    for method in (client.get, client.post):
        response = method(f"/unsubscribe/{mangle(token)}")
        assert response.status_code == 404
    assert client.post(f"/unsubscribe/{mangle(token)}/choices", data={}).status_code == 404
    assert db.session.query(MailOptOut).count() == 0


def test_the_coordinator_sees_what_a_person_turned_off(client, db, logged_in, pairing):
    mail_choices.turn_off(pairing.guide, MailKind.MEETING_INVITATIONS)
    db.session.commit()
    page = client.get(f"/guides/{pairing.guide.id}").get_data(as_text=True)
    assert "Invitasjoner til fellesmøter" in page


def test_a_rejected_applicant_gets_a_kind_email_in_their_language(db, branch):
    guide = factories.make_guide(branch, status=GuideStatus.APPLIED, locale="en",
                                 email="ola@example.org")
    applicants.reject_guide(guide, "No police certificate yet")
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "guide_rejected"))
    mail = parsed(row)
    body = mail.get_body(("plain",)).get_content()
    assert mail["To"].addresses[0].addr_spec == "ola@example.org"
    assert "grateful that you want to help" in body
    assert "police" not in body.lower()  # the coordinators' reason stays with them
    assert mail["List-Unsubscribe"] is None and mail["Auto-Submitted"] is None


class TestThroughTheSmtpServer:
    """The headers are stored with the row, so the message a server receives has them."""

    @pytest.fixture
    def app_config(self, app_config, smtp_server):
        return {**app_config, **mail_config(smtp_server.port)}

    def test_a_delivered_reminder_has_its_headers(self, db, runner, pairing, smtp_server):
        assert weekly(pairing) == 1
        db.session.commit()
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 0, result.output
        [received] = smtp_server.messages
        assert received["List-Unsubscribe"].startswith("<https://")
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received["Auto-Submitted"] == "auto-generated"
        row = db.session.scalar(select(OutboxMessage))
        assert received["Message-ID"] == parsed(row)["Message-ID"]


def test_a_persons_data_export_names_the_mail_they_turned_off(db, pairing):
    from guidematch.services import privacy

    mail_choices.turn_off(pairing.refugee, MailKind.EVALUATION_REMINDERS)
    assert privacy.export(pairing.refugee)["emails_turned_off"] == ["evaluation_reminders"]
    assert privacy.export(pairing.guide)["emails_turned_off"] == []
