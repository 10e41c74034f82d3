"""Profiles for the matching core read straight from the rows, for runs at city scale.

`services.people.record_from_person` is the one mapping from a model to the
CSV form; for a run over 2,000 refugees it builds every tag as an ORM object
and sorts them on every read. This reads the same columns and tags with two
plain queries and builds the same `ProfileRecord`s (tests/matchingpage/
test_profile_rows.py holds the two equal on every field).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch, Guide, Refugee
from guidematch.models.people import LIST_FIELDS
from guidematch.profile import ProfileRecord
from guidematch.services import people

_LISTS = {kind: name for name, kind in LIST_FIELDS.items()}
_TEXT = ("last_name", "phone", "district", "occupation", "country_of_origin")


def records(model: type[Guide] | type[Refugee], ids: Collection[int]) -> dict[int, ProfileRecord]:
    """Return the profiles of these people (by id), equal to `people.record_from_person`'s."""
    if not ids:
        return {}
    kind = "guide" if model is Guide else "refugee"
    plain = [name for name in people._PLAIN if name not in LIST_FIELDS]  # noqa: SLF001
    extra = list(people._GUIDE_PLAIN if kind == "guide" else people._REFUGEE_PLAIN)  # noqa: SLF001
    own = ["police_certificate_on"] if kind == "guide" else ["waiting_since"]
    columns = [getattr(model, name) for name in ("id", "ref", "email", *plain, *extra, *own)]
    wanted = list(ids)
    rows = db.session.execute(select(*columns, Branch.slug).join(Branch, Branch.id ==
                                                                  model.branch_id)
                              .where(model.id.in_(wanted))).mappings().all()
    tag = model.tag_class
    owner = getattr(tag, f"{kind}_id")
    lists: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for person_id, tag_kind, value in db.session.execute(
            select(owner, tag.kind, tag.value).where(owner.in_(wanted))
            .order_by(owner, tag.kind, tag.position)):
        lists[person_id][_LISTS[tag_kind]].append(value)
    found = {}
    for row in rows:
        values = {name: row[name] for name in plain + extra}
        values.update({name: tuple(lists[row["id"]].get(name, ())) for name in LIST_FIELDS})
        for name in _TEXT:
            if name in values:
                values[name] = values[name] or ""
        if kind == "guide":
            values["police_certificate"] = row["police_certificate_on"] is not None
        else:
            values["waiting_since"] = row["waiting_since"]
        found[row["id"]] = ProfileRecord(kind=kind, id=row["ref"], email=row["email"] or "",
                                         branch=row["slug"] or "", **values)
    return found
