"""Every fixed vocabulary of the product, defined once.

Profile fields (DESIGN.md's profile table), statuses and programme defaults.
Plain Python: the matching core, the CSV reader, the models and the forms all
import from here, so a value is spelled in one place only.
"""
from __future__ import annotations

from enum import StrEnum

from babel import Locale


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class GenderPreference(StrEnum):
    ANY = "any"
    SAME = "same"
    FEMALE = "female"
    MALE = "male"


class FamilySituation(StrEnum):
    SINGLE = "single"
    COUPLE = "couple"
    SINGLE_PARENT = "single_parent"
    FAMILY_WITH_CHILDREN = "family_with_children"


class EducationLevel(StrEnum):
    NONE = "none"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"
    BACHELOR = "bachelor"
    MASTER_OR_HIGHER = "master_or_higher"


class NorwegianLevel(StrEnum):
    NONE = "none"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"


INTERESTS: tuple[str, ...] = (
    "outdoor", "hiking", "fishing", "skiing", "sports", "football", "cooking", "music",
    "art", "crafts", "reading", "games", "technology", "gardening", "film", "dancing",
    "culture",
)

ACTIVITIES: tuple[str, ...] = (
    "language_practice", "homework_help", "driving_practice", "job_seeking",
    "social_network", "outdoor_activities", "culture_events", "practical_help",
)
DRIVING_PRACTICE = "driving_practice"  # counts only where the guide has a car

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_PARTS: tuple[str, ...] = ("day", "evening")
SLOTS: tuple[str, ...] = tuple(f"{day}_{part}" for day in DAYS for part in DAY_PARTS)

# Languages and countries: the ISO codes Babel (CLDR) knows, so names can be shown
# in the reader's language ("arabisk", "Arabic") without a list of our own.
_EN = Locale("en")
LANGUAGE_CODES: frozenset[str] = frozenset(
    code for code in _EN.languages if len(code) == 2 and code.isalpha() and code.islower()
)
COUNTRY_CODES: frozenset[str] = frozenset(
    code for code in _EN.territories if len(code) == 2 and code.isalpha() and code.isupper()
)

# Languages the people-facing pages and emails are written in. nb is the default.
UI_LOCALES: tuple[str, ...] = ("nb", "en")
PERSON_LOCALES: tuple[str, ...] = ("nb", "en", "ar", "uk")
RTL_LOCALES: frozenset[str] = frozenset({"ar"})


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"


class GuideStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"  # signed up, email not yet confirmed
    APPLIED = "applied"          # confirmed; waits for interview and approval
    APPROVED = "approved"        # vetted, not taking a refugee now
    AVAILABLE = "available"      # vetted and has free capacity
    PAIRED = "paired"            # vetted, capacity used up
    INACTIVE = "inactive"
    REJECTED = "rejected"


class RefugeeStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"  # self-registered, email not yet confirmed
    WAITING = "waiting"
    PAIRED = "paired"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class PairingStatus(StrEnum):
    PROPOSED = "proposed"
    AWAITING_AGREEMENT = "awaiting_agreement"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    REJECTED = "rejected"  # a proposal the coordinator turned down


# Pairings that ran for a while (from start_date to ended_on, or on): who was paired on a day.
STARTED_PAIRING_STATUSES: tuple[PairingStatus, ...] = (
    PairingStatus.ACTIVE, PairingStatus.COMPLETED, PairingStatus.ENDED_EARLY,
)
# Pairings that hold a guide's capacity and a refugee's one place.
BINDING_PAIRING_STATUSES: tuple[PairingStatus, ...] = (
    PairingStatus.AWAITING_AGREEMENT, PairingStatus.ACTIVE,
)


class EndReason(StrEnum):
    COMPLETED = "completed"
    MOVED = "moved"
    PERSONAL = "personal"
    NO_CONTACT = "no_contact"
    MISMATCH = "mismatch"
    OTHER = "other"


class PauseReason(StrEnum):
    HOLIDAY = "holiday"
    ILLNESS = "illness"
    OTHER = "other"


class Respondent(StrEnum):
    GUIDE = "guide"
    REFUGEE = "refugee"


class MeetingFrequency(StrEnum):
    WEEKLY_OR_MORE = "weekly_or_more"
    EVERY_OTHER_WEEK = "every_other_week"
    MONTHLY = "monthly"
    RARELY = "rarely"


# What pairs do together (from the programme's own pages), for meeting logs.
MEETING_ACTIVITIES: tuple[str, ...] = (
    "cafe", "walk", "fishing", "sport", "public_offices", "job_seeking", "library",
    "homework_help", "driving_practice", "cinema", "newspaper", "cooking", "other",
)


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a deliverer; `next_attempt_at` is its lease
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; a coordinator can retry


class MailKind(StrEnum):
    """Recurring mail a guide or refugee may turn off; every other email they must get."""

    WEEKLY_REMINDERS = "weekly_reminders"
    EVALUATION_REMINDERS = "evaluation_reminders"
    MEETING_INVITATIONS = "meeting_invitations"


# An unsubscribe link in an old email still works this long (it only ever turns mail off).
UNSUBSCRIBE_LINK_DAYS = 730


class CampaignChannel(StrEnum):
    """Where a recruitment campaign reaches people (issue 10: which channel brings male guides)."""

    POSTER = "poster"
    NEWSPAPER = "newspaper"
    RADIO = "radio"
    SOCIAL_MEDIA = "social_media"
    EVENT = "event"
    PARTNER_ORGANISATION = "partner_organisation"
    OTHER = "other"


class ConsentKind(StrEnum):
    PRIVACY = "privacy"
    COMMITMENT = "commitment"
    AGREEMENT = "agreement"


# Programme rules: branch settings with these defaults (DOMAIN.md).
DEFAULT_MIN_MONTHS = 9
DEFAULT_MAX_MONTHS = 12
DEFAULT_WEEKLY_MINUTES = 120
MAX_WEEKLY_MINUTES = 1440  # the weekly minimum goes from 0 (no minimum) to a whole day
DEFAULT_EVALUATION_MONTHS = 3
DEFAULT_RETENTION_MONTHS = 24
UNCONFIRMED_PURGE_DAYS = 30
# GDPR art. 12(3): a request to see, correct or erase data is answered within a month.
DATA_REQUEST_ANSWER_DAYS = 30
CONFIRM_LINK_DAYS = 7  # how long a sign-up's confirmation link works
AT_RISK_WEEKS_UNDER = 2
AT_RISK_DAYS_WITHOUT_LOG = 14
ADULT_AGE = 18

# Following a pairing (issue 5).
# "We met 0 / 1 / 2 / 3+ hours this week"; the branch's own minimum joins them
# (programme.quick_answers), so one click can always say "we met the minimum".
QUICK_LOG_MINUTES: tuple[int, ...] = (0, 60, 120, 180)
MAX_LOG_MINUTES = 1440
LOW_SATISFACTION_MAX = 2          # an evaluation at or under this is flagged
INVITE_DAYS_AHEAD = 21            # group meeting invitations go out this many days before
AGREEMENT_LINK_DAYS = 30
WEEKLY_LOG_LINK_DAYS = 21
EVALUATION_LINK_DAYS = 60
# Overdue: an agreement not accepted by both this many days after it was sent; an
# evaluation not answered this many days after its request (the weekly digest lists them).
AGREEMENT_OVERDUE_DAYS = 7
EVALUATION_OVERDUE_DAYS = 14
# An invitation can go out as early as a series is planned (12 months); answers close when it starts.
MEETING_ANSWER_LINK_DAYS = 400

# Matching score weights (DESIGN.md "Matching"); each branch can change them.
DEFAULT_WEIGHTS: dict[str, float] = {
    "interests": 3.0,
    "activities": 3.0,
    "language": 2.0,
    "family": 2.0,
    "age": 1.0,
    "availability": 2.0,
    "location": 1.0,
    "background": 1.0,
    "waiting": 10.0,
}
