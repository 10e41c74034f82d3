"""Deliver the outbox: claim what is due, send it over SMTP, record the outcome.

One message at a time, each step committed on its own:
1. claim: status `sending`, attempts + 1, `next_attempt_at` pushed ahead as a
   lease (PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED`, then a compare-and-set
   UPDATE that also keeps SQLite, which has one writer, safe), committed;
2. hand it to the SMTP server;
3. mark it `sent` (or reschedule it with a growing delay), committed at once.
So two deliverers on two hosts never hold the same message at once, and a
crash can leave at most the one message in hand unrecorded.

The choice for a crash between the SMTP server's "250 OK" and the commit of
step 3: **at least once**. The message stays `sending`; when its lease has run
out a later run claims it again, sends it once more and counts it
(`DeliveryReport.resent`); found `sending` a second time, it is given up on
(failed, for a coordinator to retry), so a message that kills the deliverer
cannot go out again and again. Losing a refugee's confirmation is worse than a rare
duplicate. A server that stops in the middle of a message can also have
accepted it without our hearing its "250": that message is retried and may
arrive twice. Either way it is at most one message per crash or outage (the
fault tests in tests/outbox/test_delivery_faults.py count it).

Every attempt carries the same Message-ID, made from the row (id and creation
time) and the site's host name (`PUBLIC_BASE_URL`). What a receiver does with a
repeated Message-ID is up to it: some servers and mailbox stores drop a second
message with an ID they already hold (Gmail is known to), many mail clients show
such copies as one; others deliver both. It makes the copy recognisable, not
impossible.

Sending never starts without a working SMTP connection, so an outage costs no
attempts: messages simply wait. Sending uses the standard library only:
`email.message.EmailMessage` with quoted-printable bodies (SMTP allows 998
characters a line, and an HTML email of link buttons has longer lines) and
`smtplib` with a timeout shorter than the lease. The MAIL_* settings keep the
names Flask-Mail gave them.
"""
from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from guidematch import unit_of_work
from guidematch.extensions import db
from guidematch.models import Branch, OutboxMessage
from guidematch.services import audit, clock
from guidematch.services.errors import DomainError
from guidematch.vocabulary import OutboxStatus

log = logging.getLogger(__name__)

# Delay before the next try after the n-th failed attempt; FAILED after MAX_ATTEMPTS.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=6), timedelta(hours=12), timedelta(hours=24),
)
MAX_ATTEMPTS = 8
# How long a claimed message is left alone before it counts as abandoned (a crashed
# deliverer). Far longer than one SMTP exchange can take (MAIL_TIMEOUT, 30 s).
LEASE = timedelta(minutes=15)
DEFAULT_SMTP_TIMEOUT = 30
DUE_STATUSES = (OutboxStatus.QUEUED, OutboxStatus.SENDING)
DEFAULT_SENDER = "guidematch@localhost"
# `last_error` of a message whose sending run died; shown on the Outbox page as it is.
INTERRUPTED = "Interrupted: the run sending it stopped; sent again"
INTERRUPTED_TWICE = "Interrupted twice: not sent again (it may have arrived); retry by hand"


@dataclass
class DeliveryReport:
    """What one `deliver` run did."""

    sent: int = 0
    resent: int = 0     # of `sent`: found `sending`, left by a run that died, and sent again
    retrying: int = 0   # deferred: tried, not sent, queued for a later attempt
    failed: int = 0     # given up on after MAX_ATTEMPTS
    waiting: int = 0
    error: str = ""  # why the run stopped early (no server, server unreachable or gone)
    sent_ids: list[int] = field(default_factory=list)

    @property
    def left_unsent(self) -> int:
        """Return how many messages this run tried and did not send."""
        return self.retrying + self.failed


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after `attempts` failed attempts."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def mail_configured() -> bool:
    config = current_app.config
    return bool(config.get("MAIL_SERVER")) and not config.get("MAIL_SUPPRESS_SEND")


def count_due(now: datetime | None = None) -> int:
    now = now or clock.now()
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)) or 0


def count_waiting() -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status.in_(DUE_STATUSES))) or 0


def open_smtp() -> smtplib.SMTP:
    """Connect to the MAIL_SERVER, with a timeout so a stuck server can't outlast the lease."""
    config = current_app.config
    timeout = config.get("MAIL_TIMEOUT", DEFAULT_SMTP_TIMEOUT)
    server, port = config["MAIL_SERVER"], config.get("MAIL_PORT", 25)
    tls = ssl.create_default_context()  # refugees' data: the relay's certificate is checked
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(server, port, timeout=timeout, context=tls)
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=tls)
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def deliver(limit: int | None = None, now: datetime | None = None) -> DeliveryReport:
    """Send due messages (at most `limit`), committing each outcome as it happens.

    Each step is a transaction of its own (unit_of_work.transaction): it is the body
    of `flask outbox deliver`, not part of a request, and claims must be short.
    """
    report = DeliveryReport()
    if not mail_configured():
        report.waiting = count_waiting()
        report.error = "MAIL_SERVER is not set: messages wait in the outbox."
        return report
    # Also ends what the caller had open: no transaction is held while connecting.
    with unit_of_work.transaction():
        due = count_due(now)
        if not due:
            report.waiting = count_waiting()
    if not due:
        return report
    try:
        connection = open_smtp()
    except (OSError, smtplib.SMTPException) as exc:
        report.waiting = count_waiting()
        report.error = f"SMTP server unreachable ({_describe(exc)}): nothing was sent."
        log.warning("Outbox: %s", report.error)
        return report
    try:
        while limit is None or report.sent + report.retrying + report.failed < limit:
            claimed = claim_next(now or clock.now(), report)
            if claimed is None:
                break
            message, again = claimed
            if not _send_one(connection, message, report, now, again):
                report.error = "The SMTP server went away during the run: the rest waits."
                log.warning("Outbox: %s", report.error)
                break
    finally:
        _close(connection)
    with unit_of_work.transaction():
        report.waiting = count_waiting()
    return report


def claim_next(now: datetime, report: DeliveryReport | None = None
               ) -> tuple[OutboxMessage, bool] | None:
    """Claim the most overdue message, in a transaction of its own; say if it is a resend.

    A message found `sending` (its lease ran out) was claimed by a run that died
    before recording the outcome: the server may or may not have it. It is sent
    again once. Found `sending` a second time (the resend's run died too, as a
    message that crashes the deliverer would make it), it is given up on and
    shown as failed, so no message goes out more than twice.
    """
    lost_races = 0
    while lost_races < 5:  # another deliverer may win the compare-and-set; try the next row
        with unit_of_work.transaction():
            candidate = db.session.execute(
                select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts,
                       OutboxMessage.last_error)
                .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if candidate is None:
                return None  # ends the transaction: it only read
            again = candidate.status == OutboxStatus.SENDING
            twice = again and candidate.last_error == INTERRUPTED
            values = ({"status": OutboxStatus.FAILED, "last_error": INTERRUPTED_TWICE} if twice
                      else {"status": OutboxStatus.SENDING, "attempts": candidate.attempts + 1,
                            "next_attempt_at": now + LEASE,
                            "last_error": INTERRUPTED if again else candidate.last_error})
            claimed = db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == candidate.id, OutboxMessage.status == candidate.status,
                       OutboxMessage.attempts == candidate.attempts)
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
        if claimed == 1 and twice:
            log.warning("Outbox message %s given up on: %s", candidate.id, INTERRUPTED_TWICE)
            if report is not None:
                report.failed += 1
            continue
        if claimed == 1:
            message = db.session.get(OutboxMessage, candidate.id, populate_existing=True)
            return message, again
        lost_races += 1
    return None


def _send_one(connection: smtplib.SMTP, message: OutboxMessage, report: DeliveryReport,
              now: datetime | None, again: bool = False) -> bool:
    """Send one claimed message and record the outcome; False when the connection broke."""
    try:
        connection.send_message(build_message(message), from_addr=parseaddr(_sender())[1],
                                to_addrs=[ascii_domain(message.to_address)])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
            smtplib.SMTPNotSupportedError, UnicodeError, ValueError) as exc:
        # ValueError: a header with a line break (header injection), a malformed address.
        _reschedule(message, exc, report, now)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        _reschedule(message, exc, report, now)
        return False
    with unit_of_work.transaction():
        message.status = OutboxStatus.SENT
        message.sent_at = clock.now()
        message.last_error = ""
    report.sent += 1
    report.resent += again
    report.sent_ids.append(message.id)
    if again:
        log.info("Outbox message %s sent again: the run that claimed it did not finish",
                 message.id)
    return True


def _reschedule(message: OutboxMessage, exc: Exception, report: DeliveryReport,
                now: datetime | None) -> None:
    with unit_of_work.transaction():
        message.last_error = _describe(exc)
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            report.failed += 1
        else:
            message.status = OutboxStatus.QUEUED
            message.next_attempt_at = (now or clock.now()) + retry_delay(message.attempts)
            report.retrying += 1
    log.warning("Outbox message %s not sent (attempt %s): %s", message.id, message.attempts,
                message.last_error)


def _describe(exc: Exception) -> str:
    """Name the failure without the addresses or text a server echoes back."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(c) for c, _ in exc.recipients.values()})
        return f"{type(exc).__name__} {','.join(codes)}"
    if code is not None:
        return f"{type(exc).__name__} {code}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{type(exc).__name__} errno {exc.errno}"
    return type(exc).__name__


def ascii_domain(address: str) -> str:
    """Return the address with its domain in IDNA form (ola@xn--blle-gra.no), as SMTP wants."""
    local, at, domain = address.rpartition("@")
    try:
        return f"{local}{at}{domain.encode('idna').decode('ascii')}" if at else address
    except UnicodeError:  # not a domain IDNA can write: the server will say so
        return address


def _sender() -> str:
    return current_app.config.get("MAIL_DEFAULT_SENDER") or DEFAULT_SENDER


def build_message(message: OutboxMessage) -> EmailMessage:
    """Return the email for an outbox row: text and HTML alternatives, then any attachments."""
    mail = EmailMessage(policy=policy.SMTP)
    sender = _sender()
    mail["From"] = sender
    to_address = ascii_domain(message.to_address)
    mail["To"] = Address(message.to_name, addr_spec=to_address) if message.to_name else to_address
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = message_id(message)
    for name, value in (message.headers or {}).items():  # List-Unsubscribe, Auto-Submitted
        mail[name] = value
    if message.branch_id:
        branch = db.session.get(Branch, message.branch_id)
        if branch is not None and branch.contact_email:
            mail["Reply-To"] = branch.contact_email
    mail.set_content(message.body_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html", charset="utf-8",
                             cte="quoted-printable")
    for item in message.attachments or []:
        content_type = policy.default.header_factory("Content-Type", item["content_type"])
        mail.add_attachment(base64.b64decode(item["data"]), maintype=content_type.maintype,
                            subtype=content_type.subtype, filename=item["filename"],
                            params=dict(content_type.params))
    return mail


def site_host() -> str:
    """Return the deployment's host name (PUBLIC_BASE_URL's, else the sender's domain) for unique ids."""
    host = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or "").hostname
    return host or parseaddr(_sender())[1].rpartition("@")[2] or "localhost"


def message_id(message: OutboxMessage) -> str:
    """Return the row's Message-ID: the same on every attempt, so a resend is the same message."""
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{site_host()}>"


def retry(message: OutboxMessage) -> None:
    """Queue a failed (or waiting) message for the next delivery run."""
    if not message.can_retry:
        raise DomainError(_("This message is sent or being sent; it cannot be retried."))
    message.status = OutboxStatus.QUEUED
    message.next_attempt_at = clock.now()
    audit.record("outbox_retry", message, attempts=message.attempts)
    db.session.flush()
