"""Deliver the outbox: claim what is due, send it over SMTP, record the outcome.

Each message is claimed in a short transaction of its own (PostgreSQL:
`SELECT ... FOR UPDATE SKIP LOCKED`, then a compare-and-set UPDATE that also
keeps SQLite, which has one writer, safe): status `sending`, attempts + 1, and
`next_attempt_at` pushed ahead as a lease. Only then is it sent, and marked
`sent` (or rescheduled with a growing delay) in another short transaction. So
two deliverers on two hosts never hold the same message at once.

The choice for a crash between the SMTP server's "250 OK" and the commit that
marks the message sent: **at least once**. A message left in `sending` when
its lease runs out is claimed again and resent (with the same Message-ID, so
mail clients can fold the copy). Losing a refugee's confirmation is worse than
a rare duplicate, and the window is a single commit. Sending never starts
without a working SMTP connection, so an outage costs no attempts: messages
simply wait.
"""
from __future__ import annotations

import base64
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import charset as email_charset
from email.mime.text import MIMEText

from flask import current_app
from flask_babel import gettext as _
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import func, select, update

from guidematch.extensions import db
from guidematch.models import Branch, OutboxMessage, now_utc
from guidematch.services import audit
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



class OutboxMail(Message):
    """A Flask-Mail message whose text and HTML bodies are quoted-printable.

    Flask-Mail sends UTF-8 bodies unencoded ("8bit"), so a long HTML line (an
    email of link buttons) would go out longer than the 998 characters SMTP
    allows, and servers refuse it. Quoted-printable keeps lines short.
    """

    def _mimetext(self, text, subtype="plain"):
        body_charset = email_charset.Charset("utf-8")
        body_charset.body_encoding = email_charset.QP
        return MIMEText(text, _subtype=subtype, _charset=body_charset)


@dataclass
class DeliveryReport:
    """What one `deliver` run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0
    error: str = ""  # why the run stopped early (no server, server unreachable)
    sent_ids: list[int] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after `attempts` failed attempts."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def mail_configured() -> bool:
    config = current_app.config
    return bool(config.get("MAIL_SERVER")) and not config.get("MAIL_SUPPRESS_SEND")


def count_due(now: datetime | None = None) -> int:
    now = now or now_utc()
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)) or 0


def count_waiting() -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status.in_(DUE_STATUSES))) or 0


class _TimedConnection(Connection):
    """Flask-Mail's connection, with a timeout so a stuck server can't outlast the lease."""

    def configure_host(self):
        timeout = current_app.config.get("MAIL_TIMEOUT", DEFAULT_SMTP_TIMEOUT)
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def deliver(limit: int | None = None, now: datetime | None = None) -> DeliveryReport:
    """Send due messages (at most `limit`), committing each outcome as it happens.

    Commits on its own: it is the body of `flask outbox deliver`, not part of a request.
    """
    report = DeliveryReport()
    db.session.commit()  # start from a clean transaction: claims must be short
    if not mail_configured():
        report.waiting = count_waiting()
        report.error = "MAIL_SERVER is not set: messages wait in the outbox."
        return report
    if not count_due(now):
        report.waiting = count_waiting()
        db.session.commit()
        return report
    try:
        connection = _TimedConnection(current_app.extensions["mail"])
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        db.session.rollback()
        report.waiting = count_waiting()
        report.error = f"SMTP server unreachable ({_describe(exc)}): nothing was sent."
        log.warning("Outbox: %s", report.error)
        return report
    try:
        while limit is None or report.sent + report.retrying + report.failed < limit:
            message = claim_next(now or now_utc())
            if message is None:
                break
            if not _send_one(connection, message, report, now):
                break  # the connection is gone; the rest waits for the next run
    finally:
        try:
            connection.__exit__(None, None, None)
        except (OSError, smtplib.SMTPException):
            pass
    report.waiting = count_waiting()
    db.session.commit()
    return report


def claim_next(now: datetime) -> OutboxMessage | None:
    """Claim the most overdue message for this deliverer, in a transaction of its own."""
    for _attempt in range(5):  # another deliverer may win the compare-and-set; try the next row
        candidate = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts)
            .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if candidate is None:
            db.session.rollback()
            return None
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == candidate.id, OutboxMessage.status == candidate.status,
                   OutboxMessage.attempts == candidate.attempts)
            .values(status=OutboxStatus.SENDING, attempts=candidate.attempts + 1,
                    next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed == 1:
            message = db.session.get(OutboxMessage, candidate.id, populate_existing=True)
            return message
    return None


def _send_one(connection: Connection, message: OutboxMessage, report: DeliveryReport,
              now: datetime | None) -> bool:
    """Send one claimed message and record the outcome; False when the connection broke."""
    try:
        connection.send(build_message(message))
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
            smtplib.SMTPNotSupportedError, BadHeaderError, UnicodeError, ValueError) as exc:
        _reschedule(message, exc, report, now)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        _reschedule(message, exc, report, now)
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = now_utc()
    message.last_error = ""
    db.session.commit()
    report.sent += 1
    report.sent_ids.append(message.id)
    return True


def _reschedule(message: OutboxMessage, exc: Exception, report: DeliveryReport,
                now: datetime | None) -> None:
    message.last_error = _describe(exc)
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        report.failed += 1
    else:
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = (now or now_utc()) + retry_delay(message.attempts)
        report.retrying += 1
    db.session.commit()
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


def build_message(message: OutboxMessage) -> Message:
    """Return the Flask-Mail message for an outbox row (text and HTML, attachments)."""
    recipient = (message.to_name, message.to_address) if message.to_name else message.to_address
    mail = OutboxMail(subject=message.subject, recipients=[recipient], body=message.body_text,
                      html=message.body_html or None, charset="utf-8")
    # The same Message-ID on every attempt: a copy sent after a crash is recognisably one.
    sender = str(mail.sender or "guidematch@localhost")
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    mail.msgId = f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"
    if message.branch_id:
        branch = db.session.get(Branch, message.branch_id)
        if branch is not None and branch.contact_email:
            mail.reply_to = branch.contact_email
    for item in message.attachments or []:
        mail.attach(item["filename"], item["content_type"], base64.b64decode(item["data"]))
    return mail


def retry(message: OutboxMessage) -> None:
    """Queue a failed (or waiting) message for the next delivery run."""
    if not message.can_retry:
        raise DomainError(_("This message is sent or being sent; it cannot be retried."))
    message.status = OutboxStatus.QUEUED
    message.next_attempt_at = now_utc()
    audit.record("outbox_retry", message, attempts=message.attempts)
    db.session.flush()
