"""The data model, one module per aggregate; import from here."""
from guidematch.models.base import Model
from guidematch.models.branch import AgreementText, Branch
from guidematch.models.campaign import Campaign
from guidematch.models.gap_history import GapSnapshot
from guidematch.models.mail_choices import MailOptOut
from guidematch.models.matching_run import MatchRun, MatchRunWaiting
from guidematch.models.outbox import OutboxMention, OutboxMessage
from guidematch.models.pairing import MatchExclusion, Pairing
from guidematch.models.people import Guide, GuideTag, Refugee, RefugeeTag, TagKind
from guidematch.models.records import AuditEvent, Consent
from guidematch.models.tracking import Attendance, Evaluation, GroupMeeting, MeetingLog, Pause
from guidematch.models.user import LoginThrottle, RecoveryCode, User

__all__ = [
    "AgreementText", "Attendance", "AuditEvent", "Branch", "Campaign", "Consent", "Evaluation",
    "GapSnapshot", "GroupMeeting", "Guide", "GuideTag", "LoginThrottle", "MailOptOut", "MatchExclusion",
    "MatchRun", "MatchRunWaiting", "MeetingLog", "Model", "OutboxMention", "OutboxMessage", "Pairing", "Pause",
    "RecoveryCode", "Refugee", "RefugeeTag", "TagKind", "User",
]
