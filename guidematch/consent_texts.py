"""The texts people consent to, each with a version; a Consent row stores the version seen.

Change a text, change its version: the stored version must always name the
exact words a person agreed to. The commitment's numbers are the branch's
programme rules, so they are part of its stored version too
("guide-commitment-2:9-12:120:group").
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from guidematch.durations import duration
from guidematch.models import Branch
from guidematch.vocabulary import ConsentKind


@dataclass(frozen=True)
class ConsentText:
    kind: ConsentKind
    version: str
    text: object  # a lazy string: shown in the reader's language


GUIDE_PRIVACY = ConsentText(ConsentKind.PRIVACY, "guide-privacy-1", _l(
    "I have read the privacy notice. I agree that the Red Cross stores my details and uses them "
    "to find a refugee for me to guide and to follow up the guide programme."))
REFUGEE_PRIVACY = ConsentText(ConsentKind.PRIVACY, "refugee-privacy-1", _l(
    "I have read the privacy notice. I agree that the Red Cross stores my details and uses them "
    "to find a guide for me and to follow up the guide programme."))
REFERRAL_PRIVACY = ConsentText(ConsentKind.PRIVACY, "referral-privacy-1", _l(
    "The refugee wants to take part, has been told about the privacy notice, and agrees that the "
    "Red Cross stores these details to find a guide and to follow up the programme."))

# 2: the weekly minimum in exact words ("1 hour", "1,5 timer"), and a branch without one.
GUIDE_COMMITMENT_BASE = "guide-commitment-2"


def guide_commitment(branch: Branch) -> ConsentText:
    """Return the commitment a guide of `branch` agrees to, with the branch's own numbers."""
    # The duration is lazy too, so that it is worded in the language the text is shown in.
    params = {"min": branch.min_months, "max": branch.max_months,
              "duration": LazyString(duration, branch.weekly_minutes)}
    if branch.weekly_minutes and branch.monthly_group_meetings:
        text = _l("I can be a guide for %(min)s to %(max)s months, meet my refugee at least "
                  "%(duration)s a week, and take part in the monthly group meeting.", **params)
    elif branch.weekly_minutes:
        text = _l("I can be a guide for %(min)s to %(max)s months and meet my refugee at least "
                  "%(duration)s a week.", **params)
    elif branch.monthly_group_meetings:
        text = _l("I can be a guide for %(min)s to %(max)s months, meet my refugee regularly, "
                  "and take part in the monthly group meeting.", **params)
    else:
        text = _l("I can be a guide for %(min)s to %(max)s months and meet my refugee regularly.",
                  **params)
    version = (f"{GUIDE_COMMITMENT_BASE}:{branch.min_months}-{branch.max_months}:"
               f"{branch.weekly_minutes}" + (":group" if branch.monthly_group_meetings else ""))
    return ConsentText(ConsentKind.COMMITMENT, version, text)
