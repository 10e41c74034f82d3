"""Words a person reads for every value of `vocabulary.py`, in their language.

`label(value)` names a status or other enum member by its type; plain-string
vocabularies (interests, activities, slots, days, meeting activities) are
named by their vocabulary: `label("hiking", "interest")`. Language and country
codes are named by Babel (CLDR) in the reader's language. `register(app)` makes
them Jinja filters: `{{ guide.status|label }}`, `{{ code|language_name }}`.
"""
from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from guidematch import vocabulary as v
from guidematch.models.people import TagKind

ENUM_LABELS: dict[type[StrEnum], dict[str, object]] = {
    v.Gender: {"female": _l("Woman"), "male": _l("Man"), "other": _l("Other")},
    v.GenderPreference: {
        "any": _l("No preference"), "same": _l("Same gender as me"),
        "female": _l("A woman"), "male": _l("A man"),
    },
    v.FamilySituation: {
        "single": _l("Single"), "couple": _l("Couple without children at home"),
        "single_parent": _l("Single parent"), "family_with_children": _l("Family with children"),
    },
    v.EducationLevel: {
        "none": _l("No formal education"), "primary": _l("Primary school"),
        "secondary": _l("Secondary school"), "vocational": _l("Vocational training"),
        "bachelor": _l("Bachelor's degree"), "master_or_higher": _l("Master's degree or higher"),
    },
    v.NorwegianLevel: {
        "none": _l("No Norwegian yet"), "A1": _l("A1 (beginner)"), "A2": _l("A2 (elementary)"),
        "B1": _l("B1 (intermediate)"), "B2": _l("B2 (upper intermediate)"), "C1": _l("C1 (advanced)"),
    },
    v.Role: {"admin": _l("Administrator"), "coordinator": _l("Coordinator")},
    v.MailKind: {
        "weekly_reminders": _l("Weekly reminders to log the meetings"),
        "evaluation_reminders": _l("Evaluation reminders"),
        "meeting_invitations": _l("Group meeting invitations"),
    },
    v.GuideStatus: {
        "unconfirmed": _l("Email not confirmed"), "applied": _l("Applied"),
        "approved": _l("Approved, not available"), "available": _l("Available"),
        "paired": _l("Paired"), "inactive": _l("Inactive"), "rejected": _l("Rejected"),
    },
    v.RefugeeStatus: {
        "unconfirmed": _l("Email not confirmed"), "waiting": _l("Waiting for a guide"),
        "paired": _l("Paired"), "done": _l("Finished"), "withdrawn": _l("Withdrawn"),
    },
    v.PairingStatus: {
        "proposed": _l("Proposed"), "awaiting_agreement": _l("Awaiting agreement"),
        "active": _l("Active"), "completed": _l("Completed"), "ended_early": _l("Ended early"),
        "rejected": _l("Rejected proposal"),
    },
    v.EndReason: {
        "completed": _l("Completed the programme"), "moved": _l("Moved away"),
        "personal": _l("Personal reasons"), "no_contact": _l("Lost contact"),
        "mismatch": _l("Did not get on well"), "other": _l("Other reason"),
    },
    v.PauseReason: {"holiday": _l("Holiday"), "illness": _l("Illness"), "other": _l("Other reason")},
    v.Respondent: {"guide": _l("Guide"), "refugee": _l("Refugee")},
    v.MeetingFrequency: {
        "weekly_or_more": _l("Every week or more"), "every_other_week": _l("Every other week"),
        "monthly": _l("About once a month"), "rarely": _l("Rarely"),
    },
    v.OutboxStatus: {
        "queued": _l("Waiting to be sent"), "sending": _l("Being sent"), "sent": _l("Sent"),
        "failed": _l("Failed"),
    },
    v.CampaignChannel: {
        "poster": _l("Poster"), "newspaper": _l("Newspaper"), "radio": _l("Radio"),
        "social_media": _l("Social media"), "event": _l("Event"),
        "partner_organisation": _l("Partner organisation"), "other": _l("Other channel"),
    },
    v.ConsentKind: {
        "privacy": _l("Privacy statement"), "commitment": _l("Volunteer commitment"),
        "agreement": _l("Pairing agreement"),
    },
    TagKind: {
        "language": _l("Languages"), "interest": _l("Interests"),
        "activity": _l("Activities"), "slot": _l("Availability"),
    },
}

INTEREST_LABELS: dict[str, object] = {
    "outdoor": _l("Outdoor life"), "hiking": _l("Hiking"), "fishing": _l("Fishing"),
    "skiing": _l("Skiing"), "sports": _l("Sports"), "football": _l("Football"),
    "cooking": _l("Cooking"), "music": _l("Music"), "art": _l("Art"), "crafts": _l("Crafts"),
    "reading": _l("Reading"), "games": _l("Games"), "technology": _l("Technology"),
    "gardening": _l("Gardening"), "film": _l("Film"), "dancing": _l("Dancing"),
    "culture": _l("Culture"),
}

ACTIVITY_LABELS: dict[str, object] = {
    "language_practice": _l("Norwegian language practice"), "homework_help": _l("Homework help"),
    "driving_practice": _l("Driving practice"), "job_seeking": _l("Looking for work"),
    "social_network": _l("Meeting people"), "outdoor_activities": _l("Outdoor activities"),
    "culture_events": _l("Cultural events"), "practical_help": _l("Practical help"),
}

DAY_LABELS: dict[str, object] = {
    "mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
    "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday"),
}

DAY_PART_LABELS: dict[str, object] = {"day": _l("Daytime"), "evening": _l("Evening")}

SLOT_LABELS: dict[str, object] = {
    "mon_day": _l("Monday daytime"), "mon_evening": _l("Monday evening"),
    "tue_day": _l("Tuesday daytime"), "tue_evening": _l("Tuesday evening"),
    "wed_day": _l("Wednesday daytime"), "wed_evening": _l("Wednesday evening"),
    "thu_day": _l("Thursday daytime"), "thu_evening": _l("Thursday evening"),
    "fri_day": _l("Friday daytime"), "fri_evening": _l("Friday evening"),
    "sat_day": _l("Saturday daytime"), "sat_evening": _l("Saturday evening"),
    "sun_day": _l("Sunday daytime"), "sun_evening": _l("Sunday evening"),
}

MEETING_ACTIVITY_LABELS: dict[str, object] = {
    "cafe": _l("Café"), "walk": _l("Walk"), "fishing": _l("Fishing"), "sport": _l("Sport"),
    "public_offices": _l("Visiting public offices"), "job_seeking": _l("Looking for work"),
    "library": _l("Library"), "homework_help": _l("Homework help"),
    "driving_practice": _l("Driving practice"), "cinema": _l("Cinema"),
    "newspaper": _l("Reading the newspaper"), "cooking": _l("Cooking"), "other": _l("Something else"),
}

# The dashboard's waiting-time bands, in the order of `programme.WAIT_BAND_LIMITS` (1, 3, 6, 12).
WAIT_BAND_LABELS = (_l("Under 1 month"), _l("1–3 months"), _l("3–6 months"), _l("6–12 months"),
                    _l("12 months or more"))

# The audit log's words: every kind of event the code records (audit.record's first
# argument; tests/audit/test_labels.py reads the code to keep this complete), what an
# event is about (AuditEvent.object_type, the model's name in lower case), and who acted
# when no coordinator was logged in (AuditEvent.actor).
AUDIT_ACTION_LABELS: dict[str, object] = {
    "login": _l("Logged in"), "logout": _l("Logged out"),
    "password_changed": _l("Changed their password"), "password_reset": _l("Password reset"),
    "two_factor_on": _l("Two-step login turned on"), "two_factor_off": _l("Two-step login turned off"),
    "recovery_codes_renewed": _l("Recovery codes renewed"),
    "campaign_created": _l("Recruitment campaign created"),
    "campaign_changed": _l("Recruitment campaign changed"),
    "user_created": _l("User account created"), "user_activated": _l("User account activated"),
    "user_deactivated": _l("User account deactivated"),
    "branch_created": _l("Branch created"), "branch_settings_changed": _l("Branch settings changed"),
    "branch_two_factor": _l("Two-step login rule of the branch changed"),
    "referral_link_renewed": _l("Referral link renewed"),
    "guide_created": _l("Guide added"), "refugee_created": _l("Refugee added"),
    "guide_updated": _l("Guide changed"), "refugee_updated": _l("Refugee changed"),
    "guide_signed_up": _l("Guide signed up"), "refugee_registered": _l("Refugee registered"),
    "refugee_referred": _l("Refugee referred"), "signup_repeated": _l("Signed up again"),
    "email_confirmed": _l("Email address confirmed"),
    "unconfirmed_purged": _l("Unconfirmed sign-ups deleted"),
    "guide_approved": _l("Guide approved"), "guide_rejected": _l("Guide rejected"),
    "profiles_imported": _l("Profiles imported"), "profiles_exported": _l("Profiles exported"),
    "person_data_exported": _l("Person's data downloaded"),
    "person_anonymised": _l("Person anonymised"), "person_erased": _l("Person erased"),
    "person_purged": _l("Person deleted after the retention period"),
    "matching.run": _l("Matching run"), "matching.manual_pair": _l("Pair proposed by hand"),
    "matching.lock": _l("Proposal locked"), "matching.unlock": _l("Proposal unlocked"),
    "matching.lock_dropped": _l("Locked proposal removed by a matching run"),
    "matching.exclude": _l("Pair excluded from matching"),
    "matching.allow_again": _l("Excluded pair allowed again"),
    "pairing.status": _l("Pairing status changed"),
    "pairing.agreement_accepted": _l("Agreement accepted"),
    "pairing.paper_agreement": _l("Paper agreement recorded"),
    "meeting_log.added": _l("Meeting logged"), "meeting_log.corrected": _l("Meeting log corrected"),
    "meeting_log.deleted": _l("Meeting log deleted"),
    "meeting_log.weekly_answer": _l("Weekly email answered"),
    "pause.added": _l("Pause added"), "pause.deleted": _l("Pause deleted"),
    "evaluation.answered": _l("Evaluation answered"),
    "group_meeting.scheduled": _l("Group meeting scheduled"),
    "group_meeting.series_scheduled": _l("Series of group meetings scheduled"),
    "group_meeting.changed": _l("Group meeting changed"),
    "group_meeting.cancelled": _l("Group meeting cancelled"),
    "group_meeting.removed": _l("Group meeting deleted"),
    "group_meeting.invited": _l("Group meeting invitations sent"),
    "group_meeting.attendance": _l("Attendance recorded"),
    "mail.turned_off": _l("Emails turned off"), "mail.turned_on": _l("Emails turned on"),
    "outbox_retry": _l("Email sent again"),
    "report_exported": _l("Report downloaded"), "table_exported": _l("Table downloaded"),
    "demo_data_loaded": _l("Demo data loaded"),
}

AUDIT_OBJECT_LABELS: dict[str, object] = {
    "guide": _l("Guide"), "refugee": _l("Refugee"), "pairing": _l("Pairing"),
    "meetinglog": _l("Meeting log"), "pause": _l("Pause"), "evaluation": _l("Evaluation"),
    "groupmeeting": _l("Group meeting"), "matchexclusion": _l("Exclusion from matching"),
    "user": _l("User account"), "branch": _l("Branch"), "outboxmessage": _l("Email"),
    "campaign": _l("Recruitment campaign"),
}

# Who acted when no one was logged in; "system" and "cli" (cron, commands) read "System".
AUDIT_ACTOR_LABELS: dict[str, object] = {
    "system": _l("System"), "cli": _l("System"), "coordinator": _l("A coordinator"),
    "guide link": _l("The guide, by their link"), "refugee link": _l("The refugee, by their link"),
    "link": _l("By an email link"), "person": _l("The person, by their link"),
    "sign-up form": _l("Sign-up form"),
}

# Vocabularies of plain strings, by the name templates and forms use for them.
VOCABULARIES: dict[str, dict[str, object]] = {
    "interest": INTEREST_LABELS,
    "activity": ACTIVITY_LABELS,
    "day": DAY_LABELS,
    "day_part": DAY_PART_LABELS,
    "slot": SLOT_LABELS,
    "meeting_activity": MEETING_ACTIVITY_LABELS,
    "audit_action": AUDIT_ACTION_LABELS,
    "audit_object": AUDIT_OBJECT_LABELS,
    "audit_actor": AUDIT_ACTOR_LABELS,
}
# ... and the enums by name too, so `label("male", "gender")` works where only a string is at hand.
VOCABULARIES.update({
    "gender": ENUM_LABELS[v.Gender], "gender_preference": ENUM_LABELS[v.GenderPreference],
    "family_situation": ENUM_LABELS[v.FamilySituation], "education_level": ENUM_LABELS[v.EducationLevel],
    "norwegian_level": ENUM_LABELS[v.NorwegianLevel], "role": ENUM_LABELS[v.Role],
    "guide_status": ENUM_LABELS[v.GuideStatus], "refugee_status": ENUM_LABELS[v.RefugeeStatus],
    "pairing_status": ENUM_LABELS[v.PairingStatus], "end_reason": ENUM_LABELS[v.EndReason],
    "pause_reason": ENUM_LABELS[v.PauseReason], "respondent": ENUM_LABELS[v.Respondent],
    "meeting_frequency": ENUM_LABELS[v.MeetingFrequency], "outbox_status": ENUM_LABELS[v.OutboxStatus],
    "consent_kind": ENUM_LABELS[v.ConsentKind], "tag_kind": ENUM_LABELS[TagKind],
    "mail_kind": ENUM_LABELS[v.MailKind], "campaign_channel": ENUM_LABELS[v.CampaignChannel],
})

# The Bootstrap colour of each status's badge, by status type (values repeat across types).
STATUS_COLOURS: dict[type[StrEnum], dict[str, str]] = {
    v.GuideStatus: {"unconfirmed": "light", "applied": "info", "approved": "secondary",
                    "available": "success", "paired": "primary", "inactive": "light",
                    "rejected": "dark"},
    v.RefugeeStatus: {"unconfirmed": "light", "waiting": "warning", "paired": "primary",
                      "done": "secondary", "withdrawn": "light"},
    v.PairingStatus: {"proposed": "info", "awaiting_agreement": "warning", "active": "success",
                      "completed": "secondary", "ended_early": "danger", "rejected": "dark"},
    v.OutboxStatus: {"queued": "secondary", "sending": "info", "sent": "success",
                     "failed": "danger"},
}

# Languages offered as checkboxes in the forms: those most guides and refugees speak.
COMMON_LANGUAGES: tuple[str, ...] = (
    "nb", "en", "ar", "ti", "uk", "ru", "fa", "ps", "so", "ku", "am", "fr", "sw", "de", "es", "pl",
)


def label(value, vocabulary: str | None = None) -> str:
    """Return the reader's word for a vocabulary value (the value itself if unknown)."""
    if value is None or value == "":
        return ""
    if vocabulary is None and isinstance(value, StrEnum):
        words = ENUM_LABELS.get(type(value), {})
    else:
        words = VOCABULARIES.get(vocabulary or "", {})
    word = words.get(str(value))
    return str(word) if word is not None else str(value)


def labels(values: Iterable, vocabulary: str | None = None) -> list[str]:
    """Return the words for several values, in their order."""
    return [label(value, vocabulary) for value in values]


def choices(vocabulary: str | type[StrEnum], blank: str | None = None) -> list[tuple[str, str]]:
    """Return (value, lazy label) pairs for a form field, in the vocabulary's order."""
    words = ENUM_LABELS[vocabulary] if isinstance(vocabulary, type) else VOCABULARIES[vocabulary]
    pairs = list(words.items())
    return ([("", blank)] if blank is not None else []) + pairs  # type: ignore[list-item]


def _reader_locale() -> Locale:
    try:
        return Locale.parse(str(get_locale() or "nb"))
    except (UnknownLocaleError, ValueError, RuntimeError):
        return Locale("nb")


def language_name(code: str, locale: Locale | None = None) -> str:
    """Return the name of an ISO 639-1 language in the reader's language ("arabisk")."""
    if not code:
        return ""
    name = (locale or _reader_locale()).languages.get(code)
    return name if name else code


def country_name(code: str, locale: Locale | None = None) -> str:
    """Return the name of an ISO 3166-1 country in the reader's language."""
    if not code:
        return ""
    name = (locale or _reader_locale()).territories.get(code.upper())
    return name if name else code


def language_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """Return (code, name) pairs for the given language codes, in their order."""
    locale = _reader_locale()
    return [(code, language_name(code, locale)) for code in codes]


def country_choices(blank: str = "") -> list[tuple[str, str]]:
    """Return every country as (code, name), sorted by name in the reader's language."""
    locale = _reader_locale()
    pairs = sorted(((code, country_name(code, locale)) for code in v.COUNTRY_CODES),
                   key=lambda pair: pair[1].casefold())
    return [("", blank)] + pairs


def status_colour(status) -> str:
    """Return the Bootstrap colour of a status's badge ("secondary" when unknown)."""
    return STATUS_COLOURS.get(type(status), {}).get(str(status), "secondary")


def register(app: Flask) -> None:
    """Make the labels available in every template."""
    app.add_template_filter(label, "label")
    app.add_template_filter(labels, "labels")
    app.add_template_filter(status_colour, "status_colour")
    app.add_template_filter(language_name, "language_name")
    app.add_template_filter(country_name, "country_name")
    # The availability grids of templates/_form_kit.html: rows and columns of the week.
    app.jinja_env.globals.update(week_days=v.DAYS, week_parts=v.DAY_PARTS)
