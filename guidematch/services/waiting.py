"""Who waits without a proposal, and why: worked out once when a run is saved, read by the page.

A run knows why each refugee it left waits: no guide of the kind they need is
available (and whether one is registered at all), or every guide who fits went
to others (who they are). That is written with the run (`MatchRunWaiting`),
so the page reads rows instead of rebuilding the score matrix on every visit.
What changed since the run is checked cheaply on reading: a refugee the run did
not see, or a fitting guide who has a place again.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import and_, delete, exists, func, insert, select
from sqlalchemy.orm import lazyload, load_only

from guidematch import matching as core
from guidematch.extensions import db
from guidematch.matching import Forbidden
from guidematch.matching.constraints import may_be_minor
from guidematch.models import Branch, Guide, MatchExclusion, MatchRun, MatchRunWaiting, Pairing
from guidematch.models import Refugee, TagKind
from guidematch.services import eligibility, profile_rows
from guidematch.vocabulary import BINDING_PAIRING_STATUSES, PairingStatus

# Why a refugee waits without a proposal (the first two are the core's words).
NO_ALLOWED_GUIDE = "no_allowed_guide"
GUIDES_TAKEN = "guides_taken"
GUIDE_FREE = "guide_free"    # a fitting guide has a place again since the run: run it again
NOT_IN_RUN = "not_in_run"    # added, or given back a place on the list, since the last run
AHEAD_KEPT = 3               # the refugees named as given the guides who would fit
GUIDES_KEPT = 100            # fitting guides remembered per refugee, to see one become free
# From this rule on the guide is of the kind the refugee needs (constraints.Forbidden's order).
_OF_THE_KIND = (Forbidden.ALLOWED, Forbidden.EXCLUDED, Forbidden.BELOW_MIN_SCORE)
# What a card, a list row and a search result print of a person: nothing more is loaded.
PERSON_COLUMNS = ("id", "first_name", "last_name", "birth_year", "district", "gender")


@dataclass(frozen=True)
class Need:
    """The kind of guide a refugee needs by the hard rules, and how many such guides exist."""

    gender: str | None = None      # the guide's gender the refugee wishes, if any
    no_pets: bool = False
    police_certificate: bool = False
    available: int = 0             # such guides among the run's (all blocked otherwise)
    registered: int = 0            # such guides in the branch who are not available now


@dataclass(frozen=True)
class Waiting:
    """A waiting refugee without a proposal, and why."""

    refugee: Refugee
    reason: str                     # NO_ALLOWED_GUIDE, GUIDES_TAKEN, GUIDE_FREE or NOT_IN_RUN
    fitting: int = 0                # guides the hard rules allowed for them in the run
    rule: Forbidden | None = None   # with no fitting guide: the rule that kept most away
    need: Need | None = None        # with no fitting guide: the kind they need
    ahead: tuple[Refugee, ...] = ()  # some of the refugees given the guides who would fit
    ahead_total: int = 0

    @property
    def no_allowed_guide(self) -> bool:
        return self.reason == NO_ALLOWED_GUIDE

    @property
    def guides_taken(self) -> bool:
        return self.reason == GUIDES_TAKEN


# ------------------------------------------------------------------ written with a run

def explain(result: core.MatchResult, guides: Mapping[str, Guide],
            refugees: Mapping[str, Refugee], guide_records: Sequence[core.ProfileRecord],
            refugee_records: Mapping[str, core.ProfileRecord], *,
            weights: Mapping[str, float], today: date, excluded: Sequence[tuple[str, str]],
            min_score: float,
            others: Callable[[], Sequence[core.ProfileRecord]] = tuple) -> list[dict]:
    """Return the rows saying why each refugee the result left waiting waits.

    The core's own score matrix of the waiting refugees against the run's
    guides gives the fitting guides (and, with none, the rule that kept most
    away); `others`, the branch's guides not in the run, say whether a guide
    of the kind needed is registered at all.
    """
    left = [refugees[u.refugee_id] for u in result.unmatched_refugees]
    if not left:
        return []
    records = [refugee_records[u.refugee_id] for u in result.unmatched_refugees]  # the solve's
    # Only the exclusions among the people scored here: a matched refugee's are not asked.
    scored = {r.id for r in records}
    excluded = [(g, r) for g, r in excluded if r in scored]
    table = core.score_matrix(guide_records, records, weights, today, excluded=excluded,
                              min_score=min_score) if guide_records else None
    elsewhere = None
    # The pairs as arrays, longest waiting first: who a refugee's fitting guides were given to
    # is then a mask over them (each refugee is in one pair, so none is counted twice).
    row_of = {ref: i for i, ref in enumerate(table.guide_ids)} if table is not None else {}
    pairs = sorted(((refugees[p.refugee_id], row_of[p.guide_id]) for p in result.pairs
                    if p.guide_id in row_of), key=lambda pair: (pair[0].waiting_since, pair[0].id))
    given = [refugee for refugee, _row in pairs]
    pair_rows = np.array([row for _refugee, row in pairs], dtype=np.intp)
    rows = []
    for k, refugee in enumerate(left):
        codes = (table.forbidden[:, k] if table is not None else np.zeros(0, dtype=np.int8))
        allowed = codes == Forbidden.ALLOWED
        fitting = np.flatnonzero(allowed)
        if len(fitting):
            ahead = np.flatnonzero(allowed[pair_rows]) if len(pair_rows) else pair_rows
            rows.append({"refugee_id": refugee.id, "reason": GUIDES_TAKEN,
                         "fitting": len(fitting), "rule": None,
                         "details": {"guides": [guides[table.guide_ids[i]].id
                                                for i in fitting[:GUIDES_KEPT]],
                                     "ahead": [given[i].id for i in ahead[:AHEAD_KEPT]],
                                     "ahead_total": int(len(ahead))}})
            continue
        blocking = Counter(codes.tolist()).most_common(1)[0][0] if len(codes) else None
        available = int(np.isin(codes, _OF_THE_KIND).sum())
        registered = 0
        if not available:
            if elsewhere is None:
                rest = others()
                elsewhere = core.score_matrix(rest, records, weights, today) if rest else False
            if elsewhere is not False:
                registered = int(np.isin(elsewhere.forbidden[:, k], _OF_THE_KIND).sum())
        rows.append({"refugee_id": refugee.id, "reason": NO_ALLOWED_GUIDE, "fitting": 0,
                     "rule": blocking, "details": {
                         **_need(refugee, records[k], today),
                         "available": available,
                         "registered": registered}})
    return rows


def _need(refugee: Refugee, record: core.ProfileRecord, today: date) -> dict:
    """Return the kind of guide a refugee asks for by the hard rules, as JSON-ready values."""
    wish = str(refugee.gender_preference)
    gender = str(refugee.gender) if wish == "same" else wish if wish in ("female", "male") else None
    year = np.array([np.nan if record.birth_year is None else record.birth_year], dtype=float)
    minor = bool(may_be_minor(year, today)[0])
    return {"gender": gender, "no_pets": not refugee.pets_ok, "police_certificate": minor}


def save_run(branch: Branch, rows: list[dict], *, refugees: int, guides: int, proposed: int,
             seconds: float, created_by_id: int | None) -> MatchRun:
    """Save a run and why each refugee it left waits; earlier runs' reasons are dropped."""
    db.session.execute(delete(MatchRunWaiting).where(MatchRunWaiting.run_id.in_(
        select(MatchRun.id).where(MatchRun.branch_id == branch.id))))
    run = MatchRun(branch_id=branch.id, created_by_id=created_by_id, refugees=refugees,
                   guides=guides, proposed=proposed, milliseconds=round(seconds * 1000))
    db.session.add(run)
    db.session.flush()
    if rows:  # one executemany, not 2,000 ORM objects
        db.session.execute(insert(MatchRunWaiting), [{**row, "run_id": run.id} for row in rows])
    return run


# ------------------------------------------------------------------ read by the page

def guides_elsewhere(branch: Branch, in_run: Collection[int]) -> list[core.ProfileRecord]:
    """Return the profiles of the branch's guides a run left out (not available, full, not
    chosen)."""
    ids = db.session.scalars(select(Guide.id).where(
        Guide.branch_id == branch.id, Guide.anonymised_at.is_(None), Guide.id.not_in(in_run)))
    return list(profile_rows.records(Guide, list(ids)).values())


def latest_run(branch: Branch) -> MatchRun | None:
    """Return the branch's newest run, if it ever ran."""
    return db.session.scalar(select(MatchRun).where(MatchRun.branch_id == branch.id)
                             .order_by(MatchRun.ran_at.desc(), MatchRun.id.desc()).limit(1))


def changed_since(branch: Branch, run: MatchRun) -> bool:
    """Return whether people or rejections changed after the run (its reasons may be stale)."""
    after = [select(Model.id).where(Model.branch_id == branch.id, column > run.ran_at)
             for Model, column in ((Guide, Guide.updated_at), (Refugee, Refugee.updated_at),
                                   (MatchExclusion, MatchExclusion.created_at))]
    return bool(db.session.scalar(select(exists(after[0].union_all(*after[1:]).subquery()))))


def without_proposal_select(branch_id: int, clauses=()):
    """Return the branch's waiting refugees without a proposal (filtered), longest waiting first."""
    # NOT IN a list made once, not a correlated EXISTS: SQLite would walk every proposal of
    # the branch (by the status index) for each refugee.
    proposed = select(Pairing.refugee_id).where(Pairing.branch_id == branch_id,
                                                Pairing.status == PairingStatus.PROPOSED)
    return eligibility.waiting_select(branch_id).where(Refugee.id.not_in(proposed), *clauses)


def waiting_page(branch: Branch, run: MatchRun | None, clauses=(), *, page: int = 1,
                 per_page: int = 25) -> tuple[list[Waiting], int]:
    """Return one page of the waiting refugees without a proposal, and why; and how many."""
    base = without_proposal_select(branch.id, clauses)
    total = eligibility.count(base)
    run_id = run.id if run else -1
    stmt = (base.add_columns(MatchRunWaiting)
            .outerjoin(MatchRunWaiting, and_(MatchRunWaiting.refugee_id == Refugee.id,
                                             MatchRunWaiting.run_id == run_id))
            .options(load_only(*person_columns(Refugee), Refugee.waiting_since),
                     lazyload(Refugee.tags))
            .limit(per_page).offset((max(page, 1) - 1) * per_page))
    rows = db.session.execute(stmt).all()
    details = [row.MatchRunWaiting.details if row.MatchRunWaiting else {} for row in rows]
    ahead = _people(Refugee, {i for d in details for i in d.get("ahead", ())})
    spare = _spare_places(branch, {i for d in details for i in d.get("guides", ())})
    return [_waiting(row.Refugee, row.MatchRunWaiting, ahead, spare) for row in rows], total


def _waiting(refugee: Refugee, row: MatchRunWaiting | None, ahead: Mapping[int, Refugee],
             spare: Mapping[int, int]) -> Waiting:
    if row is None:
        return Waiting(refugee, NOT_IN_RUN)
    d = row.details or {}
    if row.reason == GUIDES_TAKEN:
        free = any(spare.get(g, 0) > 0 for g in d.get("guides", ()))
        return Waiting(refugee, GUIDE_FREE if free else GUIDES_TAKEN, row.fitting,
                       ahead=tuple(ahead[i] for i in d.get("ahead", ()) if i in ahead),
                       ahead_total=int(d.get("ahead_total", 0)))
    need = Need(gender=d.get("gender"), no_pets=bool(d.get("no_pets")),
                police_certificate=bool(d.get("police_certificate")),
                available=int(d.get("available", 0)), registered=int(d.get("registered", 0)))
    rule = Forbidden(row.rule) if row.rule is not None else None
    return Waiting(refugee, NO_ALLOWED_GUIDE, 0, rule, need)


def waiting_languages(branch: Branch) -> list[str]:
    """Return the language codes of the branch's waiting refugees (the filter's choices)."""
    tag = Refugee.tag_class
    return sorted(db.session.scalars(
        select(tag.value).distinct().join(Refugee, Refugee.id == tag.refugee_id)
        .where(Refugee.branch_id == branch.id, Refugee.is_waiting, tag.kind == TagKind.LANGUAGE)))


def waiting_districts(branch: Branch) -> list[str]:
    """Return the branch's districts and those its waiting refugees live in (the filter's)."""
    found = db.session.scalars(select(Refugee.district).distinct().where(
        Refugee.branch_id == branch.id, Refugee.is_waiting, Refugee.district != ""))
    return sorted(set(found) | set(branch.districts or []), key=str.casefold)


def person_columns(model) -> list:
    """Return the columns a listed person is printed with (full name, age, district)."""
    return [getattr(model, name) for name in PERSON_COLUMNS]


# These two ask even for no ids (an empty IN costs nothing): the page then runs the same
# queries whatever the data, which tests/test_query_counts.py holds it to.
def _people(model, ids: set[int]) -> dict[int, object]:
    extra = (model.waiting_since,) if model is Refugee else ()
    found = db.session.scalars(select(model).where(model.id.in_(ids))
                               .options(load_only(*person_columns(model), *extra),
                                        lazyload(model.tags)))
    return {p.id: p for p in found}


def _spare_places(branch: Branch, guide_ids: set[int]) -> dict[int, int]:
    """Return, for these guides, the places neither a pairing nor a proposal holds now."""
    holding = Pairing.status.in_((PairingStatus.PROPOSED, *BINDING_PAIRING_STATUSES))
    held = (select(func.count()).where(Pairing.guide_id == Guide.id, holding)
            .correlate(Guide).scalar_subquery())
    rows = db.session.execute(select(Guide.id, Guide.capacity - held).where(
        Guide.id.in_(guide_ids), Guide.branch_id == branch.id, Guide.is_available))
    return dict(rows.all())  # type: ignore[arg-type]


def waiting_without_proposal(branch: Branch, today: date | None = None) -> list[Waiting]:
    """Return every waiting refugee without a proposal, longest waiting first, and why."""
    del today  # the reasons are the last run's
    found, _total = waiting_page(branch, latest_run(branch), per_page=100_000)
    return found
