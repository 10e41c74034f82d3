"""The one adapter from the models to the matching core: who may be matched, a run, a pair's score.

Who may be matched is decided here, once: waiting refugees, and available guides
with their credentials complete and a free place (capacity minus the pairings
that hold a place, passed to the core as `capacity`). Profiles go to the core
through `services.people.record_from_person`, so the scores on the page are the
scores of `flask match` for the same people. A proposal's reasons are stored as
the core's structured `Reason`s and put into words when shown, in the reader's
language. The coordinator's steps on single proposals are in `services.proposals`.
"""
from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from guidematch import matching as core
from guidematch.extensions import db
from guidematch.matching import Forbidden, MatchInputError, Reason
from guidematch.models import Branch, Guide, MatchExclusion, Pairing, Refugee
from guidematch.profile_csv import ProfileRecord
from guidematch.services import audit, clock, pairings
from guidematch.services.errors import DomainError
from guidematch.services.people import record_from_person
from guidematch.vocabulary import (
    BINDING_PAIRING_STATUSES, GuideStatus, PairingStatus, RefugeeStatus,
)

# Why a refugee waits without a proposal (the first two are the core's words).
NO_ALLOWED_GUIDE = "no_allowed_guide"
GUIDES_TAKEN = "guides_taken"
GUIDE_FREE = "guide_free"  # a fitting guide has a free place: the matching was not run since

RULE_WORDS = {
    Forbidden.BRANCH: _l("they belong to different branches"),
    Forbidden.GENDER_PREFERENCE: _l("a wish about the other person's gender is not met"),
    Forbidden.PETS: _l("the refugee cannot be with pets, and the guide has pets"),
    Forbidden.POLICE_CERTIFICATE: _l(
        "the refugee may be under 18, and the guide has no police certificate"),
    Forbidden.EXCLUDED: _l("this pair was rejected earlier"),
    Forbidden.BELOW_MIN_SCORE: _l("the score is under the branch's lowest score for proposals"),
}
WISHES = {  # gender preference -> what the person wants in the other
    "female": _l("a woman"), "male": _l("a man"), "same": _l("someone of their own gender"),
}


# ------------------------------------------------------------------ reasons as JSON

def reasons_to_json(reasons: Iterable[Reason]) -> list[dict]:
    """Return the core's reasons as JSON-ready dicts ({"key": ..., "params": {...}})."""
    return [{"key": r.key, "params": {k: list(v) if isinstance(v, tuple) else v
                                      for k, v in r.params.items()}} for r in reasons]


def reasons_from_json(data) -> tuple[Reason, ...]:
    """Return stored reasons as the core's `Reason`s (malformed entries are left out)."""
    found = []
    for item in data if isinstance(data, list) else ():
        params = item.get("params", {}) if isinstance(item, dict) else None
        if isinstance(params, dict) and isinstance(item.get("key"), str):
            found.append(Reason(item["key"], {k: tuple(v) if isinstance(v, list) else v
                                              for k, v in params.items()}))
    return tuple(found)


def reason_words(data, locale: str) -> list[str]:
    """Return stored reasons in words, in the reader's language; unreadable ones are skipped."""
    words = []
    for reason in reasons_from_json(data):
        try:
            words.append(core.render_reason(reason, locale))
        except (KeyError, TypeError, ValueError, IndexError):
            continue  # written by an older version of the core: better unsaid than a broken page
    return words


# ------------------------------------------------------------------ who may be matched

def free_places(branch: Branch) -> dict[int, int]:
    """Return each guide's places held by pairings awaiting agreement or active (id -> count)."""
    rows = db.session.execute(
        select(Pairing.guide_id, func.count()).where(
            Pairing.branch_id == branch.id, Pairing.status.in_(BINDING_PAIRING_STATUSES))
        .group_by(Pairing.guide_id)).all()
    return dict(rows)  # type: ignore[arg-type]


def places_left(guide: Guide, taken: Mapping[int, int]) -> int:
    return max(0, guide.capacity - taken.get(guide.id, 0))


def is_matchable(guide: Guide) -> bool:
    """Whether a guide may get a refugee now: available, vetted (places are checked apart)."""
    return (guide.status == GuideStatus.AVAILABLE and guide.credentials_complete
            and guide.anonymised_at is None)


def matchable_guides(branch: Branch) -> tuple[list[Guide], dict[int, int]]:
    """Return the branch's guides who may get a refugee now, and their free places (by id)."""
    guides = db.session.scalars(select(Guide).where(
        Guide.branch_id == branch.id, Guide.status == GuideStatus.AVAILABLE,
        Guide.interview_on.is_not(None), Guide.intro_course_on.is_not(None),
        Guide.confidentiality_signed_on.is_not(None), Guide.anonymised_at.is_(None),
    ).order_by(Guide.first_name, Guide.id)).all()
    taken = free_places(branch)
    places = {g.id: places_left(g, taken) for g in guides}
    return [g for g in guides if places[g.id] > 0], {k: n for k, n in places.items() if n > 0}


def waiting_refugees(branch: Branch) -> list[Refugee]:
    """Return the branch's refugees on the waiting list, longest waiting first."""
    bound = exists().where(Pairing.refugee_id == Refugee.id,
                           Pairing.status.in_(BINDING_PAIRING_STATUSES))
    return list(db.session.scalars(select(Refugee).where(
        Refugee.branch_id == branch.id, Refugee.status == RefugeeStatus.WAITING,
        Refugee.anonymised_at.is_(None), ~bound,
    ).order_by(Refugee.waiting_since, Refugee.id)))


def is_waiting(refugee: Refugee) -> bool:
    return (refugee.status == RefugeeStatus.WAITING and refugee.anonymised_at is None
            and pairings.refugee_binding_pairing(refugee.id) is None)


def guide_record(guide: Guide, places: int) -> ProfileRecord:
    """Return a guide's profile for the core, with the places still free as its capacity."""
    return dataclasses.replace(record_from_person(guide), capacity=places)


def proposals(branch: Branch, *, for_update: bool = False) -> list[Pairing]:
    """Return the branch's proposals, best score first (locked and hand-made ones included).

    `for_update` locks their rows (PostgreSQL) until the transaction ends: a
    proposal another coordinator is confirming at that moment is then either
    confirmed first (and no longer a proposal here) or waits for this one.
    """
    stmt = select(Pairing).where(
        Pairing.branch_id == branch.id, Pairing.status == PairingStatus.PROPOSED,
    ).order_by(Pairing.score.desc().nulls_last(), Pairing.id)
    if for_update:
        stmt = stmt.with_for_update(of=Pairing)
    return list(db.session.scalars(stmt).unique())


def exclusions(branch: Branch) -> list[MatchExclusion]:
    """Return the branch's excluded pairs, newest first, with their two people."""
    return list(db.session.scalars(
        select(MatchExclusion).where(MatchExclusion.branch_id == branch.id)
        .options(joinedload(MatchExclusion.guide), joinedload(MatchExclusion.refugee))
        .order_by(MatchExclusion.created_at.desc(), MatchExclusion.id.desc())).unique())


def _excluded_pairs(branch: Branch) -> set[tuple[int, int]]:
    return set(db.session.execute(select(MatchExclusion.guide_id, MatchExclusion.refugee_id)
                                  .where(MatchExclusion.branch_id == branch.id)).all())


def weights_for(branch: Branch, weights: Mapping[str, float] | None) -> dict[str, float]:
    """Return the branch's weights with a run's own on top; DomainError if none is above 0."""
    chosen = {**branch.weights(), **(weights or {})}
    try:
        core.check_weights(chosen)
    except MatchInputError:
        raise DomainError(_("At least one weight must be above 0."), "weights") from None
    return chosen


# ------------------------------------------------------------------ a run

@dataclass
class RunSummary:
    """What one run did: counts, who still waits and why, and locks it could not keep."""

    refugees: int = 0
    guides: int = 0
    proposed: int = 0               # proposals now on the page, locked ones included
    locked: int = 0
    unmatched: list[tuple[Refugee, str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)   # messages about removed locked proposals
    seconds: float = 0.0

    def waiting_by_reason(self) -> Counter:
        return Counter(reason for _refugee, reason in self.unmatched)


def run_matching(branch: Branch, *, guide_ids: Collection[int] | None = None,
                 refugee_ids: Collection[int] | None = None,
                 weights: Mapping[str, float] | None = None, today: date | None = None,
                 created_by_id: int | None = None) -> RunSummary:
    """Propose pairs for the branch (or the chosen people); replace every proposal not locked.

    Locked proposals are kept, with their people, whatever was chosen; a locked
    proposal that can no longer hold (someone left the waiting list, a guide is
    full or no longer available, a profile changed so that a hard rule breaks)
    is removed and said so. Rejected pairs are never proposed again.
    """
    started = time.perf_counter()
    today = today or clock.today()
    weights = weights_for(branch, weights)
    # One run at a time per branch (PostgreSQL row lock; SQLite has one writer anyway).
    db.session.execute(select(Branch.id).where(Branch.id == branch.id).with_for_update())
    summary = RunSummary()
    guides, places = matchable_guides(branch)
    refugees = waiting_refugees(branch)
    guide_by_id = {g.id: g for g in guides}
    refugee_by_id = {r.id: r for r in refugees}
    current = proposals(branch, for_update=True)
    locks = _keep_locks([p for p in current if p.locked], refugee_by_id, places, summary)

    chosen_g = set(guide_by_id) if guide_ids is None else set(guide_ids) & set(guide_by_id)
    chosen_r = set(refugee_by_id) if refugee_ids is None else set(refugee_ids) & set(refugee_by_id)
    chosen_g |= {p.guide_id for p in locks}
    chosen_r |= {p.refugee_id for p in locks}
    excluded = [(g, r) for g, r in _excluded_pairs(branch) if g in chosen_g and r in chosen_r]

    while True:
        try:
            result = core.solve(
                [guide_record(guide_by_id[g], places[g]) for g in chosen_g],
                [record_from_person(refugee_by_id[r]) for r in chosen_r],
                weights=weights, min_score=branch.min_score, today=today,
                locked=[(p.guide.ref, p.refugee.ref) for p in locks],
                excluded=[(guide_by_id[g].ref, refugee_by_id[r].ref) for g, r in excluded])
        except MatchInputError as error:
            if error.source != "locked" or not 0 <= error.index < len(locks):
                raise
            # A hard rule broke since the lock was set (a profile changed): drop it, run again.
            lock = locks.pop(error.index)
            broken = rule_words(lock.guide, lock.refugee, _forbidden(lock, weights, today))
            _drop_lock(lock, _("a hard rule is broken: %(rule)s", rule=broken), summary)
            continue
        break

    guide_by_ref = {guide_by_id[g].ref: guide_by_id[g] for g in chosen_g}
    refugee_by_ref = {refugee_by_id[r].ref: refugee_by_id[r] for r in chosen_r}
    _store(branch, current, locks, result, guide_by_ref, refugee_by_ref, created_by_id)
    summary.refugees, summary.guides = len(chosen_r), len(chosen_g)
    summary.proposed = len(result.pairs)
    summary.locked = sum(1 for p in result.pairs if p.locked)
    summary.unmatched = [(refugee_by_ref[u.refugee_id], u.reason.key)
                         for u in result.unmatched_refugees]
    summary.seconds = time.perf_counter() - started
    audit.record("matching.run", branch, branch_id=branch.id, refugees=summary.refugees,
                 guides=summary.guides, proposed=summary.proposed, locked=summary.locked,
                 waiting=len(summary.unmatched), dropped_locks=len(summary.dropped),
                 weights=weights, chosen=guide_ids is not None or refugee_ids is not None)
    db.session.flush()
    return summary


def _keep_locks(locked: list[Pairing], refugees: Mapping[int, Refugee], places: Mapping[int, int],
                summary: RunSummary) -> list[Pairing]:
    """Return the locked proposals that can still hold; remove the others, saying why."""
    kept: list[Pairing] = []
    used: Counter = Counter()
    for lock in sorted(locked, key=lambda p: (-(p.score or 0), p.id)):
        if lock.refugee_id not in refugees:
            why = _("%(name)s is no longer on the waiting list", name=lock.refugee.first_name)
        elif not is_matchable(lock.guide):
            why = _("%(name)s is not an available guide now", name=lock.guide.first_name)
        elif used[lock.guide_id] >= places.get(lock.guide_id, 0):
            why = _("%(name)s has no free place for it", name=lock.guide.first_name)
        elif any(k.refugee_id == lock.refugee_id for k in kept):
            why = _("%(name)s is locked to another guide", name=lock.refugee.first_name)
        else:
            used[lock.guide_id] += 1
            kept.append(lock)
            continue
        _drop_lock(lock, why, summary)
    return kept


def _drop_lock(lock: Pairing, why: str, summary: RunSummary) -> None:
    summary.dropped.append(_("The locked proposal %(guide)s – %(refugee)s was removed: %(why)s.",
                             guide=lock.guide.first_name, refugee=lock.refugee.first_name, why=why))
    audit.record("matching.lock_dropped", lock)
    db.session.delete(lock)


def _store(branch: Branch, current: list[Pairing], locks: list[Pairing], result: core.MatchResult,
           guides: Mapping[str, Guide], refugees: Mapping[str, Refugee],
           created_by_id: int | None) -> None:
    """Make the branch's proposals those of the result: keep what stays (updated), add, remove."""
    kept_ids = {p.id for p in locks}
    existing = {(p.guide_id, p.refugee_id): p for p in current if p.id in kept_ids or not p.locked}
    now = clock.now()
    wanted = set()
    for pair in result.pairs:
        guide, refugee = guides[pair.guide_id], refugees[pair.refugee_id]
        wanted.add((guide.id, refugee.id))
        pairing = existing.get((guide.id, refugee.id))
        if pairing is None:
            pairing = Pairing(branch_id=branch.id, guide=guide, refugee=refugee,
                              status=PairingStatus.PROPOSED, created_by_id=created_by_id,
                              proposed_at=now)
            db.session.add(pairing)
        elif not pairing.locked:
            pairing.proposed_at = now
        pairing.score = round(pair.score, 1)
        pairing.reasons = reasons_to_json(pair.reasons)
    for key, pairing in existing.items():
        if key not in wanted and not pairing.locked:
            db.session.delete(pairing)


# ------------------------------------------------------------------ who waits without a proposal

@dataclass(frozen=True)
class Waiting:
    """A waiting refugee without a proposal, and why."""

    refugee: Refugee
    reason: str                     # NO_ALLOWED_GUIDE, GUIDES_TAKEN or GUIDE_FREE
    fitting: int = 0                # guides the hard rules allow for them
    rule: Forbidden | None = None   # with no fitting guide: the rule that keeps most away


def waiting_without_proposal(branch: Branch, weights: Mapping[str, float] | None = None,
                             today: date | None = None) -> list[Waiting]:
    """Return the waiting refugees without a proposal, longest waiting first, and why.

    Asked of the core's score matrix for the people as they are now: no guide
    fits the hard rules (or the lowest score); every guide who fits has his or
    her places proposed already; or a fitting guide has a free place (the
    matching was not run since something changed).
    """
    today = today or clock.today()
    weights = weights_for(branch, weights)
    proposed = proposals(branch)
    with_proposal = {p.refugee_id for p in proposed}
    left = [r for r in waiting_refugees(branch) if r.id not in with_proposal]
    guides, places = matchable_guides(branch)
    if not left or not guides:
        return [Waiting(r, NO_ALLOWED_GUIDE) for r in left]
    refugee_refs = {r.id: r.ref for r in left}
    guide_refs = {g.id: g.ref for g in guides}
    excluded = [(guide_refs[g], refugee_refs[r]) for g, r in _excluded_pairs(branch)
                if g in guide_refs and r in refugee_refs]
    table = core.score_matrix([guide_record(g, places[g.id]) for g in guides],
                              [record_from_person(r) for r in left], weights, today,
                              excluded=excluded, min_score=branch.min_score)
    proposed_per_guide = Counter(p.guide_id for p in proposed)
    guide_by_ref = {g.ref: g for g in guides}
    full = [proposed_per_guide[guide_by_ref[ref].id] >= places[guide_by_ref[ref].id]
            for ref in table.guide_ids]
    column = {ref: k for k, ref in enumerate(table.refugee_ids)}
    found = []
    for refugee in left:
        codes = table.forbidden[:, column[refugee.ref]].tolist()
        fitting = [row for row, code in enumerate(codes) if code == Forbidden.ALLOWED]
        if not fitting:
            blocking = Counter(codes).most_common(1)[0][0]
            found.append(Waiting(refugee, NO_ALLOWED_GUIDE, 0, Forbidden(blocking)))
        elif all(full[row] for row in fitting):
            found.append(Waiting(refugee, GUIDES_TAKEN, len(fitting)))
        else:
            found.append(Waiting(refugee, GUIDE_FREE, len(fitting)))
    return found


# ------------------------------------------------------------------ one pair

@dataclass(frozen=True)
class PairScore:
    """How well one guide and one refugee fit, or the hard rule that keeps them apart."""

    score: float
    reasons: tuple[Reason, ...]
    forbidden: Forbidden
    problem: str = ""   # the broken rule in words, for people

    @property
    def allowed(self) -> bool:
        return self.forbidden == Forbidden.ALLOWED


def _forbidden(pairing: Pairing, weights: Mapping[str, float], today: date) -> Forbidden:
    return score_pair(pairing.guide, pairing.refugee, weights=weights, today=today).forbidden


def rule_words(guide: Guide, refugee: Refugee, code: Forbidden) -> str:
    """Return a broken hard rule in words that name who wished what."""
    if code != Forbidden.GENDER_PREFERENCE:
        return str(RULE_WORDS.get(code, ""))
    wishes = []
    for person, other, pref in ((refugee, guide, refugee.gender_preference),
                                (guide, refugee, guide.gender_preference)):
        met = (pref == "any" or pref == other.gender
               or (pref == "same" and person.gender == other.gender))
        if not met:
            wishes.append(_("%(name)s wishes to be paired with %(wish)s", name=person.first_name,
                            wish=WISHES.get(str(pref), "")))
    return "; ".join(wishes) or str(RULE_WORDS[code])


def score_pair(guide: Guide, refugee: Refugee, *, weights: Mapping[str, float] | None = None,
               today: date | None = None) -> PairScore:
    """Score one guide with one refugee, as the core does; say which hard rule breaks, if any."""
    today = today or clock.today()
    weights = weights_for(guide.branch, weights)
    g, r = guide_record(guide, max(guide.capacity, 1)), record_from_person(refugee)
    excluded = [(g.id, r.id)] if db.session.scalar(select(MatchExclusion.id).where(
        MatchExclusion.guide_id == guide.id, MatchExclusion.refugee_id == refugee.id)) else []
    table = core.score_matrix([g], [r], weights, today, excluded=excluded)
    code, score = Forbidden(int(table.forbidden[0, 0])), float(table.scores[0, 0])
    if code != Forbidden.ALLOWED:
        return PairScore(score, (), code, rule_words(guide, refugee, code))
    pair = core.solve([g], [r], weights=weights, locked=[(g.id, r.id)], today=today).pairs[0]
    return PairScore(score, pair.reasons, code)
