"""A person can see and erase their data; the retention rules keep no more than needed."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from guidematch.models import AuditEvent, Guide, MeetingLog, OutboxMessage, Refugee
from guidematch.vocabulary import EndReason, GuideStatus, PairingStatus, RefugeeStatus
from tests import factories


def _ended_pairing(branch, ended_on: date, **refugee_fields):
    guide = factories.make_guide(branch, first_name="Ingrid", email="ingrid@example.org")
    refugee = factories.make_refugee(branch, **{"first_name": "Amal", "email": "amal@example.org",
                                                "status": RefugeeStatus.DONE, **refugee_fields})
    pairing = factories.make_pairing(guide, refugee, status=PairingStatus.COMPLETED,
                                     start_date=ended_on - timedelta(days=330), ended_on=ended_on,
                                     end_reason=EndReason.COMPLETED)
    return guide, refugee, pairing


def test_coordinator_downloads_everything_held_about_a_refugee(client, logged_in, branch, db):
    guide, refugee, pairing = _ended_pairing(branch, date(2026, 5, 1), first_name="Оксана")
    db.session.add(MeetingLog(pairing_id=pairing.id, met_on=date(2026, 1, 5), minutes=150, note="kafé"))
    db.session.commit()
    response = client.get(f"/refugees/{refugee.id}/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["first_name"] == "Оксана"
    assert data["pairings"][0]["meetings"] == [
        {"date": "2026-01-05", "minutes": 150, "activities": [], "note": "kafé"}]
    assert db.session.query(AuditEvent).filter_by(action="person_data_exported").count() == 1


def test_erasing_someone_never_paired_deletes_them_and_their_waiting_mail(client, logged_in, branch, db):
    refugee = factories.make_refugee(branch, email="gone@example.org")
    db.session.add(OutboxMessage(branch_id=branch.id, to_address="gone@example.org", subject="s", body_text="b"))
    db.session.commit()
    response = client.post(f"/refugees/{refugee.id}/erase")
    assert response.status_code == 302 and response.location == "/refugees"
    assert db.session.get(Refugee, refugee.id) is None
    assert db.session.query(OutboxMessage).count() == 0


def test_erasing_someone_with_an_ended_pairing_anonymises_them(client, logged_in, branch, db):
    guide, refugee, pairing = _ended_pairing(branch, date(2026, 5, 1))
    client.post(f"/guides/{guide.id}/erase")
    guide = db.session.get(Guide, guide.id)
    assert guide.anonymised_at is not None
    assert guide.email is None and guide.first_name == "—" and guide.status == GuideStatus.INACTIVE
    assert guide.birth_year == 1980  # kept to the decade, for statistics


def test_someone_in_an_active_pairing_cannot_be_erased(client, logged_in, branch, db):
    guide = factories.make_guide(branch)
    factories.make_pairing(guide, factories.make_refugee(branch), status=PairingStatus.ACTIVE)
    response = client.post(f"/guides/{guide.id}/erase", follow_redirects=True)
    assert db.session.get(Guide, guide.id).anonymised_at is None
    assert response.status_code == 200


def test_purge_anonymises_people_past_the_retention_period_only(runner, branch, db):
    old_guide, old_refugee, _ = _ended_pairing(branch, date(2024, 1, 10))
    recent = factories.make_refugee(branch, first_name="Recent", status=RefugeeStatus.DONE)
    factories.make_pairing(factories.make_guide(branch), recent, status=PairingStatus.COMPLETED,
                           start_date=date(2025, 6, 1), ended_on=date(2026, 5, 1))
    result = runner.invoke(args=["data", "purge", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Refugee, old_refugee.id).first_name == "—"
    assert db.session.get(Guide, old_guide.id).email is None
    assert db.session.get(Refugee, recent.id).first_name == "Recent"
    again = runner.invoke(args=["data", "purge", "--today", "2026-11-22"])
    assert "anonymised 0 people" in again.output


def test_purge_deletes_unconfirmed_sign_ups_after_30_days(runner, branch, db):
    old = factories.make_guide(branch, status=GuideStatus.UNCONFIRMED,
                               created_at=datetime.now(timezone.utc) - timedelta(days=31))
    fresh = factories.make_guide(branch, status=GuideStatus.UNCONFIRMED)
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0 and "Deleted 1 unconfirmed" in result.output
    assert db.session.get(Guide, old.id) is None and db.session.get(Guide, fresh.id) is not None


# ---------------------------------------------------------------- erasure leaves the working lists

def _counts(client) -> dict[str, int]:
    """The waiting and available counts as the dashboard, matching page and lists show them."""
    dashboard = client.get("/").get_data(as_text=True)
    matching = client.get("/matching").get_data(as_text=True)
    refugees = client.get("/refugees").get_data(as_text=True)
    guides = client.get("/guides").get_data(as_text=True)

    def said(page, words):  # a number the dashboard says in a sentence
        return int(re.search(r"(\d+) " + words, page).group(1))

    def tab(page, label):  # a list's status tab: the label, then its count
        return int(re.search(label + r' <span class="badge[^"]*">(\d+)</span>', page).group(1))
    return {
        "dashboard waiting": said(dashboard, "flyktning(?:er)? venter på en guide"),
        "dashboard guides": said(dashboard, "guider? kan ta imot en flyktning nå"),
        "matching waiting": int(re.search(r"<strong>(\d+)</strong> flyktninger venter",
                                          matching).group(1)),
        "matching guides": int(re.search(r"<strong>(\d+)</strong> tilgjengelige guider",
                                         matching).group(1)),
        "list waiting": tab(refugees, "Venter på guide"),
        "list guides": tab(guides, "Ledig"),
        "pages": dashboard + matching + refugees + guides
        + client.get("/refugees?status=waiting").get_data(as_text=True)
        + client.get("/guides?status=available").get_data(as_text=True),
    }


def test_erased_people_leave_the_waiting_list_and_every_count(client, logged_in, branch, db):
    for name in ("Rania", "Omar", "Sara"):
        factories.make_refugee(branch, first_name=name, last_name="Waiting")
    for name in ("Kari", "Ola"):
        factories.make_guide(branch, first_name=name, last_name="Ready")
    # Back on the waiting list after an early end, and a guide free again: erasing
    # them anonymises both (their ended pairing stays in the statistics).
    ingrid = factories.make_guide(branch, first_name="Ingrid", last_name="Eraseme")
    amal = factories.make_refugee(branch, first_name="Amal", last_name="Eraseme")
    factories.make_pairing(ingrid, amal, status=PairingStatus.ENDED_EARLY, seat=None,
                           start_date=date(2026, 1, 5), ended_on=date(2026, 4, 1),
                           end_reason=EndReason.MOVED)
    before = _counts(client)
    assert "Eraseme" in before["pages"]
    assert {before[k] for k in before if "waiting" in k} == {4}
    assert {before[k] for k in before if "guides" in k} == {3}

    assert client.post(f"/refugees/{amal.id}/erase").status_code == 302
    assert client.post(f"/guides/{ingrid.id}/erase").status_code == 302

    after = _counts(client)
    assert {after[k] for k in after if "waiting" in k} == {3}
    assert {after[k] for k in after if "guides" in k} == {2}
    assert "Eraseme" not in after["pages"] and "Amal" not in after["pages"]
    assert "Ingrid" not in after["pages"]
    refugee = db.session.get(Refugee, amal.id)
    assert refugee.anonymised_at is not None and refugee.status == RefugeeStatus.WITHDRAWN


def _filled_in(model, branch, **fields):
    make = factories.make_guide if model is Guide else factories.make_refugee
    common = dict(last_name="Haddad", phone="+47 400 00 000", lat=59.9, lon=10.7,
                  district="Grünerløkka", occupation="Apotektekniker", education_level="bachelor",
                  coordinator_notes="Ringer helst om kvelden", gender_preference="same",
                  birth_year=1987, languages=("ar", "nb"), interests=("fishing",),
                  activities=("driving_practice",), availability=("mon_evening",))
    return make(branch, **common, **fields)


def test_anonymising_empties_every_field_docs_privacy_md_lists_as_wiped(branch, db):
    from guidematch.services import privacy

    guide = _filled_in(Guide, branch, motivation="Jeg vil hjelpe", rejection_reason="x",
                       has_car=True, has_pets=True, ref="ingrid-hansen")
    refugee = _filled_in(Refugee, branch, referred_by_name="NAV Grorud",
                         referred_by_email="nav@example.org", norwegian_level="A2",
                         interpreter_needed=True, pets_ok=False, country_of_origin="SY")
    pairing = factories.make_pairing(guide, refugee, status=PairingStatus.COMPLETED, seat=None,
                                     end_note="Flyttet til Bergen", reasons=[{"key": "district",
                                     "params": {"district": "Grünerløkka"}}])
    db.session.add(OutboxMessage(branch_id=branch.id, to_address=refugee.email, subject="s",
                                 body_text="Hei Amal"))
    db.session.commit()
    privacy.anonymise(guide)
    privacy.anonymise(refugee)
    db.session.commit()
    for person, wiped in ((guide, privacy.WIPED_GUIDE), (refugee, privacy.WIPED_REFUGEE)):
        person = db.session.get(type(person), person.id)
        for name, empty in {**privacy.WIPED_PROFILE, **wiped}.items():
            assert getattr(person, name) == empty, name
        assert person.birth_year == 1980 and person.gender == "female"
    assert db.session.get(Guide, guide.id).ref != "ingrid-hansen"
    assert db.session.get(Refugee, refugee.id).country_of_origin == "SY"  # kept for reports
    pairing = db.session.get(type(pairing), pairing.id)
    assert pairing.end_note == "" and pairing.reasons == []
    assert pairing.status == PairingStatus.COMPLETED
    assert db.session.query(OutboxMessage).count() == 0


def test_docs_privacy_md_names_every_column_and_the_wiped_ones_as_wiped():
    from guidematch.services import privacy

    text = (Path(__file__).parents[2] / "docs" / "privacy.md").read_text(encoding="utf-8")
    wiped_part, kept_part = text.split("## Wiped")[1].split("## Kept")
    kept_part = kept_part.split("## ")[0]

    def named(part):  # the backticked names in the first column of a table
        return {name for line in part.splitlines() if line.startswith("| `")
                for name in re.findall(r"`(\w+)`", line.split("|")[1])}
    wiped = set(privacy.WIPED_PROFILE) | set(privacy.WIPED_GUIDE) | set(privacy.WIPED_REFUGEE)
    assert named(wiped_part) == wiped | {"ref"}
    columns = {c.name for model in (Guide, Refugee) for c in model.__table__.columns}
    assert columns - {"id", "updated_at"} <= named(wiped_part) | named(kept_part)
    assert not named(kept_part) & wiped
