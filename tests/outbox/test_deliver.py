"""`flask outbox deliver` sends every due email once, retries failures later, loses nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from guidematch.models import OutboxMessage
from guidematch.services import clock, outbox
from guidematch.vocabulary import OutboxStatus
from tests.smtp import SmtpServer, html_part, mail_config, text_part


def queue(db, n: int = 1, **fields) -> list[OutboxMessage]:
    messages = [OutboxMessage(to_address=fields.get("to_address", f"person{i}@example.org"),
                              to_name=fields.get("to_name", f"Person {i}"),
                              subject=fields.get("subject", f"Message {i}"),
                              body_text=f"Plain text {i}", body_html=f"<p>HTML {i}</p>")
                for i in range(n)]
    db.session.add_all(messages)
    db.session.commit()
    return messages


def statuses(db) -> list[str]:
    db.session.expire_all()
    return [m.status.value for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


class TestWithoutMailServer:
    def test_nothing_is_sent_and_nothing_lost(self, db, runner):
        queue(db, 2)
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 0, result.output
        assert "2 waiting" in result.output and "MAIL_SERVER is not set" in result.output
        assert statuses(db) == ["queued", "queued"]
        assert [m.attempts for m in db.session.scalars(select(OutboxMessage))] == [0, 0]


class TestWithMailServer:
    @pytest.fixture
    def app_config(self, app_config, smtp_server):
        return {**app_config, **mail_config(smtp_server.port)}

    def test_sends_text_and_html_once_and_marks_it_sent(self, db, runner, smtp_server):
        [message] = queue(db, 1, to_address="kari@example.org", to_name="Kari Nordmann",
                          subject="Bekreft e-postadressen din")
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 0, result.output
        assert "Sent 1" in result.output

        [received] = smtp_server.messages
        assert received["To"] == "Kari Nordmann <kari@example.org>"
        assert received["Subject"] == "Bekreft e-postadressen din"
        assert text_part(received).strip() == "Plain text 0"
        assert "<p>HTML 0</p>" in html_part(received)
        db.session.refresh(message)
        assert message.status == OutboxStatus.SENT and message.sent_at is not None
        assert message.attempts == 1

        runner.invoke(args=["outbox", "deliver"])
        assert len(smtp_server.messages) == 1  # never twice

    def test_a_long_html_line_arrives_whole(self, db, smtp_server):
        """SMTP allows 998 characters a line; bodies are quoted-printable, so longer HTML lines still go."""
        buttons = "".join(f'<a href="https://example.org/log/{"x" * 150}{i}" style="padding: 1rem">{i} timer</a>'
                          for i in range(6))
        [message] = queue(db, 1)
        message.body_html, message.body_text = f"<p>{buttons}</p>", "Hei på deg, æøå " + "y" * 1200
        db.session.commit()
        report = outbox.deliver()
        assert (report.sent, report.retrying) == (1, 0)
        [received] = smtp_server.messages
        assert buttons in html_part(received)
        assert text_part(received).startswith("Hei på deg, æøå yyy")

    def test_an_invitation_arrives_with_its_calendar_file_and_the_branchs_reply_address(
            self, db, branch, smtp_server):
        import base64

        branch.contact_email = "tromso@rodekors.example"
        ics = "BEGIN:VCALENDAR\r\nSUMMARY:Møte på Tromsøya\r\nEND:VCALENDAR\r\n".encode()
        [message] = queue(db, 1)
        message.branch_id = branch.id
        message.attachments = [{"filename": "moete.ics",
                                "content_type": "text/calendar; method=REQUEST",
                                "data": base64.b64encode(ics).decode("ascii")}]
        db.session.commit()
        assert outbox.deliver().sent == 1
        [received] = smtp_server.messages
        assert received["Reply-To"] == "tromso@rodekors.example"
        assert received["From"] == "guidematch@rodekors.example"
        [calendar] = list(received.iter_attachments())
        assert calendar.get_filename() == "moete.ics"
        assert calendar.get_content_type() == "text/calendar"
        assert calendar.get_param("method") == "REQUEST"
        assert calendar.get_payload(decode=True) == ics
        assert text_part(received).strip() == "Plain text 0"

    def test_an_address_with_a_norwegian_domain_is_delivered(self, db, smtp_server):
        queue(db, 1, to_address="ola@bølle.no", to_name="Ola Ås")
        assert outbox.deliver().sent == 1
        [received] = smtp_server.messages
        assert received["To"].addresses[0].addr_spec == "ola@xn--blle-gra.no"
        assert received["To"].addresses[0].display_name == "Ola Ås"

    def test_a_line_break_in_a_header_is_refused_not_sent(self, db, smtp_server):
        [message] = queue(db, 1, subject="Hei\r\nBcc: everyone@example.org")
        report = outbox.deliver()
        db.session.refresh(message)
        assert (report.sent, report.retrying) == (0, 1) and message.status == OutboxStatus.QUEUED
        assert smtp_server.messages == []

    def test_limit_sends_only_that_many(self, db, runner, smtp_server):
        queue(db, 3)
        runner.invoke(args=["outbox", "deliver", "--limit", "2"])
        assert len(smtp_server.messages) == 2
        assert statuses(db) == ["sent", "sent", "queued"]

    def test_messages_not_yet_due_wait(self, db, smtp_server):
        [message] = queue(db, 1)
        message.next_attempt_at = clock.now() + timedelta(minutes=5)
        db.session.commit()
        assert outbox.deliver().sent == 0
        assert smtp_server.messages == []

    def test_a_refused_recipient_is_retried_later_then_given_up(self, db, smtp_server):
        async def refuse(server, session, envelope, address, rcpt_options):
            return "550 5.1.1 <nobody@example.org>: no such user"
        smtp_server.recorder.handle_RCPT = refuse
        [message] = queue(db, 1, to_address="nobody@example.org")
        now = clock.now()

        report = outbox.deliver(now=now)
        db.session.refresh(message)
        assert report.retrying == 1 and message.status == OutboxStatus.QUEUED
        assert message.attempts == 1
        assert message.next_attempt_at == now + outbox.RETRY_DELAYS[0]
        assert "550" in message.last_error and "nobody" not in message.last_error

        delays = []
        while message.status == OutboxStatus.QUEUED:
            previous = message.next_attempt_at
            outbox.deliver(now=previous)
            db.session.refresh(message)
            if message.status == OutboxStatus.QUEUED:
                delays.append(message.next_attempt_at - previous)
        assert delays == sorted(delays) and delays[-1] > delays[0]  # growing delays
        assert message.status == OutboxStatus.FAILED
        assert message.attempts == outbox.MAX_ATTEMPTS
        assert smtp_server.messages == []

    def test_an_abandoned_claim_is_sent_after_its_lease(self, db, smtp_server):
        """A deliverer that crashed mid-send leaves its claim; the next run takes it over."""
        [message] = queue(db, 1)
        now = clock.now()
        message.status, message.attempts = OutboxStatus.SENDING, 1
        message.next_attempt_at = now + outbox.LEASE
        db.session.commit()

        assert outbox.deliver(now=now).sent == 0  # still leased to the other deliverer
        assert outbox.deliver(now=now + outbox.LEASE + timedelta(seconds=1)).sent == 1
        assert len(smtp_server.messages) == 1
        db.session.refresh(message)
        assert message.status == OutboxStatus.SENT and message.attempts == 2

    def test_an_abandoned_claim_is_resent_once_then_given_up_on(self, db, runner, smtp_server):
        """A message whose resend's run died too (one that crashes the deliverer) goes no more."""
        [message] = queue(db, 1)
        later = clock.now() + outbox.LEASE + timedelta(seconds=1)
        message.status, message.attempts = OutboxStatus.SENDING, 1
        message.next_attempt_at = clock.now()  # its lease ran out: the run that claimed it died
        db.session.commit()

        claimed, again = outbox.claim_next(clock.now())
        assert again and claimed.last_error == outbox.INTERRUPTED  # sent again, once
        db.session.commit()
        report = outbox.deliver(now=later)  # its run died too: found "sending" a second time
        db.session.refresh(message)
        assert (report.sent, report.failed) == (0, 1)
        assert message.status == OutboxStatus.FAILED
        assert message.last_error == outbox.INTERRUPTED_TWICE and message.can_retry
        assert smtp_server.messages == []

    def test_every_attempt_carries_the_same_message_id(self, db, smtp_server):
        [message] = queue(db, 1)
        first = outbox.build_message(message)["Message-ID"]
        assert first == outbox.build_message(message)["Message-ID"]
        outbox.deliver()
        assert smtp_server.messages[0]["Message-ID"] == first

    def test_the_message_id_names_the_row_and_the_sites_host(self, app, db, smtp_server,
                                                            monkeypatch):
        first, second = queue(db, 2)
        monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://guidematch.rodekors.example")
        ids = [outbox.message_id(first), outbox.message_id(second)]
        assert ids[0].startswith(f"<outbox.{first.id}.") and ids[0] != ids[1]
        assert all(i.endswith("@guidematch.rodekors.example>") for i in ids)

    def test_a_run_with_refused_messages_says_so_and_exits_3(self, db, runner, smtp_server):
        async def refuse(server, session, envelope, address, rcpt_options):
            if address.startswith("nobody"):
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"
        smtp_server.recorder.handle_RCPT = refuse
        queue(db, 1, to_address="nobody@example.org")
        queue(db, 1, to_address="kari@example.org")
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 3, result.output
        assert "Sent 1, deferred 1, gave up on 0; 1 waiting" in result.output
        assert "1 messages tried were not sent" in result.output
        assert len(smtp_server.messages) == 1


class TestSmtpOutage:
    @pytest.fixture
    def later_server(self):
        server = SmtpServer()  # made, not started: its port has no listener yet
        yield server
        if server.controller._thread is not None:
            server.controller.stop()

    @pytest.fixture
    def app_config(self, app_config, later_server):
        return {**app_config, **mail_config(later_server.port)}

    def test_mail_waits_through_an_outage_and_goes_once_when_it_ends(self, db, runner, later_server):
        queue(db, 3)
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 1 and "unreachable" in result.output
        assert statuses(db) == ["queued"] * 3
        # An outage costs no attempts: the messages are not pushed back or given up.
        assert [m.attempts for m in db.session.scalars(select(OutboxMessage))] == [0, 0, 0]

        later_server.controller.start()
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 0, result.output
        runner.invoke(args=["outbox", "deliver"])
        assert sorted(m["Subject"] for m in later_server.messages) == ["Message 0", "Message 1", "Message 2"]
        assert statuses(db) == ["sent"] * 3
