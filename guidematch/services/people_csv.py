"""CSV import and export of a branch's guides and refugees: every row is saved, or none.

Rows are created and changed by `services.people` (`create_person`, `update_person`,
with the same rules as every other way in), their cells read by `profile_csv`;
this module adds the rules of a whole file: ids update people of the branch, the
branch column must be this branch, emails are unique within the file and the
branch. A rule a row breaks becomes a CsvError that names its line and column.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch.consent_texts import GUIDE_PRIVACY
from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.models.people import with_all_tags
from guidematch.profile import Kind, ProfileRecord
from guidematch.profile_csv import (
    COLUMNS, N_, CsvError, profiles_to_csv, read_profiles, record_row,
)
from guidematch.services import audit, clock, consents
from guidematch.services.errors import DomainError
from guidematch.services.people import (
    MODELS, Person, binding_count, create_person, record_from_person, record_values, update_person,
)

# The column of the CSV form a model attribute is read from, where the names differ.
_COLUMN_OF = {"ref": "id", "police_certificate_on": "police_certificate"}
OTHER_KIND = {"guide": N_("is a refugee, not a guide"), "refugee": N_("is a guide, not a refugee")}
EMAIL_OF_ANOTHER = {"guide": N_("another guide of the branch (%(ref)s) has this email"),
                    "refugee": N_("another refugee of the branch (%(ref)s) has this email")}


@dataclass(frozen=True)
class ImportResult:
    kind: Kind
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def header_of(text: str) -> list[str]:
    """Return the column names of a CSV text's first line."""
    first = next(csv.reader(io.StringIO(text)), [])
    return [name.strip().lstrip("\ufeff") for name in first]


def _where(header: Sequence[str], name: str) -> str:
    return f"{list(header).index(name) + 1} ({name})" if name in header else name


def paper_consent(imported_by: str) -> str:
    """Return how an imported guide gave consent, for their Consent record."""
    return f"paper form, imported by {imported_by}"  # a record, kept as written, not a UI text


def import_profiles(branch: Branch, kind: Kind, records: Sequence[ProfileRecord], *,
                    filename: str = "<upload>", header: Sequence[str] | None = None,
                    actor: str = "", imported_by: str = "", today: date | None = None
                    ) -> ImportResult:
    """Add or update (by `id`) a branch's guides or refugees: all the records, or none.

    Raises CsvError naming the file, line, column and value of the first record
    that cannot be saved; the caller then rolls back, so nothing is written.
    New guides get a privacy consent given on paper, imported by `imported_by`.
    """
    today = today or clock.today()
    model = MODELS[kind]
    header = list(header) if header is not None else list(COLUMNS[kind])
    existing = {p.ref: p for p in db.session.scalars(
        select(model).where(model.branch_id == branch.id).options(with_all_tags(model)))}
    _check_file(branch, kind, records, header, filename, existing)

    created = updated = unchanged = 0
    for record in records:
        person = existing.get(record.id)
        try:
            if person is None:
                person = create_person(branch, kind, record_values(record, today=today), today,
                                       action=None)
                if kind == "guide":
                    consents.record(person, GUIDE_PRIVACY, given_how=paper_consent(imported_by))
                created += 1
            elif update_person(person, record_values(record, header, person, today), today,
                               audited=False):
                updated += 1
            else:
                unchanged += 1
        except DomainError as error:
            column = _COLUMN_OF.get(error.field or "", error.field or "")
            value = record_row(record).get(column, "")
            raise CsvError(filename, record.line, _where(header, column) if column else "", value,
                           error.message) from None
        except IntegrityError:  # the database checks each row on its own, e.g. two swapped emails
            raise CsvError(filename, record.line, "", "", N_(
                "the rows could not be saved together (an email or id would be used twice in the "
                "branch while saving); import them in two files")) from None
    audit.record("profiles_imported", None, branch_id=branch.id, actor=actor, kind=kind,
                 created=created, updated=updated, unchanged=unchanged)
    return ImportResult(kind, created, updated, unchanged)


def _check_file(branch: Branch, kind: Kind, records: Sequence[ProfileRecord], header: list[str],
                filename: str, existing: dict[str, Person]) -> None:
    """Raise CsvError where the file as a whole says no: kind, branch, emails, capacity."""
    refs_in_file = {record.id for record in records}
    others_emails = {(p.email or "").lower(): p.ref for p in existing.values()
                     if p.email and p.ref not in refs_in_file}
    seen_emails: dict[str, int] = {}

    def fail(record: ProfileRecord, column: str, value: str, message: str, **params) -> CsvError:
        return CsvError(filename, record.line, _where(header, column), value, message, **params)

    for record in records:
        if record.kind != kind:
            raise fail(record, "id", record.id, OTHER_KIND[kind])
        if record.branch and record.branch != branch.slug:
            raise fail(record, "branch", record.branch,
                       N_("belongs to another branch than %(branch)s"), branch=branch.slug)
        email = record.email.lower()
        if "email" in header and email:
            if email in seen_emails:
                raise fail(record, "email", record.email,
                           N_("the same email is on line %(first_line)s"),
                           first_line=seen_emails[email])
            if email in others_emails:
                raise fail(record, "email", record.email, EMAIL_OF_ANOTHER[kind],
                           ref=others_emails[email])
            seen_emails[email] = record.line
        if kind == "guide" and record.id in existing and "capacity" in header:
            seats = binding_count(existing[record.id])
            if record.capacity < seats:
                raise fail(record, "capacity", str(record.capacity),
                           N_("the guide has %(n)s refugees now"), n=seats)


def import_csv_text(branch: Branch, kind: Kind, text: str, filename: str = "<upload>",
                    actor: str = "", imported_by: str = "", today: date | None = None
                    ) -> ImportResult:
    """Parse and import a whole CSV text (see import_profiles); raise CsvError on bad input."""
    today = today or clock.today()
    records = read_profiles(io.StringIO(text, newline=""), kind, filename=filename)
    return import_profiles(branch, kind, records, filename=filename, header=header_of(text),
                           actor=actor, imported_by=imported_by, today=today)


def export_records(people: Iterable[Person]) -> list[ProfileRecord]:
    return [record_from_person(person) for person in people if person.anonymised_at is None]


def branch_people(branch: Branch, kind: Kind) -> list[Person]:
    model = MODELS[kind]
    return list(db.session.scalars(select(model).where(model.branch_id == branch.id)
                                   .order_by(model.id).options(with_all_tags(model))))


def export_csv(branch: Branch, kind: Kind, people: Iterable[Person] | None = None) -> str:
    """Return a branch's guides or refugees (or the given ones) in the CSV form."""
    people = branch_people(branch, kind) if people is None else people
    if any(person.branch_id != branch.id for person in people):
        raise ValueError("export of another branch's people")
    return profiles_to_csv(export_records(people), kind)
