"""The coordinator's Outbox page: emails queued, sent and failed, and a retry button."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func
from sqlalchemy.orm import load_only

from guidematch import safe_input
from guidematch.extensions import db
from guidematch.form_errors import flash_error
from guidematch.models import OutboxMessage
from guidematch.scoping import branch_select, get_in_branch_or_404
from guidematch.services import outbox
from guidematch.services.errors import DomainError
from guidematch.vocabulary import OutboxStatus

bp = Blueprint("outbox", __name__, url_prefix="/outbox")
PAGE_SIZE = 100
# The list prints these; bodies and attachments (an invitation's .ics) stay in the database.
LISTED = load_only(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject,
                   OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.next_attempt_at,
                   OutboxMessage.last_error, OutboxMessage.sent_at, OutboxMessage.created_at,
                   OutboxMessage.branch_id)


@bp.route("")
@login_required
def index():
    """List the branch's emails, newest first, filtered by status."""
    status = request.args.get("status", "")
    stmt = branch_select(OutboxMessage)
    if status in set(OutboxStatus):
        stmt = stmt.where(OutboxMessage.status == status)
    else:
        status = ""
    page = safe_input.page_number(request.args)
    messages = db.session.scalars(stmt.options(LISTED).order_by(OutboxMessage.created_at.desc(),
                                                                 OutboxMessage.id.desc())
                                  .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    counts = dict(db.session.execute(
        branch_select(OutboxMessage).with_only_columns(OutboxMessage.status, func.count())
        .group_by(OutboxMessage.status)).all())
    return render_template("outbox/index.html", messages=messages[:PAGE_SIZE], status=status,
                           page=page, has_next=len(messages) > PAGE_SIZE, counts=counts,
                           statuses=list(OutboxStatus), mail_configured=outbox.mail_configured())


@bp.route("/<int:message_id>")
@login_required
def show(message_id: int):
    """Show one email as it was written, with its delivery history."""
    message = get_in_branch_or_404(OutboxMessage, message_id)
    return render_template("outbox/show.html", message=message, max_attempts=outbox.MAX_ATTEMPTS)


@bp.route("/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int):
    """Queue a failed or waiting email for the next delivery run."""
    message = get_in_branch_or_404(OutboxMessage, message_id)
    try:
        outbox.retry(message)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("The email will be sent in the next delivery run."), "success")
    return redirect(url_for("outbox.show", message_id=message.id))
