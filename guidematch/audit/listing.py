"""The audit log: one page of the branch's events, filtered, with the names of what they are about.

Names come in one query per kind of record on the page (people, pairings, group meetings,
users), never one per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import lazyload, load_only

from guidematch.extensions import db
from guidematch.labels import (
    AUDIT_ACTOR_LABELS, label,
)
from guidematch.models import AuditEvent, Campaign, GroupMeeting, Guide, Pairing, Refugee, User
from guidematch.paging import Pager
from guidematch.services.pairing_names import lean_people
from guidematch.scoping import branch_select, current_branch
from guidematch.services import clock

PER_PAGE = 50
PERSON_MODELS = {"guide": Guide, "refugee": Refugee}
# Details an event may carry that are shown (AuditEvent.details names fields and ids, never
# values; a matching exclusion's typed reason is the one free text, and it is not shown).
DETAIL_WORDS = {
    "fields": _l("Fields"), "changes": _l("Fields"), "count": _l("Number"), "created": _l("Added"),
    "updated": _l("Changed"), "unchanged": _l("Unchanged"), "emails_deleted": _l("Emails deleted"),
    "proposed": _l("Proposed"), "waiting": _l("Still waiting"), "present": _l("Present"),
    "listed": _l("Invited"), "format": _l("Format"), "table": _l("Table"), "role": _l("Role"),
    "first": _l("From"), "last": _l("To"), "minutes": _l("Minutes"), "week": _l("Week"),
}


@dataclass(frozen=True)
class Filters:
    """What the page shows: events by one user (or one kind of actor without an account, such
    as "system" or "guide link"), of one kind, in local days, about one person."""

    who: int | str | None = None
    action: str = ""
    first: date | None = None
    last: date | None = None
    person: Guide | Refugee | None = None

    def args(self) -> dict[str, str]:
        """Return these filters as the page's URL arguments (ids and dates, never names)."""
        args = {"who": str(self.who or ""), "what": self.action,
                "first": self.first.isoformat() if self.first else "",
                "last": self.last.isoformat() if self.last else ""}
        if self.person is not None:
            args[kind_of(self.person)] = str(self.person.id)
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class About:
    """What an event is about: a record to link (endpoint and its arguments) or only its name."""

    text: str
    endpoint: str = ""
    values: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    who: str
    what: str
    about: About | None
    pairing: About | None  # the pairing a meeting log, pause or evaluation belongs to
    details: list[tuple[str, str]]


def kind_of(person: Guide | Refugee) -> str:
    return "guide" if isinstance(person, Guide) else "refugee"


def actor_kind(actor: str) -> str:
    """Return who acted without an account as the log names them: the system unless known.

    The command line and the timers are the system too ("cli", "system", or nothing written).
    """
    return actor if actor in AUDIT_ACTOR_LABELS and actor != "cli" else "system"


def actors() -> list[tuple[int | str, str]]:
    """Return the choices of who: every coordinator or admin in the branch's log by name, then
    each kind of actor without an account in it (the system, a guide by their link ...)."""
    in_log = branch_select(AuditEvent).with_only_columns(AuditEvent.user_id).distinct()
    users: list[tuple[int | str, str]] = [(user_id, name) for user_id, name in db.session.execute(
        select(User.id, User.name).where(User.id.in_(in_log)).order_by(User.name, User.id))]
    without_account = branch_select(AuditEvent).with_only_columns(AuditEvent.actor).distinct() \
        .where(AuditEvent.user_id.is_(None))
    kinds = {actor_kind(actor) for actor in db.session.scalars(without_account)}
    named = [(kind, str(AUDIT_ACTOR_LABELS[kind])) for kind in kinds]
    return users + sorted(named, key=lambda choice: choice[1].casefold())


def _person_events(person: Guide | Refugee):
    """Events about the person, about their pairings, and about those pairings' logs and pauses."""
    side = Pairing.guide_id if isinstance(person, Guide) else Pairing.refugee_id
    pairings = select(Pairing.id).where(side == person.id, Pairing.branch_id == person.branch_id)
    return or_(and_(AuditEvent.object_type == kind_of(person), AuditEvent.object_id == person.id),
               and_(AuditEvent.object_type == "pairing", AuditEvent.object_id.in_(pairings)),
               AuditEvent.details["pairing_id"].as_integer().in_(pairings))


def _where(filters: Filters) -> list:
    where = []
    if isinstance(filters.who, int):
        where.append(AuditEvent.user_id == filters.who)
    elif filters.who == "system":  # every actor that actor_kind calls the system
        others = [actor for actor in AUDIT_ACTOR_LABELS if actor_kind(actor) != "system"]
        where += [AuditEvent.user_id.is_(None), AuditEvent.actor.not_in(others)]
    elif filters.who:
        where += [AuditEvent.user_id.is_(None), AuditEvent.actor == filters.who]
    if filters.action:
        where.append(AuditEvent.action == filters.action)
    if filters.first:
        where.append(AuditEvent.created_at >= clock.day_bounds(filters.first, filters.first)[0])
    if filters.last:
        where.append(AuditEvent.created_at < clock.day_bounds(filters.last, filters.last)[1])
    if filters.person is not None:
        where.append(_person_events(filters.person))
    return where


def log_page(filters: Filters, page: int) -> tuple[list[Row], Pager]:
    """Return one page of the branch's events, newest first, and its pager."""
    stmt = branch_select(AuditEvent).where(*_where(filters))
    total = db.session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    pager = Pager(page, PER_PAGE, total, filters.args())
    events = db.session.scalars(stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                                .offset(pager.offset).limit(PER_PAGE)).all()
    return _rows(events), pager


def _ids(events, object_type: str) -> set[int]:
    return {e.object_id for e in events if e.object_type == object_type and e.object_id}


def _pairing_id(event: AuditEvent) -> int | None:
    if event.object_type == "pairing":
        return event.object_id
    value = (event.details or {}).get("pairing_id")
    return value if isinstance(value, int) else None


def _rows(events: list[AuditEvent]) -> list[Row]:
    branch_id = current_branch().id
    people = {kind: _by_id(model, _ids(events, kind), branch_id,
                           load_only(model.id, model.first_name, model.last_name, model.anonymised_at),
                           lazyload(model.tags))
              for kind, model in PERSON_MODELS.items()}
    pairings = _by_id(Pairing, {p for p in map(_pairing_id, events) if p}, branch_id, *lean_people())
    meetings = _by_id(GroupMeeting, _ids(events, "groupmeeting"), branch_id,
                      load_only(GroupMeeting.id, GroupMeeting.title, GroupMeeting.starts_at))
    campaigns = _by_id(Campaign, _ids(events, "campaign"), branch_id,
                       load_only(Campaign.id, Campaign.name))
    user_ids = _ids(events, "user") | {e.user_id for e in events if e.user_id}
    users = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    rows = []
    for event in events:
        pairing = pairings.get(_pairing_id(event))
        about = _about(event, people, pairing, meetings, users, campaigns)
        rows.append(Row(event, _who(event, users), label(event.action, "audit_action"), about,
                        _pairing_link(pairing) if event.object_type != "pairing" and pairing else None,
                        _details(event)))
    return rows


def _by_id(model, ids: set[int], branch_id: int, *options) -> dict:
    # Asked even for no ids: the page then runs the same queries whatever its rows are about.
    return {record.id: record for record in db.session.scalars(
        select(model).where(model.id.in_(ids), model.branch_id == branch_id).options(*options))}


def _who(event: AuditEvent, users: dict[int, str]) -> str:
    if event.user_id and event.user_id in users:
        return users[event.user_id]
    return str(AUDIT_ACTOR_LABELS[actor_kind(event.actor)])


def _pairing_link(pairing: Pairing) -> About:
    return About(f"{pairing.guide.full_name} – {pairing.refugee.full_name}", "pairings.detail",
                 {"pairing_id": pairing.id})


def _named(event: AuditEvent) -> str:
    """Name a record only by its kind and id (it is gone, or anonymised)."""
    kind = label(event.object_type, "audit_object")
    return f"{kind} {event.object_id}" if event.object_id else kind


def _about(event, people, pairing, meetings, users, campaigns) -> About | None:
    kind, record_id = event.object_type, event.object_id
    if not kind:
        return None
    if kind in PERSON_MODELS:
        person = people[kind].get(record_id)
        if person is None:
            return About(_named(event))
        endpoint, key = f"people.{kind}", f"{kind}_id"
        text = _named(event) if person.anonymised_at else person.full_name
        return About(text, endpoint, {key: person.id})
    if kind == "pairing":
        return _pairing_link(pairing) if pairing else About(_named(event))
    if kind == "groupmeeting" and record_id in meetings:
        return About(meetings[record_id].title, "meetings.attendance", {"meeting_id": record_id})
    if kind == "user" and record_id in users:
        return About(users[record_id])
    if kind == "campaign" and record_id in campaigns:
        return About(campaigns[record_id].name, "campaigns.detail", {"campaign_id": record_id})
    if kind == "branch" and record_id == current_branch().id:
        return About(current_branch().name)
    return About(_named(event))


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if key == "role":
        return label(value, "role")
    return str(value)


def _details(event: AuditEvent) -> list[tuple[str, str]]:
    details = event.details or {}
    shown = []
    if event.action == "pairing.status" and {"before", "after"} <= details.keys():
        shown.append((_("Status"), f"{label(details['before'], 'pairing_status')} → "
                                   f"{label(details['after'], 'pairing_status')}"))
    for key, word in DETAIL_WORDS.items():
        if key in details and details[key] not in (None, "", []):
            shown.append((str(word), _value(key, details[key])))
    return shown
