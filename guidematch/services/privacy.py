"""People's data: export it, erase it, and keep no more of it than the programme needs.

- unconfirmed sign-ups are deleted after UNCONFIRMED_PURGE_DAYS (services.signup);
- people whose last pairing ended more than their branch's `retention_months`
  ago, and who have no open pairing, are anonymised: what identifies them goes,
  what the branch's statistics need (gender, decade of birth, dates, minutes) stays;
- people never paired who left (guides rejected or inactive, refugees withdrawn)
  are deleted when their record has not changed for `retention_months`.
Erasing, anonymising and purging delete every email to or about the person
(services.person_mail); the audit log keeps ids and counts, never who.

Which fields are wiped and which are kept, and why, is docs/privacy.md; the
WIPED_* tables below are the code of it (a test holds the two together).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from guidematch.extensions import db
from guidematch.models import (
    Attendance, Branch, Consent, Evaluation, GroupMeeting, Guide, MeetingLog, Pairing, Pause, Refugee,
)
from guidematch.models.people import new_ref
from guidematch.profile_csv import record_row
from guidematch.programme import add_months
from guidematch.services import audit, clock, mail_choices, person_mail, signup
from guidematch.services.errors import DomainError
from guidematch.services.people import record_from_person
from guidematch.vocabulary import (
    BINDING_PAIRING_STATUSES, GenderPreference, GuideStatus, PairingStatus, RefugeeStatus,
)

ANONYMOUS = "—"
ENDED = (PairingStatus.COMPLETED, PairingStatus.ENDED_EARLY)
OPEN = (PairingStatus.PROPOSED, *BINDING_PAIRING_STATUSES)
Person = Guide | Refugee

# What anonymising sets each wiped field to (docs/privacy.md: what stays, and why).
WIPED_PROFILE: dict[str, object] = {
    "first_name": ANONYMOUS, "last_name": "", "email": None, "phone": "", "lat": None,
    "lon": None, "district": "", "occupation": "", "education_level": None,
    "coordinator_notes": "", "gender_preference": GenderPreference.ANY,
    "languages": (), "interests": (), "activities": (), "availability": (),
}
WIPED_GUIDE: dict[str, object] = {
    "motivation": "", "rejection_reason": "", "has_car": False, "has_pets": False,
}
WIPED_REFUGEE: dict[str, object] = {
    "referred_by_name": "", "referred_by_email": "", "norwegian_level": None,
    "interpreter_needed": False, "pets_ok": True,
}
REF_PREFIX = {Guide: "g", Refugee: "r"}


# Who may be deleted once retention has passed since their record last changed: people
# who left without ever having a pairing (no pairing record or statistic needs them).
LEFT_UNPAIRED = {Guide: (GuideStatus.REJECTED, GuideStatus.INACTIVE),
                 Refugee: (RefugeeStatus.WITHDRAWN,)}


@dataclass(frozen=True)
class PurgeReport:
    deleted_unconfirmed: int
    anonymised: int
    deleted_unpaired: int = 0


def purge(today: date) -> PurgeReport:
    """Apply every retention rule as of `today`: stale sign-ups, the unpaired who left, the rest."""
    deleted = signup.purge_unconfirmed(clock.moment_on(today))
    unpaired = left_unpaired(today)
    for person in unpaired:
        _delete(person, "person_purged")
    people = past_retention(today)
    for person in people:
        anonymise(person)
    db.session.flush()
    return PurgeReport(deleted, len(people), len(unpaired))


def left_unpaired(today: date) -> list[Person]:
    """Return people who left with no pairing (a turned-down proposal aside) before retention."""
    people: list[Person] = []
    for model, statuses in LEFT_UNPAIRED.items():
        ever_paired = select(_pairing_side(model)).where(Pairing.status.in_((*ENDED, *OPEN)))
        rows = db.session.execute(
            select(model, Branch.retention_months).join(Branch, Branch.id == model.branch_id)
            .where(model.status.in_(statuses), model.anonymised_at.is_(None),
                   model.id.not_in(ever_paired))
        ).all()
        people += [person for person, months in rows
                   if add_months(clock.day_of(person.updated_at), months) <= today]
    return people


def _pairing_side(model):
    return Pairing.guide_id if model is Guide else Pairing.refugee_id


def past_retention(today: date) -> list[Person]:
    """Return people not yet anonymised whose last pairing ended longer ago than retention."""
    people: list[Person] = []
    for model in (Guide, Refugee):
        side = _pairing_side(model)
        last_end = (select(side.label("person_id"), func.max(Pairing.ended_on).label("ended_on"))
                    .where(Pairing.status.in_(ENDED)).group_by(side).subquery())
        still_open = select(side).where(Pairing.status.in_(OPEN))
        rows = db.session.execute(
            select(model, last_end.c.ended_on, Branch.retention_months)
            .join(last_end, last_end.c.person_id == model.id)
            .join(Branch, Branch.id == model.branch_id)
            .where(model.anonymised_at.is_(None), model.id.not_in(still_open))
        ).all()
        people += [person for person, ended_on, months in rows
                   if ended_on is not None and add_months(ended_on, months) <= today]
    return people


def anonymise(person: Person) -> None:
    """Remove what identifies a person; keep what the branch's statistics need.

    They leave the working lists: a waiting refugee is withdrawn (no longer
    waiting), a guide inactive; every email to or about them is deleted.
    """
    emails = person_mail.delete_mail(person)
    wiped = {**WIPED_PROFILE, **(WIPED_REFUGEE if isinstance(person, Refugee) else WIPED_GUIDE)}
    for name, value in wiped.items():
        setattr(person, name, value)
    person.ref = new_ref(REF_PREFIX[type(person)])  # an imported ref may carry a name
    if person.birth_year:
        person.birth_year -= person.birth_year % 10
    if isinstance(person, Refugee):
        if person.status == RefugeeStatus.WAITING:
            person.status = RefugeeStatus.WITHDRAWN
    else:
        person.status = GuideStatus.INACTIVE
    person.anonymised_at = clock.now()
    pairing_ids = select(Pairing.id).where(_pairing_side(type(person)) == person.id)
    db.session.execute(update(MeetingLog).where(MeetingLog.pairing_id.in_(pairing_ids)).values(note=""))
    db.session.execute(update(Pause).where(Pause.pairing_id.in_(pairing_ids)).values(note=""))
    db.session.execute(update(Evaluation).where(Evaluation.pairing_id.in_(pairing_ids))
                       .values(works_well="", could_improve=""))
    # A proposal's reasons and an ending's note may name the district, an occupation, a person.
    db.session.execute(update(Pairing).where(Pairing.id.in_(pairing_ids))
                       .values(end_note="", reasons=[]))
    audit.record("person_anonymised", person, emails_deleted=emails)


def _delete(person: Person, action: str) -> None:
    emails = person_mail.delete_mail(person)
    audit.record(action, person, emails_deleted=emails)
    db.session.delete(person)


def erase(person: Person) -> str:
    """Erase a person at their request; return "deleted" or "anonymised".

    Someone with an ended pairing is anonymised rather than deleted, so the
    other person's pairing record and the branch's statistics stay whole.
    """
    side = _pairing_side(type(person))
    if db.session.scalar(select(Pairing.id).where(side == person.id,
                                                  Pairing.status.in_(BINDING_PAIRING_STATUSES))):
        raise DomainError(_("End the person's pairing before erasing their data."))
    if db.session.scalar(select(Pairing.id).where(side == person.id, Pairing.status.in_(ENDED))):
        anonymise(person)
        db.session.flush()
        return "anonymised"
    _delete(person, "person_erased")
    db.session.flush()
    return "deleted"


def export(person: Person) -> dict:
    """Return everything we hold about a person, as plain JSON-able data."""
    side = _pairing_side(type(person))
    owner = Consent.guide_id if isinstance(person, Guide) else Consent.refugee_id
    pairings = db.session.scalars(select(Pairing).where(side == person.id).order_by(Pairing.id)).all()
    consents = db.session.scalars(select(Consent).where(owner == person.id).order_by(Consent.id)).all()
    logs = db.session.scalars(select(MeetingLog).where(MeetingLog.pairing_id.in_([p.id for p in pairings]))
                              .order_by(MeetingLog.met_on)).all()
    return {
        "kind": "guide" if isinstance(person, Guide) else "refugee",
        "profile": record_row(record_from_person(person)),
        "status": person.status.value,
        "email_language": person.locale,
        "emails_turned_off": sorted(kind.value for kind in mail_choices.turned_off(person)),
        "registered_at": person.created_at.isoformat(),
        "consents": [{"kind": c.kind.value, "text_version": c.text_version,
                      "given_at": c.given_at.isoformat()} for c in consents],
        "pairings": [{
            "status": p.status.value,
            "start_date": p.start_date.isoformat() if p.start_date else None,
            "ended_on": p.ended_on.isoformat() if p.ended_on else None,
            "meetings": [{"date": m.met_on.isoformat(), "minutes": m.minutes,
                          "activities": list(m.activities), "note": m.note}
                         for m in logs if m.pairing_id == p.id],
        } for p in pairings],
        "group_meetings": _group_meetings(person),
    }


def _group_meetings(person: Person) -> list[dict]:
    """Return the person's group meetings: invited when, their own answer, whether they came."""
    column = Attendance.guide_id if isinstance(person, Guide) else Attendance.refugee_id
    return [{"starts_at": starts_at.isoformat(), "invited_at": invited_at.isoformat() if invited_at else None,
             "coming": coming, "attended": attended}
            for starts_at, invited_at, coming, attended in db.session.execute(
                select(GroupMeeting.starts_at, Attendance.invited_at, Attendance.coming, Attendance.attended)
                .join(Attendance.meeting).where(column == person.id).order_by(GroupMeeting.starts_at))]
