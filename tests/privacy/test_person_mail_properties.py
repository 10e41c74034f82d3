"""For any outbox, erasing a person's mail takes exactly the emails to or about them."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from guidematch.models import OutboxMention, OutboxMessage
from guidematch.services import person_mail
from tests import factories

PEOPLE = 4  # two guides, two refugees; index PEOPLE is an address that is nobody's

# One email: whom it is to (an index into the people), whom it mentions.
emails = st.lists(st.tuples(st.integers(0, PEOPLE), st.sets(st.integers(0, PEOPLE - 1))),
                  max_size=12)


def test_exactly_the_emails_to_or_about_the_person_go(db, branch):
    people = [factories.make_guide(branch), factories.make_guide(branch),
              factories.make_refugee(branch), factories.make_refugee(branch)]

    @settings(max_examples=40, deadline=None)
    @given(outbox=emails, erased=st.integers(0, PEOPLE - 1))
    def check(outbox, erased):
        try:
            expected_gone, ids = set(), []
            for to, about in outbox:
                # Upper case: an address is matched whatever its case.
                address = (people[to].email if to < PEOPLE else "someone@example.org").upper()
                message = OutboxMessage(branch_id=branch.id, to_address=address, subject="s",
                                        body_text="t")
                db.session.add(message)
                db.session.flush()
                for index in about:
                    key = "guide_id" if index < 2 else "refugee_id"
                    db.session.add(OutboxMention(message_id=message.id,
                                                 **{key: people[index].id}))
                ids.append(message.id)
                if to == erased or erased in about:
                    expected_gone.add(message.id)
            db.session.flush()

            assert person_mail.delete_mail(people[erased]) == len(expected_gone)
            assert set(db.session.scalars(select(OutboxMessage.id))) == set(ids) - expected_gone
        finally:
            db.session.rollback()

    check()
