"""Import and export of a branch's guides and refugees (CSV, XLSX): every row is saved, or none.

Rows are created and changed by `services.people` (`create_person`, `update_person`,
with the same rules as every other way in), their cells read by `profile_csv`;
this module adds the rules of a whole file: ids update people of the branch, the
branch column must be this branch, emails are unique within the file and the
branch. A rule a row breaks becomes a CsvError that names its line and column.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import unit_of_work
from guidematch.consent_texts import GUIDE_PRIVACY
from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.models.people import with_all_tags
from guidematch.profile import Kind, ProfileRecord
from guidematch.profile_csv import (
    N_, CsvError, ProfileFile, profiles_to_csv, profiles_to_xlsx, read_profile_bytes, record_row,
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
class RowOutcome:
    """What an import does with one row: create, update (these columns) or leave it."""

    line: int
    action: str  # CREATE, UPDATE or UNCHANGED
    name: str
    changed: tuple[str, ...] = ()


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class ImportResult:
    kind: Kind
    created: int
    updated: int
    unchanged: int
    rows: tuple[RowOutcome, ...] = ()
    refused: tuple[CsvError, ...] = ()
    encoding: str = "UTF-8"
    separator: str = ","

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def of(self, action: str) -> list[RowOutcome]:
        """Return the rows the import does `action` with, in file order."""
        return [row for row in self.rows if row.action == action]


class _Undo(Exception):
    """Raised inside a preview's savepoint to roll everything it wrote back."""

    def __init__(self, result: ImportResult):
        self.result = result


def paper_consent(imported_by: str) -> str:
    """Return how an imported guide gave consent, for their Consent record."""
    return f"paper form, imported by {imported_by}"  # a record, kept as written, not a UI text


def import_file(branch: Branch, kind: Kind, data: bytes, filename: str = "<upload>", *,
                actor: str = "", imported_by: str = "", today: date | None = None
                ) -> ImportResult:
    """Import a CSV or XLSX file's bytes: all rows, or raise CsvError at the first refusal.

    The caller rolls back on CsvError, so a file with one bad row writes nothing.
    """
    file = read_profile_bytes(data, kind, filename)
    return apply_file(branch, file, actor=actor, imported_by=imported_by, today=today)


def preview_file(branch: Branch, kind: Kind, data: bytes, filename: str = "<upload>", *,
                 imported_by: str = "", today: date | None = None) -> ImportResult:
    """Return what importing the file would do, every refused row with it; write nothing.

    The rows are really saved, each in a savepoint of its own (so a refused row
    does not hide the next one's outcome), then all of it is rolled back: the
    preview applies exactly the rules the import will.
    """
    file = read_profile_bytes(data, kind, filename, keep_going=True)
    try:
        with unit_of_work.savepoint():
            raise _Undo(apply_file(branch, file, imported_by=imported_by, today=today,
                                   keep_going=True))
    except _Undo as undo:
        return undo.result


def apply_file(branch: Branch, file: ProfileFile, *, actor: str = "", imported_by: str = "",
               today: date | None = None, keep_going: bool = False) -> ImportResult:
    """Add or update (by `id`) a branch's guides or refugees from a parsed file.

    Raises CsvError naming the file, line, column and value of the first row that
    cannot be saved; with `keep_going`, such rows are returned as refused instead.
    New guides get a privacy consent given on paper, imported by `imported_by`.
    """
    today = today or clock.today()
    kind, model = file.kind, MODELS[file.kind]
    existing = {p.ref: p for p in
                db.session.scalars(select(model).where(model.branch_id == branch.id)
                                   .options(with_all_tags(model)))}
    problems = _file_problems(branch, file, existing)
    if problems and not keep_going:
        raise problems[min(problems)]
    refused = list(file.refused)
    rows: list[RowOutcome] = []
    for record in file.records:
        if record.line in problems:
            refused.append(problems[record.line])
            continue
        try:
            if keep_going:
                with unit_of_work.savepoint():
                    rows.append(_apply(branch, file, record, existing, imported_by, today))
            else:
                rows.append(_apply(branch, file, record, existing, imported_by, today))
        except CsvError as error:
            if not keep_going:
                raise
            refused.append(error)
    counts = {action: sum(row.action == action for row in rows)
              for action in (CREATE, UPDATE, UNCHANGED)}
    if not keep_going:
        audit.record("profiles_imported", None, branch_id=branch.id, actor=actor, kind=kind,
                     created=counts[CREATE], updated=counts[UPDATE], unchanged=counts[UNCHANGED])
    return ImportResult(kind, counts[CREATE], counts[UPDATE], counts[UNCHANGED], tuple(rows),
                        tuple(sorted(refused, key=lambda error: error.line)), file.encoding,
                        file.separator)


def _apply(branch: Branch, file: ProfileFile, record: ProfileRecord,
           existing: dict[str, Person], imported_by: str, today: date) -> RowOutcome:
    """Save one row; raise CsvError where the people service refuses it."""
    kind, person = file.kind, existing.get(record.id)
    name = " ".join(part for part in (record.first_name, record.last_name) if part)
    try:
        if person is None:
            person = create_person(branch, kind, record_values(record, today=today), today,
                                   action=None)
            if kind == "guide":
                consents.record(person, GUIDE_PRIVACY, given_how=paper_consent(imported_by))
            existing[record.id] = person
            return RowOutcome(record.line, CREATE, name)
        changed = update_person(person, record_values(record, file.columns, person, today),
                                today, audited=False)
        columns = tuple(file.where(_COLUMN_OF.get(field, field)) for field in changed)
        return RowOutcome(record.line, UPDATE if changed else UNCHANGED, name, columns)
    except DomainError as error:
        column = _COLUMN_OF.get(error.field or "", error.field or "")
        value = record_row(record).get(column, "")
        raise CsvError(file.filename, record.line, file.where(column) if column else "", value,
                       error.message) from None
    except IntegrityError:  # the database checks each row on its own, e.g. two swapped emails
        raise CsvError(file.filename, record.line, "", "", N_(
            "the rows could not be saved together (an email or id would be used twice in the "
            "branch while saving); import them in two files")) from None


def _file_problems(branch: Branch, file: ProfileFile, existing: dict[str, Person]
                   ) -> dict[int, CsvError]:
    """Return, by line, the first rule of the whole file a row breaks: kind, branch, emails."""
    kind, records, header = file.kind, file.records, file.columns
    refs_in_file = {record.id for record in records}
    others_emails = {(p.email or "").lower(): p.ref for p in existing.values()
                     if p.email and p.ref not in refs_in_file}
    seen_emails: dict[str, int] = {}
    problems: dict[int, CsvError] = {}

    def fail(record: ProfileRecord, column: str, value: str, message: str, **params) -> None:
        problems[record.line] = CsvError(file.filename, record.line, file.where(column), value,
                                         message, **params)

    for record in records:
        email = record.email.lower()
        if record.kind != kind:
            fail(record, "id", record.id, OTHER_KIND[kind])
        elif record.branch and record.branch != branch.slug:
            fail(record, "branch", record.branch,
                 N_("belongs to another branch than %(branch)s"), branch=branch.slug)
        elif "email" in header and email and email in seen_emails:
            fail(record, "email", record.email, N_("the same email is on line %(first_line)s"),
                 first_line=seen_emails[email])
        elif "email" in header and email and email in others_emails:
            fail(record, "email", record.email, EMAIL_OF_ANOTHER[kind], ref=others_emails[email])
        elif (kind == "guide" and record.id in existing and "capacity" in header
              and record.capacity < binding_count(existing[record.id])):
            fail(record, "capacity", str(record.capacity), N_("the guide has %(n)s refugees now"),
                 n=binding_count(existing[record.id]))
        if email and "email" in header:
            seen_emails.setdefault(email, record.line)
    return problems


def import_csv_text(branch: Branch, kind: Kind, text: str, filename: str = "<upload>",
                    actor: str = "", imported_by: str = "", today: date | None = None
                    ) -> ImportResult:
    """Parse and import a whole CSV text (see import_file); raise CsvError on bad input."""
    return import_file(branch, kind, text.encode("utf-8"), filename, actor=actor,
                       imported_by=imported_by, today=today)


def export_records(people: Iterable[Person]) -> list[ProfileRecord]:
    """Return the CSV form of people not anonymised, each with their status."""
    return [dataclasses.replace(record_from_person(person), status=str(person.status.value))
            for person in people if person.anonymised_at is None]


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


def export_xlsx(branch: Branch, kind: Kind, title: str, people: Iterable[Person] | None = None
                ) -> bytes:
    """Return a branch's guides or refugees (or the given ones) as a workbook."""
    people = branch_people(branch, kind) if people is None else list(people)
    if any(person.branch_id != branch.id for person in people):
        raise ValueError("export of another branch's people")
    return profiles_to_xlsx(export_records(people), kind, title)
