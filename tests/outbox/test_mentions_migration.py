"""Revision a7c3e91f0b52 finds whom the emails already written are to and about."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import text

from guidematch import create_app
from guidematch.extensions import db
from guidematch.models import Guide, Pairing
from guidematch.vocabulary import PairingStatus
from tests import conftest, factories
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture)


def test_old_emails_get_the_recipient_the_partner_and_the_referred_refugee(empty_database_url):
    app = create_app(conftest._test_config(empty_database_url))
    with app.app_context():
        upgrade(revision="a71c3e9f2b58")  # the revision before the mentions
        branch = factories.make_branch()
        # The guide through the table, not the model: the model has columns added since
        # (guides.campaign_id), which this revision's table has not.
        kari_id = db.session.execute(sa.insert(Guide.__table__).values(
            branch_id=branch.id, ref="g-kari", first_name="Kari", last_name="Nordmann",
            email="kari@example.org", gender="female", birth_year=1980, status="available",
        ).returning(Guide.__table__.c.id)).scalar_one()
        db.session.commit()
        zahra = factories.make_refugee(branch, first_name="Zahra", email="zahra@example.org",
                                       referred_by_email="nina@nav.example.org")
        db.session.execute(sa.insert(Pairing.__table__).values(
            branch_id=branch.id, guide_id=kari_id, refugee_id=zahra.id, status=PairingStatus.ACTIVE))
        db.session.commit()
        zahra_id = zahra.id

        # The table as this revision has it (the model may have grown columns since).
        table = sa.Table("outbox_messages", sa.MetaData(), autoload_with=db.engine)

        def mail(to, body, template=""):
            now = datetime.now(timezone.utc)
            message_id = db.session.execute(table.insert().values(
                branch_id=branch.id, to_address=to, subject="s", body_text=body, template=template,
                attachments=[], status="queued", next_attempt_at=now, created_at=now,
            ).returning(table.c.id)).scalar_one()
            db.session.commit()
            return message_id
        ids = {"to kari": mail("Kari@example.org", "Hei Kari, du er paret med Zahra."),
               "to zahra": mail("zahra@example.org", "Hi Zahra, your guide is Kari."),
               "receipt": mail("nina@nav.example.org", "Zahra is on the list.",
                               "referral_caseworker"),
               "unrelated": mail("ola@example.org", "Hei Ola.")}
        db.session.remove()
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT message_id, guide_id, refugee_id FROM outbox_mentions")).all()
        about = {name: sorted(("guide", g) if g else ("refugee", r)
                              for m, g, r in rows if m == message_id)
                 for name, message_id in ids.items()}
        assert about == {
            "to kari": [("guide", kari_id), ("refugee", zahra_id)],
            "to zahra": [("guide", kari_id), ("refugee", zahra_id)],
            "receipt": [("refugee", zahra_id)],
            "unrelated": [],
        }
        db.engine.dispose()
