"""Guides and refugees: the one mapping between the CSV form and the models, and the one
way to create and change them.

The coordinator's forms, the CSV import (`services.people_csv`), the public
sign-up and the referral (`services.signup`) all create and change people through
`create_person` / `update_person`, so every one of them meets the same rules
(`services.person_rules`) and gets the same kind of reference. The import, the
export and the matching adapter translate between the CSV form and the database
through `record_values` / `record_from_person` only.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from guidematch import vocabulary as v
from guidematch.extensions import db
from guidematch.models import Branch, Guide, Pairing, Refugee
from guidematch.models.people import new_ref
from guidematch.profile import Kind, ProfileRecord
from guidematch.profile_csv import COLUMNS
from guidematch.services import audit, clock
from guidematch.services.person_rules import check_profile
from guidematch.services.errors import DomainError
from guidematch.services.seats import binding_count, lock_guide

Person = Guide | Refugee
MODELS: dict[str, type[Guide] | type[Refugee]] = {"guide": Guide, "refugee": Refugee}
REF_PREFIX = {"guide": "g", "refugee": "r"}

# Columns that are the same attribute on the model and the record.
_PLAIN = (
    "first_name", "last_name", "phone", "gender", "gender_preference", "birth_year",
    "languages", "interests", "activities", "family_situation", "availability", "district",
    "lat", "lon", "education_level", "occupation",
)
_GUIDE_PLAIN = ("has_car", "has_pets", "capacity")
_REFUGEE_PLAIN = ("country_of_origin", "norwegian_level", "pets_ok", "interpreter_needed")

# Fields a coordinator may set in the forms, beyond the CSV form's columns.
FORM_ONLY = {
    "guide": ("ref", "email", "locale", "coordinator_notes", "status", "motivation", "interview_on",
              "intro_course_on", "confidentiality_signed_on", "police_certificate_on",
              "rejection_reason"),
    "refugee": ("ref", "email", "locale", "coordinator_notes", "status", "waiting_since",
                "referred_by_name", "referred_by_email"),
}
# Never written into an audit event's details: who a person is, and what was said about them.
SENSITIVE = frozenset({
    "first_name", "last_name", "email", "phone", "birth_year", "lat", "lon", "occupation",
    "coordinator_notes", "motivation", "rejection_reason", "referred_by_name", "referred_by_email",
})


def kind_of(person: Person) -> Kind:
    return "guide" if isinstance(person, Guide) else "refugee"


# --- the mapping -------------------------------------------------------------------

def record_from_person(person: Person) -> ProfileRecord:
    """Return the CSV form of a guide or refugee."""
    kind = kind_of(person)
    values: dict[str, Any] = {name: getattr(person, name) for name in _PLAIN}
    extra = _GUIDE_PLAIN if kind == "guide" else _REFUGEE_PLAIN
    values.update({name: getattr(person, name) for name in extra})
    if kind == "guide":
        values["police_certificate"] = person.police_certificate_on is not None
    else:
        values["waiting_since"] = person.waiting_since
    for name in ("last_name", "phone", "district", "occupation"):
        values[name] = values[name] or ""
    if kind == "refugee":
        values["country_of_origin"] = values["country_of_origin"] or ""
    return ProfileRecord(kind=kind, id=person.ref, email=person.email or "",
                         branch=person.branch.slug if person.branch else "", **values)


def record_values(record: ProfileRecord, columns: Iterable[str] | None = None,
                  person: Person | None = None, today: date | None = None) -> dict[str, Any]:
    """Return a record's values keyed by the model's attribute names, for create/update_person.

    With `columns`, only those CSV columns are given (a file that leaves a
    column out leaves that field as it was). `person` is who the record updates.
    """
    kind = record.kind
    wanted = set(COLUMNS[kind] if columns is None else columns) - {"branch"}
    values: dict[str, Any] = {}
    if "id" in wanted and record.id:
        values["ref"] = record.id
    if "email" in wanted:
        values["email"] = record.email or None
    extra = _GUIDE_PLAIN if kind == "guide" else _REFUGEE_PLAIN
    values.update({name: getattr(record, name) for name in (*_PLAIN, *extra) if name in wanted})
    if kind == "guide" and "police_certificate" in wanted:
        if not record.police_certificate:
            values["police_certificate_on"] = None
        elif person is None or person.police_certificate_on is None:
            values["police_certificate_on"] = today or clock.today()
    if kind == "refugee" and "waiting_since" in wanted and record.waiting_since is not None:
        values["waiting_since"] = record.waiting_since
    return values


# --- checks shared by the forms and the import ------------------------------------

def _email_taken(branch_id: int, model, email: str, except_id: int | None = None) -> bool:
    stmt = select(model.id).where(model.branch_id == branch_id, func.lower(model.email) == email.lower())
    if except_id is not None:
        stmt = stmt.where(model.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _ref_taken(branch_id: int, model, ref: str, except_id: int | None = None) -> bool:
    stmt = select(model.id).where(model.branch_id == branch_id, model.ref == ref)
    if except_id is not None:
        stmt = stmt.where(model.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


def person_pairings(person: Person) -> list[Pairing]:
    """Return every pairing this guide or refugee has had, newest first."""
    column = Pairing.guide_id if isinstance(person, Guide) else Pairing.refugee_id
    return list(db.session.scalars(select(Pairing).where(column == person.id)
                                   .order_by(Pairing.proposed_at.desc(), Pairing.id.desc())))


def _unique_ref(branch: Branch, kind: Kind) -> str:
    while True:
        ref = new_ref(REF_PREFIX[kind])
        if not _ref_taken(branch.id, MODELS[kind], ref):
            return ref


PROFILE_CHECKED = ("first_name", "last_name", "gender", "birth_year", "languages", "ref")


def _check(person: Person, today: date) -> None:
    """Raise DomainError where a guide or refugee breaks a rule of the programme."""
    check_profile(kind_of(person), {name: getattr(person, name) for name in PROFILE_CHECKED}, today)
    # The person's unsaved changes must not be flushed by these queries: a taken
    # email would then fail as an integrity error instead of a message on the field.
    with db.session.no_autoflush:
        _check_rules(person, today)


def _check_rules(person: Person, today: date) -> None:
    model = type(person)
    if person.email and _email_taken(person.branch_id, model, person.email, person.id):
        raise DomainError(_("Someone in this branch has this email address already."), "email")
    if _ref_taken(person.branch_id, model, person.ref, person.id):
        raise DomainError(_("This reference is used by someone else in this branch."), "ref")
    if isinstance(person, Guide):
        seats = binding_count(person)
        if person.capacity < seats:
            raise DomainError(_("This guide has %(n)s refugees now; the capacity cannot be lower.",
                                n=seats), "capacity")
        vetted = (v.GuideStatus.APPROVED, v.GuideStatus.AVAILABLE, v.GuideStatus.PAIRED)
        if person.status in vetted and not person.credentials_complete:
            raise DomainError(_("Record the interview, the introduction course and the signed "
                                "confidentiality declaration before approving a guide."), "status")


def _check_status_change(person: Person, old_status) -> None:
    # "Paired" follows the pairings; a coordinator cannot set or clear it by hand.
    paired = v.GuideStatus.PAIRED if isinstance(person, Guide) else v.RefugeeStatus.PAIRED
    if person.status != old_status and paired in (person.status, old_status):
        raise DomainError(_("The status “paired” is set and cleared by the person's pairings."),
                          "status")


# --- create and update: the one way in ---------------------------------------------

def _assign(person: Person, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if name in ("languages", "interests", "activities", "availability"):
            value = tuple(value or ())
        elif name == "email":
            value = (value or "").strip().lower() or None
        elif isinstance(value, str):
            value = value.strip()
        elif name in ("lat", "lon") and value is not None:
            value = round(float(value), 6)  # what the CSV form keeps
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    return changed


def _allowed(kind: Kind, values: Mapping[str, Any]) -> dict[str, Any]:
    extra = _GUIDE_PLAIN if kind == "guide" else _REFUGEE_PLAIN
    allowed = set(_PLAIN) | set(extra) | set(FORM_ONLY[kind])
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not fields of a {kind}: {sorted(unknown)}")
    return dict(values)


def create_person(branch: Branch, kind: Kind, values: Mapping[str, Any], today: date | None = None,
                  *, action: str | None = "", actor: str = "") -> Person:
    """Add a guide or refugee to a branch: for the forms, the import, the sign-up and the referral.

    The audit event is `action` (default "<kind>_created"); None records none (the
    import records one event for the whole file).
    """
    today = today or clock.today()
    values = _allowed(kind, values)
    person = MODELS[kind](branch=branch, branch_id=branch.id)
    if not values.get("ref"):
        values["ref"] = _unique_ref(branch, kind)
    if kind == "refugee" and not values.get("waiting_since"):
        values["waiting_since"] = today
    values.setdefault("status", v.GuideStatus.APPLIED if kind == "guide" else v.RefugeeStatus.WAITING)
    _assign(person, values)
    if person.status in (v.GuideStatus.PAIRED, v.RefugeeStatus.PAIRED):
        raise DomainError(_("The status “paired” is set and cleared by the person's pairings."), "status")
    _check(person, today)
    db.session.add(person)
    db.session.flush()
    if action is not None:
        audit.record(action or f"{kind}_created", person, actor=actor)
    return person


def update_person(person: Person, values: Mapping[str, Any], today: date | None = None,
                  *, audited: bool = True, actor: str = "") -> list[str]:
    """Change a guide or refugee; return the names of the fields changed.

    `actor` names who changed it when it is not the logged-in coordinator (the audit log's
    "guide link" when a guide updates their free times from their weekly email).
    """
    today = today or clock.today()
    kind = kind_of(person)
    values = _allowed(kind, values)
    if "ref" in values and not values["ref"]:
        values.pop("ref")
    if isinstance(person, Guide) and "capacity" in values:
        lock_guide(person)  # no confirm may take a seat between the check below and the commit
    old_status = person.status
    changed = _assign(person, values)
    _check_status_change(person, old_status)
    _check(person, today)
    if changed:
        db.session.flush()
        if audited:
            audit.record(f"{kind}_updated", person, actor=actor, fields=sorted(changed))
    return changed


def create_guide(branch: Branch, values: Mapping[str, Any], today: date | None = None) -> Guide:
    """Add a guide to a branch."""
    return create_person(branch, "guide", values, today)  # type: ignore[return-value]


def create_refugee(branch: Branch, values: Mapping[str, Any], today: date | None = None) -> Refugee:
    """Add a refugee to a branch."""
    return create_person(branch, "refugee", values, today)  # type: ignore[return-value]


update_guide = update_person
update_refugee = update_person
