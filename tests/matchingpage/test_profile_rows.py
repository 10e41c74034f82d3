"""A run's profiles, read from the rows, are the ones `record_from_person` makes: every field."""
from __future__ import annotations

from datetime import date

from guidematch.matching.synthetic import profiles
from guidematch.models import Guide, Refugee
from guidematch.services import people, profile_rows
from tests import factories


def test_profiles_from_the_rows_equal_record_from_person_on_every_field(db, branch):
    guides, refugees = profiles(25, 40, seed=7, today=date(2026, 11, 2))
    made = []
    for k, record in enumerate(guides + refugees):
        values = people.record_values(record, today=date(2026, 11, 2))
        values.pop("ref", None)
        values.update(last_name=f"Rows{k}", email=f"rows{k}@example.org")
        made.append(people.create_person(branch, record.kind, values, date(2026, 11, 2),
                                         action=None))
    made.append(factories.make_guide(branch, police_certificate_on=date(2026, 2, 1),
                                     last_name="", district="", availability=()))
    made.append(factories.make_refugee(branch, languages=(), country_of_origin=""))
    db.session.commit()
    db.session.expire_all()
    for model in (Guide, Refugee):
        mine = [p for p in made if isinstance(p, model)]
        rows = profile_rows.records(model, [p.id for p in mine])
        assert len(rows) == len(mine)
        for person in mine:
            assert rows[person.id] == people.record_from_person(person)
            assert rows[person.id].line == 0
    assert profile_rows.records(Guide, []) == {}
