"""The life of a pairing: one state machine, and every step along it.

`ALLOWED` is the whole machine; `transition` is its one guard. Each public
function is one step a coordinator (or a person by link, or the daily
reminders run) takes: it checks the rules, changes the records, queues the
emails and writes the audit event, and flushes. The caller commits.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import agreement_texts, programme, unit_of_work
from guidematch.extensions import db
from guidematch.models import Consent, Guide, Pairing
from guidematch.labels import label
from guidematch.services import audit, clock, notify, person_links
from guidematch.services.seats import free_seat, lock_guide, used_seats
from guidematch.services.errors import DomainError
from guidematch.vocabulary import (
    AGREEMENT_LINK_DAYS, BINDING_PAIRING_STATUSES, ConsentKind, EndReason, GuideStatus,
    PairingStatus, RefugeeStatus, Respondent,
)

S = PairingStatus
ALLOWED: dict[PairingStatus, frozenset[PairingStatus]] = {
    S.PROPOSED: frozenset({S.AWAITING_AGREEMENT, S.REJECTED}),
    S.AWAITING_AGREEMENT: frozenset({S.ACTIVE, S.ENDED_EARLY}),
    S.ACTIVE: frozenset({S.COMPLETED, S.ENDED_EARLY}),
    S.COMPLETED: frozenset(),
    S.ENDED_EARLY: frozenset(),
    S.REJECTED: frozenset(),
}

# Guides a coordinator may confirm a pairing with: vetted ones (a PAIRED guide
# may still have a free seat when their capacity was raised).
CONFIRMABLE_GUIDES = frozenset({GuideStatus.APPROVED, GuideStatus.AVAILABLE, GuideStatus.PAIRED})
# Guide statuses an ended pairing may change; others (inactive, rejected) stay as they are.
VETTED_GUIDES = CONFIRMABLE_GUIDES


def can_transition(pairing: Pairing, to: PairingStatus) -> bool:
    return to in ALLOWED[pairing.status]


def transition(pairing: Pairing, to: PairingStatus, **details) -> None:
    """Move `pairing` to `to` and audit it, or raise DomainError if its state does not lead there."""
    if not can_transition(pairing, to):
        raise DomainError(_("A pairing that is “%(now)s” cannot become “%(then)s”.",
                            now=label(pairing.status), then=label(to)))
    before = pairing.status
    pairing.status = to
    audit.record("pairing.status", pairing, before=str(before), after=str(to), **details)


# ---------------------------------------------------------------- seats

def refugee_binding_pairing(refugee_id: int, exclude_id: int | None = None) -> Pairing | None:
    return db.session.scalar(select(Pairing).where(
        Pairing.status.in_(BINDING_PAIRING_STATUSES), Pairing.refugee_id == refugee_id,
        Pairing.id != (exclude_id or 0)))


def _set_guide_availability(guide: Guide, willing: bool = True) -> None:
    """Set a vetted guide's status from their free seats (and whether they want another refugee)."""
    if guide.status not in VETTED_GUIDES:
        return
    if len(used_seats(guide.id)) >= guide.capacity:
        guide.status = GuideStatus.PAIRED
    else:
        guide.status = GuideStatus.AVAILABLE if willing else GuideStatus.APPROVED


# ---------------------------------------------------------------- proposed -> awaiting agreement

def confirm(pairing: Pairing) -> Pairing:
    """Confirm a proposal: take a seat of the guide, and send both the agreement to accept.

    The guide's row lock (services.seats) keeps a capacity change or another
    confirm for the same guide from interleaving. The seat and the refugee are
    also unique among binding pairings in the database: a confirm for the same
    refugee through another guide fails at the flush; we then look again or refuse.
    """
    if not can_transition(pairing, S.AWAITING_AGREEMENT):
        transition(pairing, S.AWAITING_AGREEMENT)  # raises the machine's message
    guide, refugee = pairing.guide, pairing.refugee
    lock_guide(guide)
    if guide.status not in CONFIRMABLE_GUIDES:
        raise DomainError(_("%(name)s is not an approved guide yet.", name=guide.first_name))
    for _attempt in range(guide.capacity + 1):
        _check_refugee_free(pairing)
        seat = free_seat(guide, pairing.id)
        if seat is None:
            raise DomainError(_("%(name)s has no free place: all %(capacity)s are taken.",
                                name=guide.first_name, capacity=guide.capacity))
        try:
            with unit_of_work.savepoint():
                pairing.seat = seat
                pairing.status = S.AWAITING_AGREEMENT
                pairing.confirmed_at = clock.now()
                pairing.agreement_version = pairing.branch.agreement_version
                db.session.flush()
        except IntegrityError:
            continue  # another coordinator took this seat or this refugee just now: look again
        break
    else:
        raise DomainError(_("Someone else changed this guide's pairings just now. Please try again."))
    audit.record("pairing.status", pairing, before=str(S.PROPOSED), after=str(S.AWAITING_AGREEMENT),
                 seat=seat)
    refugee.status = RefugeeStatus.PAIRED
    _set_guide_availability(guide)
    db.session.flush()
    send_agreement(pairing)
    return pairing


def _check_refugee_free(pairing: Pairing) -> None:
    refugee = pairing.refugee
    if refugee_binding_pairing(refugee.id, pairing.id) is not None:
        raise DomainError(_("%(name)s already has a guide.", name=refugee.first_name))
    if refugee.status != RefugeeStatus.WAITING:
        raise DomainError(_("%(name)s is not on the waiting list.", name=refugee.first_name))


def send_agreement(pairing: Pairing, resend: bool = False) -> None:
    """Queue the agreement email to whichever of the two has not accepted it yet (once, unless `resend`)."""
    agreement = agreement_texts.ReaderAgreement(pairing.branch)  # each reads it in their language
    for side, accepted in ((Respondent.GUIDE, pairing.guide_accepted_at),
                           (Respondent.REFUGEE, pairing.refugee_accepted_at)):
        if accepted is None:
            notify.to_person(
                person_links.person_of(pairing, side), template="pairing_agreement",
                subject=_l("Your refugee guide pairing: please accept the agreement"),
                dedupe_key=None if resend else f"agreement:{pairing.id}:{side}",
                pairing=pairing, side=str(side), agreement=agreement, link_days=AGREEMENT_LINK_DAYS,
                other_name=person_links.other_person(pairing, side).first_name,
                accept_url=person_links.agreement_url(pairing, side))


def reject(pairing: Pairing) -> Pairing:
    """Turn a proposal down (keeping it out of later runs is the matching page's part)."""
    transition(pairing, S.REJECTED)
    db.session.flush()
    return pairing


# ---------------------------------------------------------------- awaiting agreement -> active

def accept_agreement(pairing: Pairing, side: Respondent, today: date | None = None,
                     locale: str | None = None) -> bool:
    """Record one side's acceptance (by their link); activate when both have; say if it was new.

    `locale` is the language the person read the agreement in (default: the
    current one); the consent names the words of that language.
    """
    if pairing.status != S.AWAITING_AGREEMENT:
        raise DomainError(_("This agreement is no longer open for acceptance."))
    column = "guide_accepted_at" if side == Respondent.GUIDE else "refugee_accepted_at"
    if getattr(pairing, column) is not None:
        return False
    setattr(pairing, column, clock.now())
    _consent(pairing, side, agreement_texts.consent_version(
        pairing.branch, locale or agreement_texts.current_locale()))
    audit.record("pairing.agreement_accepted", pairing, actor=f"{side} link", side=str(side),
                 version=pairing.branch.agreement_version)
    if pairing.guide_accepted_at and pairing.refugee_accepted_at:
        activate(pairing, today)
    db.session.flush()
    return True


def record_paper_agreement(pairing: Pairing, today: date | None = None) -> Pairing:
    """Record that both signed the agreement on paper, and activate the pairing."""
    if pairing.status != S.AWAITING_AGREEMENT:
        transition(pairing, S.ACTIVE)  # raises the machine's message
    version = f"{pairing.branch.agreement_version}/paper"
    for side, accepted in ((Respondent.GUIDE, pairing.guide_accepted_at),
                           (Respondent.REFUGEE, pairing.refugee_accepted_at)):
        if accepted is None:
            _consent(pairing, side, version)
    pairing.paper_agreement = True
    audit.record("pairing.paper_agreement", pairing, version=pairing.branch.agreement_version)
    activate(pairing, today)
    db.session.flush()
    return pairing


def _consent(pairing: Pairing, side: Respondent, version: str) -> None:
    person_column = "guide_id" if side == Respondent.GUIDE else "refugee_id"
    db.session.add(Consent(branch_id=pairing.branch_id, pairing_id=pairing.id, kind=ConsentKind.AGREEMENT,
                           text_version=version, **{person_column: getattr(pairing, person_column)}))


def activate(pairing: Pairing, today: date | None = None) -> Pairing:
    """Start the pairing today: set its start, its earliest end and its planned end."""
    transition(pairing, S.ACTIVE)
    branch = pairing.branch
    pairing.start_date = today or clock.today()
    pairing.earliest_end, pairing.planned_end = programme.end_dates(
        pairing.start_date, branch.min_months, branch.max_months)
    if pairing.agreement_version is None:
        pairing.agreement_version = branch.agreement_version
    return pairing


# ---------------------------------------------------------------- the end

def end_early(pairing: Pairing, reason: EndReason, note: str = "", guide_available: bool = True,
              today: date | None = None) -> Pairing:
    """End a pairing before its time: the refugee waits again (same place in the queue)."""
    reason = EndReason(reason)
    if reason == EndReason.COMPLETED:
        raise DomainError(_("Choose why the pairing ends early."), "reason")
    transition(pairing, S.ENDED_EARLY, reason=str(reason), guide_available=guide_available)
    _close(pairing, today, reason, note)
    refugee = pairing.refugee
    if refugee.status == RefugeeStatus.PAIRED:
        refugee.status = RefugeeStatus.WAITING  # waiting_since is kept: no new queue place
    _set_guide_availability(pairing.guide, guide_available)
    db.session.flush()
    return pairing


def complete(pairing: Pairing, today: date | None = None, guide_available: bool = True) -> Pairing:
    """Complete a pairing that reached its earliest end; thank both."""
    today = today or clock.today()
    if pairing.status == S.ACTIVE and pairing.earliest_end and today < pairing.earliest_end:
        raise DomainError(_("The pairing can end normally from %(date)s; before that, end it early "
                            "with a reason.", date=pairing.earliest_end.isoformat()))
    transition(pairing, S.COMPLETED)
    _close(pairing, today, EndReason.COMPLETED, "")
    if pairing.refugee.status == RefugeeStatus.PAIRED:
        pairing.refugee.status = RefugeeStatus.DONE
    _set_guide_availability(pairing.guide, guide_available)
    db.session.flush()
    for side in Respondent:
        notify.to_person(person_links.person_of(pairing, side), template="pairing_completed",
                         subject=_l("Thank you for your time as a pair"),
                         dedupe_key=f"completed:{pairing.id}:{side}", pairing=pairing, side=str(side),
                         other_name=person_links.other_person(pairing, side).first_name)
    return pairing


def _close(pairing: Pairing, today: date | None, reason: EndReason, note: str) -> None:
    pairing.ended_on = today or clock.today()
    pairing.end_reason = reason
    pairing.end_note = note.strip()
