"""Reviewing guide applicants: approve (credentials checked) or reject with a reason."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from guidematch.extensions import db
from guidematch.mail import queue_email
from guidematch.models import Guide
from guidematch.services import audit, clock
from guidematch.services.errors import DomainError
from guidematch.services.person_rules import check_guide_age
from guidematch.vocabulary import GuideStatus

REVIEWABLE = (GuideStatus.APPLIED,)


@dataclass(frozen=True)
class Credentials:
    """What the coordinator has checked before a guide may be matched."""

    interview_on: date
    intro_course_on: date
    confidentiality_signed_on: date
    police_certificate_on: date | None = None
    meets_minors: bool = False  # unaccompanied minors: a police certificate is required


def approve_guide(guide: Guide, credentials: Credentials, today: date | None = None) -> None:
    """Record the credentials and make the guide available for matching; welcome them by email."""
    today = today or clock.today()
    if guide.status not in REVIEWABLE:
        raise DomainError(_("Only an applicant who has confirmed their email address can be approved."))
    check_guide_age(guide.birth_year, today)  # on the day of approval, whatever the sign-up saw
    for field in ("interview_on", "intro_course_on", "confidentiality_signed_on", "police_certificate_on"):
        value = getattr(credentials, field)
        if value is not None and value > today:
            raise DomainError(_("This date is in the future."), field)
    if credentials.meets_minors and credentials.police_certificate_on is None:
        raise DomainError(_("A guide who will meet minors needs a police certificate."),
                          "police_certificate_on")
    guide.interview_on = credentials.interview_on
    guide.intro_course_on = credentials.intro_course_on
    guide.confidentiality_signed_on = credentials.confidentiality_signed_on
    if credentials.police_certificate_on is not None:
        guide.police_certificate_on = credentials.police_certificate_on
    guide.status = GuideStatus.AVAILABLE
    guide.rejection_reason = ""
    audit.record("guide_approved", guide, meets_minors=credentials.meets_minors,
                 police_certificate=guide.police_certificate_on is not None)
    if guide.email:
        queue_email(to=guide.email, name=guide.first_name, template="guide_approved",
                    subject=_l("Welcome as a refugee guide"), locale=guide.locale,
                    branch_id=guide.branch_id, branch_name=guide.branch.name,
                    dedupe_key=f"guide-approved:{guide.id}:{today.isoformat()}", about=(guide,))
    db.session.flush()


def reject_guide(guide: Guide, reason: str) -> None:
    """Turn an applicant down and tell them kindly; the reason stays with the coordinators.

    The reason is neither in the email nor in the audit log: it is the coordinators'
    note, written for them.
    """
    if guide.status not in REVIEWABLE:
        raise DomainError(_("Only an applicant who has confirmed their email address can be rejected."))
    if not reason.strip():
        raise DomainError(_("Please give a reason."), "reason")
    guide.status = GuideStatus.REJECTED
    guide.rejection_reason = reason.strip()
    audit.record("guide_rejected", guide)
    if guide.email:
        queue_email(to=guide.email, name=guide.first_name, template="guide_rejected",
                    subject=_l("About your sign-up as a refugee guide"), locale=guide.locale,
                    branch_id=guide.branch_id, branch_name=guide.branch.name,
                    dedupe_key=f"guide-rejected:{guide.id}:{clock.today().isoformat()}",
                    about=(guide,))
    db.session.flush()
