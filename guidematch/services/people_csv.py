"""CSV import and export of a branch's guides and refugees: every row is saved, or none.

The fields are translated by `services.people` (`apply_record`, `record_from_person`),
the cells by `profile_csv`; this module adds the rules of a whole file: ids
update people of the branch, the branch column must be this branch, emails are
unique within the file and the branch.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import vocabulary as v
from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.profile import Kind, ProfileRecord
from guidematch.profile_csv import COLUMNS, CsvError, profiles_to_csv, read_profiles
from guidematch.services import audit
from guidematch.services.people import MODELS, Person, apply_record, binding_count, record_from_person


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


def import_profiles(branch: Branch, kind: Kind, records: Sequence[ProfileRecord], *,
                    filename: str = "<upload>", header: Sequence[str] | None = None,
                    actor: str = "", today: date | None = None) -> ImportResult:
    """Add or update (by `id`) a branch's guides or refugees: all the records, or none.

    Raises CsvError naming the file, line, column and value of the first record
    that cannot be saved; the caller then rolls back, so nothing is written.
    """
    today = today or date.today()
    model = MODELS[kind]
    header = list(header) if header is not None else list(COLUMNS[kind])
    existing = {p.ref: p for p in db.session.scalars(select(model).where(model.branch_id == branch.id))}
    refs_in_file = {record.id for record in records}
    others_emails = {(p.email or "").lower(): p.ref for p in existing.values()
                     if p.email and p.ref not in refs_in_file}
    seen_emails: dict[str, int] = {}

    def fail(record: ProfileRecord, column: str, value: str, message: str) -> CsvError:
        return CsvError(filename, record.line, _where(header, column), value, message)

    for record in records:
        if record.kind != kind:
            raise fail(record, "id", record.id, f"is a {record.kind}, not a {kind}")
        if record.branch and record.branch != branch.slug:
            raise fail(record, "branch", record.branch, f"belongs to another branch than {branch.slug}")
        email = record.email.lower()
        if "email" in header and email:
            if email in seen_emails:
                raise fail(record, "email", record.email,
                           f"the same email is on line {seen_emails[email]}")
            if email in others_emails:
                raise fail(record, "email", record.email,
                           f"another {kind} of the branch ({others_emails[email]}) has this email")
            seen_emails[email] = record.line
        if kind == "guide" and record.id in existing and "capacity" in header:
            seats = binding_count(existing[record.id])
            if record.capacity < seats:
                raise fail(record, "capacity", str(record.capacity),
                           f"the guide has {seats} refugees now")

    created = updated = unchanged = 0
    for record in records:
        person = existing.get(record.id)
        if person is None:
            person = model(branch=branch, branch_id=branch.id)
            if kind == "guide":
                person.status = v.GuideStatus.APPLIED
            else:
                person.status = v.RefugeeStatus.WAITING
                person.waiting_since = today
            apply_record(person, record, COLUMNS[kind], today)  # defaults for absent columns
            db.session.add(person)
            created += 1
        elif apply_record(person, record, header, today):
            updated += 1
        else:
            unchanged += 1
    try:
        db.session.flush()
    except IntegrityError:  # e.g. two people swapping emails: the database checks each row on its own
        raise CsvError(filename, 0, "", "", "the rows could not be saved together (an email or id "
                       "would be used twice in the branch while saving); import them in two files") from None
    audit.record("profiles_imported", None, branch_id=branch.id, actor=actor, kind=kind,
                 created=created, updated=updated, unchanged=unchanged)
    return ImportResult(kind, created, updated, unchanged)


def import_csv_text(branch: Branch, kind: Kind, text: str, filename: str = "<upload>",
                    actor: str = "", today: date | None = None) -> ImportResult:
    """Parse and import a whole CSV text (see import_profiles); raise CsvError on bad input."""
    records = read_profiles(io.StringIO(text, newline=""), kind, filename=filename)
    return import_profiles(branch, kind, records, filename=filename, header=header_of(text),
                           actor=actor, today=today)


def export_records(people: Iterable[Person]) -> list[ProfileRecord]:
    return [record_from_person(person) for person in people if person.anonymised_at is None]


def branch_people(branch: Branch, kind: Kind) -> list[Person]:
    model = MODELS[kind]
    return list(db.session.scalars(select(model).where(model.branch_id == branch.id)
                                   .order_by(model.id)))


def export_csv(branch: Branch, kind: Kind, people: Iterable[Person] | None = None) -> str:
    """Return a branch's guides or refugees (or the given ones) in the CSV form."""
    people = branch_people(branch, kind) if people is None else people
    if any(person.branch_id != branch.id for person in people):
        raise ValueError("export of another branch's people")
    return profiles_to_csv(export_records(people), kind)
