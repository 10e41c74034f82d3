"""The adapter from the models to the matching core, and the steps on proposals.

Who is matched, with which scores (the core's, through the CSV form of the
profiles), and what is kept from run to run: locks, and rejected pairs.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from guidematch.matching import Forbidden, Reason, score_matrix
from guidematch.models import AuditEvent, MatchExclusion, Pairing
from guidematch.profile_csv import read_profiles
from guidematch.services import eligibility, matching, people_csv, proposal_store, proposals, waiting
from guidematch.services.errors import DomainError
from guidematch.vocabulary import GuideStatus, PairingStatus, RefugeeStatus
from tests import factories
from tests.matchingpage.conftest import TODAY


def proposed(branch) -> set[tuple[str, str]]:
    return {(p.guide.first_name, p.refugee.first_name) for p in proposal_store.proposals(branch)}


def test_only_waiting_refugees_and_available_vetted_guides_with_a_place_are_matched(db, branch):
    other = factories.make_branch()
    factories.make_guide(branch, first_name="Available")
    factories.make_guide(branch, first_name="Applied", status=GuideStatus.APPLIED)
    factories.make_guide(branch, first_name="Unvetted", intro_course_on=None)
    factories.make_guide(branch, first_name="Inactive", status=GuideStatus.INACTIVE)
    full = factories.make_guide(branch, first_name="Full", capacity=1)
    factories.make_active_pairing(branch, guide=full)
    factories.make_guide(other, first_name="Elsewhere")
    for name in ("Amal", "Rania", "Huda"):
        factories.make_refugee(branch, first_name=name, waiting_since=date(2026, 1, 1))
    factories.make_refugee(branch, first_name="Paired", status=RefugeeStatus.PAIRED)
    factories.make_refugee(branch, first_name="Withdrawn", status=RefugeeStatus.WITHDRAWN)
    factories.make_refugee(other, first_name="Farther")

    summary = matching.run_matching(branch)
    db.session.commit()

    assert (summary.refugees, summary.guides, summary.proposed) == (3, 1, 1)
    [(guide, refugee)] = proposed(branch)
    assert guide == "Available"
    assert sorted(r.first_name for r, _why in summary.unmatched) == sorted(
        {"Amal", "Rania", "Huda"} - {refugee})
    assert {why for _r, why in summary.unmatched} == {waiting.GUIDES_TAKEN}


def test_a_guide_gets_only_the_places_left_after_their_pairings(db, branch):
    guide = factories.make_guide(branch, first_name="Kari", capacity=3)
    factories.make_active_pairing(branch, guide=guide)
    for _ in range(4):
        factories.make_refugee(branch)
    summary = matching.run_matching(branch)
    assert summary.proposed == 2
    assert [p.guide_id for p in proposal_store.proposals(branch)] == [guide.id, guide.id]


def test_proposals_carry_the_cores_score_and_reasons_in_the_readers_words(db, branch):
    factories.make_guide(branch, first_name="Kari", interests=("hiking", "fishing"),
                         languages=("nb", "ar"))
    factories.make_refugee(branch, first_name="Amal", interests=("hiking",), languages=("ar",))
    matching.run_matching(branch)
    [pairing] = proposal_store.proposals(branch)
    assert 0 < pairing.score <= 100
    assert {"key": "interests", "params": {"interests": ["hiking"]}} in pairing.reasons
    assert "begge liker fotturer" in proposal_store.reason_words(pairing.reasons, "nb")
    assert "both enjoy hiking" in proposal_store.reason_words(pairing.reasons, "en")


def test_the_page_proposes_what_the_command_line_proposes_for_the_same_people(
        db, branch, runner, tmp_path):
    """No second scoring code: the people in their CSV form give the same pairs and scores."""
    guides = [("female", ("hiking",)), ("male", ("football", "fishing")),
              ("female", ("cooking", "music"))]
    for n, (gender, interests) in enumerate(guides):
        factories.make_guide(branch, first_name=f"G{n}", gender=gender, interests=interests,
                             birth_year=1960 + 9 * n, district="Kroken" if n else "Hamna")
    refugees = [("male", "same", ("football",)), ("female", "any", ("cooking", "hiking")),
                ("female", "female", ("music",)), ("male", "any", ("fishing",))]
    for n, (gender, preference, interests) in enumerate(refugees):
        factories.make_refugee(branch, first_name=f"R{n}", gender=gender, interests=interests,
                               gender_preference=preference, birth_year=1970 + 8 * n,
                               waiting_since=date(2026, 1 + 2 * n, 1), district="Kroken")
    summary = matching.run_matching(branch)
    db.session.commit()
    page = {(p.guide.ref, p.refugee.ref): p.score for p in proposal_store.proposals(branch)}
    assert summary.proposed == len(page) == 3

    files = {kind: tmp_path / f"{kind}s.csv" for kind in ("guide", "refugee")}
    for kind, path in files.items():
        path.write_text(people_csv.export_csv(branch, kind), encoding="utf-8")
    out = tmp_path / "pairs.csv"
    result = runner.invoke(args=["match", "solve", "--guides", str(files["guide"]),
                                 "--refugees", str(files["refugee"]), "--out", str(out),
                                 "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))
    assert {(row["guide_id"], row["refugee_id"]): float(row["score"]) for row in rows} == page

    read = {kind: read_profiles(io.StringIO(path.read_text(encoding="utf-8")), kind)
            for kind, path in files.items()}
    table = score_matrix(read["guide"], read["refugee"], None, TODAY)
    for (g, r), score in page.items():
        exact = table.scores[table.guide_ids.index(g), table.refugee_ids.index(r)]
        assert score == round(float(exact), 1)


def test_a_run_replaces_unlocked_proposals_and_keeps_locked_ones(db, branch):
    kari = factories.make_guide(branch, first_name="Kari", interests=("hiking",))
    factories.make_guide(branch, first_name="Ola", interests=("games",))
    amal = factories.make_refugee(branch, first_name="Amal", interests=("hiking",))
    rania = factories.make_refugee(branch, first_name="Rania", interests=("music",))
    matching.run_matching(branch)
    assert proposed(branch) == {("Kari", "Amal"), ("Ola", "Rania")}

    made = proposals.manual_pair(kari, rania)  # the coordinator prefers Kari for Rania, locked
    db.session.commit()
    assert made.pairing.locked and made.displaced == [amal]   # Kari has one place
    assert proposed(branch) == {("Kari", "Rania")}
    locked_id = made.pairing.id

    for _ in range(2):
        summary = matching.run_matching(branch)
        db.session.commit()
        assert proposed(branch) == {("Kari", "Rania"), ("Ola", "Amal")}
        assert summary.locked == 1
        assert db.session.get(Pairing, locked_id).locked
    proposals.unlock(db.session.get(Pairing, locked_id))
    matching.run_matching(branch)
    assert proposed(branch) == {("Kari", "Amal"), ("Ola", "Rania")}


def test_a_rejected_pair_is_never_proposed_again(db, branch):
    kari = factories.make_guide(branch, first_name="Kari")
    amal = factories.make_refugee(branch, first_name="Amal")
    matching.run_matching(branch)
    [proposal] = proposal_store.proposals(branch)
    proposals.reject_proposal(proposal)
    db.session.commit()
    assert proposal.status == PairingStatus.REJECTED
    assert db.session.scalar(select(MatchExclusion).where(MatchExclusion.guide_id == kari.id,
                                                          MatchExclusion.refugee_id == amal.id))
    summary = matching.run_matching(branch)
    assert summary.proposed == 0 and proposal_store.proposals(branch) == []
    assert summary.unmatched == [(amal, waiting.NO_ALLOWED_GUIDE)]
    assert waiting.waiting_without_proposal(branch) == [   # Kari is of her kind, but rejected
        waiting.Waiting(amal, waiting.NO_ALLOWED_GUIDE, fitting=0, rule=Forbidden.EXCLUDED,
                        need=waiting.Need(available=1))]
    assert matching.score_pair(kari, amal).forbidden == Forbidden.EXCLUDED
    with pytest.raises(DomainError, match="avvist tidligere"):
        proposals.manual_pair(kari, amal)

    proposals.allow_again(kari, amal)   # the coordinator changes their mind
    assert matching.run_matching(branch).proposed == 1


def test_pairing_by_hand_is_refused_for_a_broken_hard_rule_naming_it(db, branch):
    kari = factories.make_guide(branch, first_name="Kari", has_pets=True)
    amal = factories.make_refugee(branch, first_name="Amal", pets_ok=False)
    ahmad = factories.make_refugee(branch, first_name="Ahmad", gender="male",
                                   gender_preference="male")
    with pytest.raises(DomainError) as refused:
        proposals.manual_pair(kari, amal)
    assert refused.value.message == ("Kari og Amal kan ikke bli et par: flyktningen tåler ikke "
                                     "dyr, og guiden har dyr.")
    with pytest.raises(DomainError, match="Ahmad ønsker å bli paret med en mann"):
        proposals.manual_pair(kari, ahmad)
    assert db.session.scalars(select(Pairing)).all() == []


def test_a_minor_needs_a_guide_with_a_police_certificate(db, branch):
    kari = factories.make_guide(branch, first_name="Kari")
    young = factories.make_refugee(branch, first_name="Selam", birth_year=TODAY.year - 17)
    assert matching.score_pair(kari, young).forbidden == Forbidden.POLICE_CERTIFICATE
    assert matching.run_matching(branch).proposed == 0
    kari.police_certificate_on = date(2026, 3, 1)
    assert matching.run_matching(branch).proposed == 1


def test_score_pair_shows_the_same_score_as_the_core(db, branch):
    kari = factories.make_guide(branch, interests=("hiking", "cooking"),
                                availability=("mon_evening",))
    amal = factories.make_refugee(branch, interests=("hiking",),
                                  availability=("mon_evening", "sat_day"))
    assessed = matching.score_pair(kari, amal)
    table = score_matrix([eligibility.guide_record(kari, 1)], people_csv.export_records([amal]),
                         None, TODAY)
    assert assessed.allowed and assessed.score == float(table.scores[0, 0])
    assert Reason("interests", {"interests": ("hiking",)}) in assessed.reasons


def test_pairing_by_hand_replaces_the_refugees_proposal_and_makes_room(db, branch):
    kari = factories.make_guide(branch, first_name="Kari", capacity=1, interests=("hiking",))
    factories.make_guide(branch, first_name="Ola", capacity=1)
    amal = factories.make_refugee(branch, first_name="Amal", interests=("hiking",))
    rania = factories.make_refugee(branch, first_name="Rania")
    matching.run_matching(branch)
    assert proposed(branch) == {("Kari", "Amal"), ("Ola", "Rania")}
    plan = proposals.plan_manual_pair(kari, rania)

    def names(pairings):
        return [(p.guide.first_name, p.refugee.first_name) for p in pairings]

    assert names(plan.replaced) == [("Ola", "Rania")]
    assert names(plan.displaced) == [("Kari", "Amal")]
    made = proposals.manual_pair(kari, rania)
    assert [r.first_name for r in made.displaced] == ["Amal"]
    assert proposed(branch) == {("Kari", "Rania")}
    with pytest.raises(DomainError, match="tatt av låste forslag"):
        proposals.manual_pair(kari, amal)


def test_a_locked_proposal_that_can_no_longer_hold_is_removed_and_said_so(db, branch):
    kari = factories.make_guide(branch, first_name="Kari")
    amal = factories.make_refugee(branch, first_name="Amal")
    made = proposals.manual_pair(kari, amal)
    db.session.commit()
    amal.status = RefugeeStatus.WITHDRAWN
    summary = matching.run_matching(branch)
    assert summary.dropped == [
        "Det låste forslaget Kari – Amal ble fjernet: Amal står ikke lenger på ventelisten."]
    assert db.session.get(Pairing, made.pairing.id) is None


def test_a_locked_proposal_whose_profiles_now_break_a_rule_is_removed(db, branch):
    kari = factories.make_guide(branch, first_name="Kari")
    amal = factories.make_refugee(branch, first_name="Amal")
    proposals.manual_pair(kari, amal)
    amal.pets_ok, kari.has_pets = False, True
    summary = matching.run_matching(branch)
    assert summary.proposed == 0 and len(summary.dropped) == 1
    assert "tåler ikke dyr" in summary.dropped[0]


def test_who_waits_without_a_proposal_and_why(db, branch):
    factories.make_guide(branch, first_name="Kari", gender="female")
    amal = factories.make_refugee(branch, first_name="Amal", waiting_since=date(2026, 1, 1))
    rania = factories.make_refugee(branch, first_name="Rania", waiting_since=date(2026, 2, 1))
    ahmad = factories.make_refugee(branch, first_name="Ahmad", gender="male",
                                   gender_preference="same", pets_ok=False)
    matching.run_matching(branch)
    assert proposed(branch) == {("Kari", "Amal")}   # the longer wait wins
    assert waiting.waiting_without_proposal(branch) == [
        # who is ahead of Rania: the refugee given the one guide who fits her
        waiting.Waiting(rania, waiting.GUIDES_TAKEN, fitting=1, ahead=(amal,), ahead_total=1),
        # no male guide without pets exists at all, available or not
        waiting.Waiting(ahmad, waiting.NO_ALLOWED_GUIDE, rule=Forbidden.GENDER_PREFERENCE,
                        need=waiting.Need(gender="male", no_pets=True))]
    proposals.reject_proposal(proposal_store.proposals(branch)[0])   # Kari is free again
    assert waiting.Waiting(rania, waiting.GUIDE_FREE, fitting=1, ahead=(amal,),
                           ahead_total=1) in waiting.waiting_without_proposal(branch)


def test_why_waiting_counts_guides_of_the_kind_needed_who_are_not_available(db, branch):
    factories.make_guide(branch, first_name="Kari", gender="female")
    factories.make_guide(branch, first_name="Ola", gender="male", status=GuideStatus.APPLIED)
    factories.make_guide(branch, first_name="Per", gender="male", has_pets=True,
                         status=GuideStatus.INACTIVE)
    ahmad = factories.make_refugee(branch, first_name="Ahmad", gender="male",
                                   gender_preference="same", pets_ok=False)
    late = factories.make_refugee(branch, first_name="Late")
    matching.run_matching(branch)
    assert [(w.refugee, w.reason, w.need) for w in waiting.waiting_without_proposal(branch)] == [
        (ahmad, waiting.NO_ALLOWED_GUIDE, waiting.Need(gender="male", no_pets=True, registered=1))]
    fresh = factories.make_refugee(branch, first_name="Fresh")   # the run has not seen her
    assert [(w.refugee, w.reason) for w in waiting.waiting_without_proposal(branch)][-1] == (
        fresh, waiting.NOT_IN_RUN)
    assert late.id in {p.refugee_id for p in proposal_store.proposals(branch)}


def test_accepting_a_proposal_confirms_it(db, branch):
    factories.make_guide(branch)
    factories.make_refugee(branch)
    matching.run_matching(branch)
    [proposal] = proposal_store.proposals(branch)
    proposals.accept_proposal(proposal)
    assert proposal.status == PairingStatus.AWAITING_AGREEMENT
    with pytest.raises(DomainError, match="ikke lenger et forslag"):
        proposals.lock(proposal)


def test_every_step_is_audited_without_names(db, branch):
    kari = factories.make_guide(branch, first_name="Kari")
    amal = factories.make_refugee(branch, first_name="Amal")
    matching.run_matching(branch)
    [proposal] = proposal_store.proposals(branch)
    proposals.lock(proposal)
    proposals.unlock(proposal)
    proposals.reject_proposal(proposal)
    proposals.allow_again(kari, amal)
    proposals.manual_pair(kari, amal)
    db.session.commit()
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["matching.run", "matching.lock", "matching.unlock", "pairing.status",
                       "matching.exclude", "matching.allow_again", "matching.manual_pair"]
    details = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert "Kari" not in details and "Amal" not in details


def test_stored_reasons_survive_a_round_trip_and_bad_ones_are_skipped(db):
    reasons = (Reason("interests", {"interests": ("hiking", "fishing")}),
               Reason("waiting", {"days": 200}))
    assert proposal_store.reasons_from_json(proposal_store.reasons_to_json(reasons)) == reasons
    stored = proposal_store.reasons_to_json(reasons) + [
        {"key": "no_such_reason", "params": {}}, "junk", {"key": 3}]
    assert proposal_store.reason_words(stored, "nb") == ["begge liker fotturer og fisking",
                                                   "har ventet i 6 måneder"]
    assert proposal_store.reason_words(None, "nb") == []
