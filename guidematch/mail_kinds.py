"""What kind each email is: recurring (a person may turn it off), automatic, or one they must get.

The rule is kept per template, in one table, and read by the one mail path
(`mail.queue_email`), which adds the headers and skips a person who turned the
kind off:
- recurring mail (weekly log requests, evaluation reminders, group-meeting
  invitations) carries `List-Unsubscribe` (a signed https link to the unsubscribe
  page) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so a
  mail client's "unsubscribe" button works without opening a page;
- automatic mail (sent by the scheduled jobs, or in answer to a form a visitor
  filled in) carries `Auto-Submitted: auto-generated` (RFC 3834), so out-of-office
  replies are not sent back to the branch. Mail a coordinator sends by deciding
  something (the agreement, an approval, a rejection) does not: a reply saying
  "I am away until Monday" is news to them;
- everything else (confirmations, the agreement, password resets, receipts) has
  no kind: nobody can turn it off, and it carries no List-Unsubscribe.
"""
from __future__ import annotations

from dataclasses import dataclass

from guidematch.labels import ENUM_LABELS
from guidematch.vocabulary import MailKind, Respondent

ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class MailRule:
    kind: MailKind | None = None  # recurring mail a person may turn off; None: they must get it
    automatic: bool = True  # made by the system, not sent by a coordinator's decision


MUST = MailRule()
BY_COORDINATOR = MailRule(automatic=False)

RULES: dict[str, MailRule] = {
    "already_registered": MUST,
    "confirm_guide": MUST,
    "confirm_refugee": MUST,
    "password_reset": MUST,
    "referral_caseworker": MUST,
    "referral_refugee": MUST,
    "pairing_completed": MUST,
    "pairing_may_end": MUST,  # to coordinators: their work
    "coordinator_digest": MUST,
    "pairing_agreement": BY_COORDINATOR,
    "guide_approved": BY_COORDINATOR,
    "guide_rejected": BY_COORDINATOR,
    "weekly_log_request": MailRule(MailKind.WEEKLY_REMINDERS),
    "evaluation_request": MailRule(MailKind.EVALUATION_REMINDERS),
    "group_meeting_invitation": MailRule(MailKind.MEETING_INVITATIONS),
    # A meeting's later mail goes only to those it was sent to, whose calendars hold the
    # entry: someone who turned invitations off since must still hear that it moved or
    # is cancelled, and someone who had turned them off was never invited.
    "group_meeting_update": MUST,
    "group_meeting_cancelled": MUST,
}

KIND_LABELS = {kind: ENUM_LABELS[MailKind][kind.value] for kind in MailKind}
# Which kinds each side can get: only guides are asked for the weekly log.
KINDS_FOR = {
    Respondent.GUIDE: (MailKind.WEEKLY_REMINDERS, MailKind.EVALUATION_REMINDERS,
                       MailKind.MEETING_INVITATIONS),
    Respondent.REFUGEE: (MailKind.EVALUATION_REMINDERS, MailKind.MEETING_INVITATIONS),
}


def rule_for(template: str) -> MailRule:
    """Return the rule of an email template (one not in the table: a must, automatic)."""
    return RULES.get(template, MUST)


def headers(rule: MailRule, unsubscribe_url: str | None) -> dict[str, str]:
    """Return the extra headers of an email of this rule."""
    found: dict[str, str] = {}
    if rule.kind is not None and unsubscribe_url:
        found["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        found["List-Unsubscribe-Post"] = ONE_CLICK
    if rule.automatic:
        found["Auto-Submitted"] = "auto-generated"
    return found
