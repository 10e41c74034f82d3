"""Sign-up and referral: register guides and refugees, confirm their email addresses.

The same answer whether an email is known or not: when the address is already
registered in the branch, nothing is created; that address gets an email
instead (a new confirmation link if it never confirmed, "you are already
registered" otherwise), and the caller shows the same thank-you page. Those
repeat emails are limited (dedupe keys per hour / day) so the forms can't be
used to flood someone's inbox.

People are created by `services.people.create_person`, with the same rules as the
coordinator's form and the CSV import; a profile that breaks one is refused
before the address is looked up, so the answer to bad input never tells whether
an address is known.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from guidematch import links
from guidematch.consent_texts import GUIDE_PRIVACY, REFERRAL_PRIVACY, REFUGEE_PRIVACY, ConsentText
from guidematch.extensions import db
from guidematch.mail import queue_email
from guidematch.models import Branch, Consent, Guide, Refugee
from guidematch.models.branch import new_referral_token
from guidematch.profile import ProfileRecord
from guidematch.profile_csv import PARSERS
from guidematch.services import audit, campaigns, clock, consents, people, person_mail
from guidematch.services.person_rules import check_profile
from guidematch.services.errors import DomainError
from guidematch.vocabulary import (
    CONFIRM_LINK_DAYS, UNCONFIRMED_PURGE_DAYS, GuideStatus, RefugeeStatus,
)

CONFIRM_PURPOSE = "confirm-email"
CONFIRM_MAX_AGE = timedelta(days=CONFIRM_LINK_DAYS)
PERSON_MODELS: dict[str, type[Guide] | type[Refugee]] = {"guide": Guide, "refugee": Refugee}

Outcome = Literal["created", "resent", "known"]


@dataclass(frozen=True)
class SignupResult:
    outcome: Outcome
    person: Guide | Refugee


@dataclass(frozen=True)
class GuideExtras:
    """What a guide's sign-up adds to the profile: the motivation, the commitment seen, and
    the code of the campaign link they came by (if any)."""

    motivation: str
    commitment: ConsentText
    campaign_code: str = ""


@dataclass(frozen=True)
class Caseworker:
    name: str
    email: str
    locale: str


def register_guide(branch: Branch, profile: ProfileRecord, locale: str,
                   extras: GuideExtras) -> SignupResult:
    """Add an unconfirmed guide and email a confirmation link (or answer a known address)."""
    email = _required_email(profile.email)
    values = _profile_values(profile, email, locale, GuideStatus.UNCONFIRMED)
    check_profile("guide", values, clock.today())
    known = _find(Guide, branch, email)
    if known is not None:
        return _answer_known(known, "guide")
    guide = _create(branch, "guide", {**values, "motivation": extras.motivation},
                    "guide_signed_up", "sign-up form")
    if guide is None:
        return _answer_known(_find(Guide, branch, email), "guide")
    # An unknown code, or another branch's, is no reason to lose a sign-up: it just counts
    # under "no campaign".
    campaign = campaigns.for_signup(branch, extras.campaign_code)
    guide.campaign_id = campaign.id if campaign is not None else None
    consents.record(guide, GUIDE_PRIVACY, extras.commitment, given_how="sign-up form")
    _send_confirmation(guide, "guide")
    return SignupResult("created", guide)


def register_refugee(branch: Branch, profile: ProfileRecord, locale: str) -> SignupResult:
    """Add an unconfirmed refugee and email a confirmation link (or answer a known address)."""
    email = _required_email(profile.email)
    values = _profile_values(profile, email, locale, RefugeeStatus.UNCONFIRMED)
    check_profile("refugee", values, clock.today())
    known = _find(Refugee, branch, email)
    if known is not None:
        return _answer_known(known, "refugee")
    refugee = _create(branch, "refugee", values, "refugee_registered", "sign-up form")
    if refugee is None:
        return _answer_known(_find(Refugee, branch, email), "refugee")
    consents.record(refugee, REFUGEE_PRIVACY, given_how="sign-up form")
    _send_confirmation(refugee, "refugee")
    return SignupResult("created", refugee)


def refer_refugee(branch: Branch, profile: ProfileRecord, locale: str,
                  caseworker: Caseworker) -> SignupResult:
    """Add a refugee referred by the municipality; receipts to the refugee and the caseworker.

    A referral is vouched for by the refugee service, so the refugee waits for a
    guide at once; their email address (if any) is confirmed by its own link.
    """
    email = PARSERS["email"](profile.email) if profile.email else None
    caseworker_email = _required_email(caseworker.email, field="caseworker_email")
    values = {**_profile_values(profile, email, locale, RefugeeStatus.WAITING),
              "referred_by_name": caseworker.name, "referred_by_email": caseworker_email}
    check_profile("refugee", values, clock.today())
    known = _find(Refugee, branch, email) if email else None
    refugee = None if known else _create(branch, "refugee", values, "refugee_referred",
                                         "referral form")
    if refugee is None:
        result = _answer_known(known or _find(Refugee, branch, email), "refugee")
    else:
        consents.record(refugee, REFERRAL_PRIVACY, given_how="referral form")
        if email:
            queue_email(to=email, name=refugee.first_name, template="referral_refugee",
                        subject=_l("You are on the list for a refugee guide"), locale=locale,
                        branch_id=branch.id, branch_name=branch.name, days=CONFIRM_LINK_DAYS,
                        confirm_url=_confirm_url(refugee, "refugee"), about=(refugee,))
        result = SignupResult("created", refugee)
    # The caseworker's receipt reads the same either way.
    queue_email(to=caseworker_email, name=caseworker.name, template="referral_caseworker",
                subject=_l("We have received your referral"), locale=caseworker.locale,
                branch_id=branch.id, branch_name=branch.name,
                refugee_first_name=profile.first_name, about=(result.person,))
    return result


def load_confirmation(token: str) -> tuple[str, Guide | Refugee]:
    """Return (kind, person) a confirmation link is for; raise LinkError or LinkExpired."""
    payload = links.verify(CONFIRM_PURPOSE, token, CONFIRM_MAX_AGE)
    model = PERSON_MODELS.get(payload.get("kind", ""))
    person_id = payload.get("id")
    person = db.session.get(model, person_id) if model and type(person_id) is int else None
    # A changed address or an erased person makes an old link worthless.
    if person is None or person.anonymised_at or not _link_is_for_address(payload, person.email):
        raise links.LinkError("no such person")
    return payload["kind"], person


def _link_is_for_address(payload: dict, email: str | None) -> bool:
    if not email:
        return False
    if "email" in payload:
        # Links sent before fingerprints carried the address itself. They are still honoured
        # until they expire (CONFIRM_LINK_DAYS after they were sent); none are made any more.
        return payload["email"] == email
    return hmac.compare_digest(str(payload.get("e", "")),
                               links.fingerprint(CONFIRM_PURPOSE, email))


def confirm_email(kind: str, person: Guide | Refugee) -> bool:
    """Mark the address confirmed and move the person on; False if it was confirmed already."""
    if person.email_confirmed_at is not None:
        return False
    person.email_confirmed_at = clock.now()
    if isinstance(person, Guide) and person.status == GuideStatus.UNCONFIRMED:
        person.status = GuideStatus.APPLIED  # now on the coordinator's list of applicants
    if isinstance(person, Refugee) and person.status == RefugeeStatus.UNCONFIRMED:
        person.status = RefugeeStatus.WAITING
        person.waiting_since = clock.today()
    audit.record("email_confirmed", person, actor=f"{kind} link")
    db.session.flush()
    return True


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete sign-ups whose address was never confirmed within UNCONFIRMED_PURGE_DAYS; return how many.

    For `flask data purge` (cron), which passes the `now` of its `--today`.
    Consents and emails go with the person; the audit log keeps a count per
    branch, never who.
    """
    cutoff = (now or clock.now()) - timedelta(days=UNCONFIRMED_PURGE_DAYS)
    purged: dict[int, int] = {}
    for model, status in ((Guide, GuideStatus.UNCONFIRMED), (Refugee, RefugeeStatus.UNCONFIRMED)):
        owner = Consent.guide_id if model is Guide else Consent.refugee_id
        stale = db.session.scalars(select(model).where(
            model.status == status, model.email_confirmed_at.is_(None), model.created_at < cutoff)).all()
        for person in stale:
            person_mail.delete_mail(person)  # the confirmation email names them
            db.session.execute(delete(Consent).where(owner == person.id))
            db.session.delete(person)
            purged[person.branch_id] = purged.get(person.branch_id, 0) + 1
    for branch_id, count in purged.items():
        audit.record("unconfirmed_purged", branch_id=branch_id, actor="cli", count=count)
    db.session.flush()
    return sum(purged.values())


def renew_referral_link(branch: Branch) -> None:
    """Give the branch a new secret referral link; the old one stops working."""
    branch.referral_token = new_referral_token()
    audit.record("referral_link_renewed", branch)
    db.session.flush()


# --- helpers

def _required_email(raw: str, field: str = "email") -> str:
    try:
        email = PARSERS["email"](raw or "")
    except ValueError:
        email = ""
    if not email:
        raise DomainError(_("Please enter a valid email address, like name@example.org."), field)
    return email


def _find(model, branch: Branch, email: str):
    return db.session.scalar(select(model).where(model.branch_id == branch.id,
                                                 func.lower(model.email) == email.lower()))


def _answer_known(person: Guide | Refugee, kind: str) -> SignupResult:
    now = clock.now()
    audit.record("signup_repeated", person, actor="sign-up form")
    if person.email_confirmed_at is None and person.status in (GuideStatus.UNCONFIRMED,
                                                               RefugeeStatus.UNCONFIRMED):
        _send_confirmation(person, kind, dedupe_key=f"confirm:{kind}:{person.id}:{now:%Y%m%d%H}")
        return SignupResult("resent", person)
    queue_email(to=person.email, name=person.first_name, template="already_registered",
                subject=_l("You are already registered"), locale=person.locale,
                branch_id=person.branch_id, branch_name=person.branch.name,
                contact_email=person.branch.contact_email, kind=kind,
                dedupe_key=f"known:{kind}:{person.id}:{now:%Y%m%d}", about=(person,))
    return SignupResult("known", person)


def _create(branch: Branch, kind: str, values: dict, action: str, actor: str):
    """Create the person; None when a twin request saved the same address a moment ago."""
    try:
        return people.create_person(branch, kind, values, action=action, actor=actor)
    except DomainError as error:
        if error.field != "email":
            raise
        return None  # answered as a known address, so the page tells nobody it was taken


def _profile_values(profile: ProfileRecord, email: str | None, locale: str, status) -> dict:
    """Return what a public form's profile gives `people.create_person`."""
    values = people.record_values(profile)
    values.pop("police_certificate_on", None)  # only a coordinator records that
    return {**values, "email": email, "locale": locale, "status": status}


def confirmation_token(person: Guide | Refugee, kind: str) -> str:
    """Return the token of a person's confirmation link: ids and a fingerprint of the address."""
    # Never the address itself: a link is readable by anyone who sees it (logs, relays).
    return links.sign(CONFIRM_PURPOSE, kind=kind, id=person.id,
                      e=links.fingerprint(CONFIRM_PURPOSE, person.email))


def _confirm_url(person: Guide | Refugee, kind: str) -> str:
    return links.external_url("signup.confirm", token=confirmation_token(person, kind),
                              lang=person.locale)


def _send_confirmation(person: Guide | Refugee, kind: str, dedupe_key: str | None = None) -> None:
    subject = (_l("Confirm your email address to become a guide") if kind == "guide"
               else _l("Confirm your email address"))
    queue_email(to=person.email, name=person.first_name, template=f"confirm_{kind}",
                subject=subject, locale=person.locale, branch_id=person.branch_id,
                branch_name=person.branch.name, days=CONFIRM_LINK_DAYS,
                confirm_url=_confirm_url(person, kind), dedupe_key=dedupe_key, about=(person,))
