"""The one adapter from the models to the matching core: a run, and one pair's score.

Who may be matched is `services.eligibility`'s; what a run leaves is saved by
`services.proposal_store`; who waits without a proposal, and why, is
`services.waiting`'s (worked out here, when a run is saved); the coordinator's
steps on single proposals are in `services.proposals`. Profiles go to the core
through `services.people.record_from_person` (one pair), or for a whole run
through `services.profile_rows`, which builds the same records from the rows,
so the scores on the page are the scores of `flask match` for the same people.
"""
from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from guidematch import matching as core
from guidematch.extensions import db
from guidematch.matching import Forbidden, MatchInputError, Reason, gender_wish_met
from guidematch.matching.constraints import may_be_minor
from guidematch.models import Branch, Guide, Pairing, Refugee
from guidematch.services import (
    audit, clock, eligibility, profile_rows, proposal_store, waiting,
)
from guidematch.services.errors import DomainError
from guidematch.services.people import record_from_person

WISHES = {  # gender preference -> what the person wants in the other
    "female": _l("a woman"), "male": _l("a man"), "same": _l("someone of their own gender"),
}


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
    # The people without their tags: the profiles come from the rows (`profile_rows`).
    guides, places = eligibility.matchable_guides(branch)
    refugees = list(db.session.scalars(eligibility.waiting_select(branch.id)
                                       .options(lazyload(Refugee.tags))))
    guide_by_id = {g.id: g for g in guides}
    refugee_by_id = {r.id: r for r in refugees}
    current = proposal_store.proposals(branch, for_update=True, with_people=False)
    locks = _keep_locks([p for p in current if p.locked], refugee_by_id, places, summary)

    chosen_g = set(guide_by_id) if guide_ids is None else set(guide_ids) & set(guide_by_id)
    chosen_r = set(refugee_by_id) if refugee_ids is None else set(refugee_ids) & set(refugee_by_id)
    chosen_g |= {p.guide_id for p in locks}
    chosen_r |= {p.refugee_id for p in locks}
    excluded = [(g, r) for g, r in proposal_store.excluded_pairs(branch)
                if g in chosen_g and r in chosen_r]

    guide_rows = profile_rows.records(Guide, chosen_g)
    records = [dataclasses.replace(guide_rows[g], capacity=places[g]) for g in chosen_g]
    refugee_rows = profile_rows.records(Refugee, chosen_r)
    refugee_records = {refugee_by_id[r].ref: refugee_rows[r] for r in chosen_r}
    while True:
        try:
            result = core.solve(
                records, list(refugee_records.values()),
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
    proposal_store.store(branch, current, locks, result, guide_by_ref, refugee_by_ref,
                         created_by_id)
    summary.refugees, summary.guides = len(chosen_r), len(chosen_g)
    summary.proposed = len(result.pairs)
    summary.locked = sum(1 for p in result.pairs if p.locked)
    summary.unmatched = [(refugee_by_ref[u.refugee_id], u.reason.key)
                         for u in result.unmatched_refugees]
    # Why each of them waits is worked out now, once, and saved with the run.
    rows = waiting.explain(
        result, guide_by_ref, refugee_by_ref, records, refugee_records, weights=weights,
        today=today,
        excluded=[(guide_by_id[g].ref, refugee_by_id[r].ref) for g, r in excluded],
        min_score=branch.min_score,
        others=lambda: waiting.guides_elsewhere(branch, chosen_g))
    summary.seconds = time.perf_counter() - started
    waiting.save_run(branch, rows, refugees=summary.refugees, guides=summary.guides,
                     proposed=summary.proposed, seconds=summary.seconds,
                     created_by_id=created_by_id)
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
        elif not eligibility.is_matchable(lock.guide):
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


def rule_text(code: Forbidden) -> str:
    """Return a hard rule in the core's words, in the reader's language."""
    if code == Forbidden.ALLOWED:
        return ""
    return core.render_reason(Reason("forbidden_" + code.key), str(get_locale()),
                              get_translations())


def rule_words(guide: Guide, refugee: Refugee, code: Forbidden) -> str:
    """Return a broken hard rule in words that name who wished what."""
    if code != Forbidden.GENDER_PREFERENCE:
        return rule_text(code)
    wishes = []
    for person, other, pref in ((refugee, guide, refugee.gender_preference),
                                (guide, refugee, guide.gender_preference)):
        if not gender_wish_met(str(pref), str(person.gender), str(other.gender)):
            wishes.append(_("%(name)s wishes to be paired with %(wish)s", name=person.first_name,
                            wish=WISHES.get(str(pref), "")))
    return "; ".join(wishes) or rule_text(code)


def _waiting_company(branch_id: int, refugee_id: int, today: date) -> list[int]:
    """The waiting refugees that decide a pair's waiting part, as the whole list would.

    The core compares a refugee with the guide's shortest and longest waiter among
    the refugees the hard rules allow with the guide (`Scorer._waits`), and the hard
    rules read only a refugee's type (constraints.rule_table: gender, gender wish,
    pets, possibly a minor). So the newest and the oldest waiter of each type give
    the same shortest and longest as the whole list: a score of 2,000 waiting
    loads a few dozen profiles instead of every one.
    """
    rows = db.session.execute(
        eligibility.waiting_select(branch_id).where(Refugee.id != refugee_id)
        .with_only_columns(Refugee.id, Refugee.gender, Refugee.gender_preference,
                           Refugee.pets_ok, Refugee.birth_year, Refugee.waiting_since)).all()
    if not rows:
        return []
    minor = may_be_minor(np.array([np.nan if r.birth_year is None else r.birth_year
                                   for r in rows]), today)
    oldest: dict[tuple, int] = {}  # kind -> id; waiting_select lists the longest waiting first
    newest: dict[tuple, int] = {}
    for row, young in zip(rows, minor.tolist()):
        kind = (row.gender, row.gender_preference, row.pets_ok, young)
        oldest.setdefault(kind, row.id)
        newest[kind] = row.id
    return sorted({*oldest.values(), *newest.values()})


def score_pair(guide: Guide, refugee: Refugee, *, weights: Mapping[str, float] | None = None,
               today: date | None = None) -> PairScore:
    """Score one guide with one refugee, as the core does; say which hard rule breaks, if any.

    The waiting part compares the refugee with the others who could take the
    same guide, so the pair is scored among the branch's waiting list, as a run
    would score it (alone, a long wait would count for nothing).
    """
    today = today or clock.today()
    weights = weights_for(guide.branch, weights)
    g, r = eligibility.guide_record(guide, max(guide.capacity, 1)), record_from_person(refugee)
    company = _waiting_company(guide.branch_id, refugee.id, today)
    others = list(profile_rows.records(Refugee, company).values())  # as a run builds them
    excluded = [(g.id, r.id)] if proposal_store.is_excluded(guide, refugee) else []
    table = core.score_matrix([g], [r, *others], weights, today, excluded=excluded)
    column = table.refugee_ids.index(r.id)
    code, score = Forbidden(int(table.forbidden[0, column])), float(table.scores[0, column])
    if code != Forbidden.ALLOWED:
        return PairScore(score, (), code, rule_words(guide, refugee, code))
    result = core.solve([g], [r, *others], weights=weights, locked=[(g.id, r.id)], today=today)
    [pair] = [p for p in result.pairs if p.refugee_id == r.id]
    return PairScore(score, pair.reasons, code)
