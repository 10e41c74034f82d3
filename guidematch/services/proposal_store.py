"""The proposal store: a branch's proposals and exclusions, and a run's result saved over them.

A proposal's reasons are stored as the core's structured `Reason`s (JSON) and
put into words only when shown, in the reader's language.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from flask_babel import force_locale, get_translations
from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from guidematch import matching as core
from guidematch.extensions import db
from guidematch.matching import Reason
from guidematch.models import Branch, Guide, MatchExclusion, Pairing, Refugee
from guidematch.services import clock, eligibility
from guidematch.vocabulary import BINDING_PAIRING_STATUSES, PairingStatus


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


def words(reasons: Iterable[Reason], locale: str) -> list[str]:
    """Return reasons in words, in the reader's language; unreadable ones are skipped."""
    with force_locale(locale):
        translations = get_translations()
    said = []
    for reason in reasons:
        try:
            said.append(core.render_reason(reason, locale, translations))
        except (KeyError, TypeError, ValueError, IndexError):
            continue  # written by an older version of the core: better unsaid than a broken page
    return said


def reason_words(data, locale: str) -> list[str]:
    """Return stored reasons in words, in the reader's language; unreadable ones are skipped."""
    return words(reasons_from_json(data), locale)


# ------------------------------------------------------------------ places

@dataclass(frozen=True)
class Places:
    """A guide's places as the matching counts them: pairings hold some, locked proposals more."""

    capacity: int
    taken: int = 0      # held by pairings awaiting agreement or active
    locked: int = 0     # held by locked proposals (of other refugees than the one asked about)

    @property
    def for_run(self) -> int:
        """Places a run may fill, its locked proposals included (the core's capacity)."""
        return max(0, self.capacity - self.taken)

    @property
    def free(self) -> int:
        """Places a new proposal can take: neither a pairing nor a locked proposal holds them."""
        return max(0, self.for_run - self.locked)


def places(branch: Branch, guides: Collection[Guide], *,
           besides_refugee: int | None = None) -> dict[int, Places]:
    """Return the places of these guides (by id), the one rule the run and pairing by hand share.

    `besides_refugee`: a locked proposal of this refugee does not count as
    held (pairing them by hand replaces it).
    """
    ids = [g.id for g in guides]
    if not ids:
        return {}
    taken = eligibility.taken_places(branch, ids)
    lock = select(Pairing.guide_id, func.count()).where(
        Pairing.branch_id == branch.id, Pairing.status == PairingStatus.PROPOSED,
        Pairing.locked.is_(True), Pairing.guide_id.in_(ids))
    if besides_refugee is not None:
        lock = lock.where(Pairing.refugee_id != besides_refugee)
    locked = dict(db.session.execute(lock.group_by(Pairing.guide_id)).all())
    return {g.id: Places(g.capacity, taken.get(g.id, 0), locked.get(g.id, 0)) for g in guides}


def guide_counts(branch: Branch) -> tuple[int, int]:
    """Return how many guides can take a refugee now, and their places a run may fill."""
    taken = (select(func.count()).where(Pairing.guide_id == Guide.id,
                                        Pairing.status.in_(BINDING_PAIRING_STATUSES))
             .correlate(Guide).scalar_subquery())
    sub = eligibility.can_guide_select(branch.id).order_by(None).add_columns(
        (Guide.capacity - taken).label("free")).subquery()
    guides, free = db.session.execute(
        select(func.count(), func.coalesce(func.sum(sub.c.free), 0))).one()
    return int(guides), int(free)


# ------------------------------------------------------------------ reading

def proposals(branch: Branch, *, for_update: bool = False,
              involving: tuple[Guide, Refugee] | None = None,
              with_people: bool = True) -> list[Pairing]:
    """Return the branch's proposals, best score first (locked and hand-made ones included).

    `for_update` locks their rows (PostgreSQL) until the transaction ends: a
    proposal another coordinator is confirming at that moment is then either
    confirmed first (and no longer a proposal here) or waits for this one.
    `involving`: only the proposals of this guide or of this refugee.
    `with_people=False` leaves the two people to be loaded when asked for (a
    run needs only the ids of hundreds of proposals).
    """
    stmt = select(Pairing).where(
        Pairing.branch_id == branch.id, Pairing.status == PairingStatus.PROPOSED,
    ).order_by(Pairing.score.desc().nulls_last(), Pairing.id)
    if not with_people:
        stmt = stmt.options(lazyload(Pairing.guide), lazyload(Pairing.refugee))
    if involving is not None:
        guide, refugee = involving
        stmt = stmt.where((Pairing.guide_id == guide.id) | (Pairing.refugee_id == refugee.id))
        if with_people:  # a plan names these people, it shows no tags of theirs
            stmt = stmt.options(joinedload(Pairing.guide).lazyload(Guide.tags),
                                joinedload(Pairing.refugee).lazyload(Refugee.tags))
    if for_update:
        stmt = stmt.with_for_update(of=Pairing)
    return list(db.session.scalars(stmt).unique())


# What a proposal card prints of each person (their tags come with the selectin load).
CARD_COLUMNS = ("id", "branch_id", "first_name", "last_name", "gender", "birth_year",
                "family_situation", "district", "lat", "lon")
GUIDE_CARD_COLUMNS = ("capacity", "has_car", "has_pets", "police_certificate_on", "status")
REFUGEE_CARD_COLUMNS = ("waiting_since", "norwegian_level", "pets_ok", "interpreter_needed")


def card_columns(model) -> list:
    """Return the columns of `model` that a proposal card prints."""
    own = GUIDE_CARD_COLUMNS if model is Guide else REFUGEE_CARD_COLUMNS
    return [getattr(model, name) for name in CARD_COLUMNS + own]


def proposals_page(branch: Branch, clauses=(), *, page: int = 1, per_page: int = 20):
    """Return one page (Flask-SQLAlchemy Pagination) of the proposals whose refugee the
    clauses keep, best score first, with only what the cards print."""
    stmt = (select(Pairing).join(Refugee, Pairing.refugee_id == Refugee.id)
            .where(Pairing.branch_id == branch.id, Pairing.status == PairingStatus.PROPOSED,
                   *clauses)
            .options(joinedload(Pairing.guide).load_only(*card_columns(Guide)),
                     joinedload(Pairing.refugee).load_only(*card_columns(Refugee)))
            .order_by(Pairing.score.desc().nulls_last(), Pairing.id))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def proposal_counts(branch: Branch) -> tuple[int, int]:
    """Return how many proposals the branch has, and how many of them are locked."""
    total, locked = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Pairing.locked.is_(True), 1),
                                                          else_=0)), 0))
        .where(Pairing.branch_id == branch.id, Pairing.status == PairingStatus.PROPOSED)).one()
    return int(total), int(locked)


def _named(model) -> list:
    return [model.first_name, model.last_name, model.birth_year, model.district]


def exclusions(branch: Branch, limit: int | None = None) -> list[MatchExclusion]:
    """Return the branch's excluded pairs, newest first, with who the two people are."""
    stmt = (select(MatchExclusion).where(MatchExclusion.branch_id == branch.id)
            .options(joinedload(MatchExclusion.guide).options(
                         load_only(*_named(Guide)), lazyload(Guide.tags)),
                     joinedload(MatchExclusion.refugee).options(
                         load_only(*_named(Refugee)), lazyload(Refugee.tags)))
            .order_by(MatchExclusion.created_at.desc(), MatchExclusion.id.desc()).limit(limit))
    return list(db.session.scalars(stmt).unique())


def exclusion_count(branch: Branch) -> int:
    """Return how many pairs the branch never proposes again."""
    return db.session.scalar(select(func.count()).select_from(MatchExclusion)
                             .where(MatchExclusion.branch_id == branch.id)) or 0


def excluded_pairs(branch: Branch) -> set[tuple[int, int]]:
    """Return the branch's excluded pairs as (guide id, refugee id)."""
    return set(db.session.execute(select(MatchExclusion.guide_id, MatchExclusion.refugee_id)
                                  .where(MatchExclusion.branch_id == branch.id)).all())


def is_excluded(guide: Guide, refugee: Refugee) -> bool:
    """Return whether these two are never to be proposed."""
    return db.session.scalar(select(MatchExclusion.id).where(
        MatchExclusion.guide_id == guide.id, MatchExclusion.refugee_id == refugee.id)) is not None


# ------------------------------------------------------------------ writing a run's result

def store(branch: Branch, current: list[Pairing], locks: list[Pairing], result: core.MatchResult,
          guides: Mapping[str, Guide], refugees: Mapping[str, Refugee],
          created_by_id: int | None) -> None:
    """Make the branch's proposals those of the result: keep what stays (updated), add, remove."""
    kept_ids = {p.id for p in locks}
    existing = {(p.guide_id, p.refugee_id): p for p in current if p.id in kept_ids or not p.locked}
    now = clock.now()
    wanted = set()
    new_rows = []   # inserted in one executemany: a run at city scale adds hundreds
    for pair in result.pairs:
        guide, refugee = guides[pair.guide_id], refugees[pair.refugee_id]
        wanted.add((guide.id, refugee.id))
        pairing = existing.get((guide.id, refugee.id))
        if pairing is None:
            new_rows.append({"branch_id": branch.id, "guide_id": guide.id,
                             "refugee_id": refugee.id, "status": PairingStatus.PROPOSED,
                             "created_by_id": created_by_id, "proposed_at": now,
                             "locked": False, "score": round(pair.score, 1),
                             "reasons": reasons_to_json(pair.reasons)})
            continue
        if not pairing.locked:
            pairing.proposed_at = now
        pairing.score = round(pair.score, 1)
        pairing.reasons = reasons_to_json(pair.reasons)
    gone = [p.id for key, p in existing.items() if key not in wanted and not p.locked]
    if gone:
        db.session.execute(delete(Pairing).where(Pairing.id.in_(gone)))
    if new_rows:
        db.session.execute(insert(Pairing), new_rows)
