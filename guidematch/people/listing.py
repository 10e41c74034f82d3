"""The guide and refugee lists: search, filters and sorting as one query of the current branch.

Anonymised people are not on the working lists. The "waiting" tab of refugees
and the "available" tab of guides ask `services.eligibility`, so the lists
count the same people as the dashboard and the matching page.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, or_, select

from guidematch import vocabulary as v
from guidematch.extensions import db
from guidematch.models import Guide, Refugee
from guidematch.models.people import TagKind, with_all_tags
from guidematch.scoping import branch_select, current_branch
from guidematch.services import eligibility

PER_PAGE = 25
SEARCH_COLUMNS = ("first_name", "last_name", "email", "phone", "district", "occupation")
SORTS = {
    "guide": ("name", "status", "age", "district", "created"),
    "refugee": ("name", "status", "age", "district", "waiting"),
}
DEFAULT_SORT = {"guide": ("name", "asc"), "refugee": ("waiting", "asc")}
STATUSES = {"guide": v.GuideStatus, "refugee": v.RefugeeStatus}
MODELS = {"guide": Guide, "refugee": Refugee}
# The status tab whose people are those `services.eligibility` finds, by kind.
ELIGIBLE = {"guide": (v.GuideStatus.AVAILABLE, eligibility.can_guide_clause),
            "refugee": (v.RefugeeStatus.WAITING, eligibility.waiting_clause)}


@dataclass
class ListQuery:
    """What a coordinator asked the list for, read from the URL (unknown values ignored)."""

    kind: str
    q: str = ""
    status: str = ""
    language: str = ""
    interest: str = ""
    gender: str = ""
    sort: str = ""
    direction: str = "asc"
    page: int = 1
    args: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, kind: str, args: Mapping[str, str]) -> ListQuery:
        query = cls(kind=kind)
        query.q = (args.get("q") or "").strip()[:100]
        status = args.get("status", "")
        query.status = status if status in {s.value for s in STATUSES[kind]} else ""
        language = (args.get("language") or "").lower()
        query.language = language if language in v.LANGUAGE_CODES else ""
        interest = args.get("interest", "")
        query.interest = interest if interest in v.INTERESTS else ""
        gender = args.get("gender", "")
        query.gender = gender if gender in {g.value for g in v.Gender} else ""
        sort = args.get("sort", "")
        default_sort, default_direction = DEFAULT_SORT[kind]
        query.sort = sort if sort in SORTS[kind] else default_sort
        direction = args.get("dir", "")
        query.direction = direction if direction in ("asc", "desc") else (
            default_direction if query.sort == default_sort else "asc")
        try:
            query.page = max(1, min(int(args.get("page", 1)), 100_000))
        except ValueError:
            query.page = 1
        query.args = {key: value for key, value in {
            "q": query.q, "status": query.status, "language": query.language,
            "interest": query.interest, "gender": query.gender,
            "sort": query.sort if (query.sort, query.direction) != DEFAULT_SORT[kind] else "",
            "dir": query.direction if (query.sort, query.direction) != DEFAULT_SORT[kind] else "",
        }.items() if value}
        return query

    @property
    def model(self):
        return MODELS[self.kind]

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.status or self.language or self.interest or self.gender)

    def with_args(self, **changes) -> dict[str, str]:
        """Return the URL arguments of this list with some changed (None removes one)."""
        args = {**self.args, **changes}
        return {key: value for key, value in args.items() if value not in (None, "")}

    def sort_args(self, column: str) -> dict[str, str]:
        """Return the URL arguments that sort by `column` (again: the other way round)."""
        direction = "desc" if column == self.sort and self.direction == "asc" else "asc"
        return self.with_args(sort=column, dir=direction, page=None)


def _case_variants(word: str) -> list[str]:
    # SQLite's LIKE folds ASCII letters only: also try the spellings people use for
    # "Øystein" / "ØYSTEIN" / "øystein". PostgreSQL's ILIKE folds them all anyway.
    return list(dict.fromkeys([word, word.lower(), word.upper(), word.capitalize()]))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clause(model, q: str):
    """Return a WHERE clause: every word of `q` is in one of the searched columns."""
    clauses = []
    for word in q.split()[:8]:
        variants = _case_variants(word)
        clauses.append(or_(*(getattr(model, column).ilike(f"%{_escape(variant)}%", escape="\\")
                             for column in SEARCH_COLUMNS for variant in variants)))
    return clauses


def filtered_select(query: ListQuery, with_status: bool = True) -> Select:
    """Return the branch's people matching the query's search and filters."""
    model = query.model
    stmt = branch_select(model).where(model.anonymised_at.is_(None))
    if query.q:
        stmt = stmt.where(*search_clause(model, query.q))
    if query.language:
        stmt = stmt.where(model.has_tag(TagKind.LANGUAGE, query.language))
    if query.interest:
        stmt = stmt.where(model.has_tag(TagKind.INTEREST, query.interest))
    if query.gender:
        stmt = stmt.where(model.gender == query.gender)
    if with_status and query.status:
        stmt = stmt.where(_status_clause(query.kind, query.status))
    return stmt


def _status_clause(kind: str, status: str):
    eligible_status, clause = ELIGIBLE[kind]
    return clause() if status == eligible_status else MODELS[kind].status == status


def _order(query: ListQuery) -> list:
    model = query.model
    name = [func.lower(model.last_name), func.lower(model.first_name), model.id]
    descending = query.direction == "desc"
    if query.sort == "name":
        return [c.desc() for c in name] if descending else name
    if query.sort == "age":
        # Older people were born earlier: ascending age is descending birth year.
        column = model.birth_year.asc() if descending else model.birth_year.desc()
        return [column.nulls_last(), *name]
    if query.sort == "waiting":
        # Those still waiting first: "waiting since" means little for someone paired or done.
        not_waiting = case((model.is_waiting, 0), else_=1)
        column = model.waiting_since
        return [not_waiting, column.desc() if descending else column.asc(), *name]
    column = {"status": model.status, "district": model.district, "created": model.created_at}[query.sort]
    return [column.desc() if descending else column.asc(), *name]


def page_of(query: ListQuery):
    """Return one page (Flask-SQLAlchemy Pagination) of the list."""
    stmt = filtered_select(query).order_by(*_order(query))
    return db.paginate(stmt, page=query.page, per_page=PER_PAGE, error_out=False, count=True)


def status_counts(query: ListQuery) -> dict[str, int]:
    """Return how many people of each status match the search and the other filters."""
    sub = filtered_select(query, with_status=False).subquery()
    rows = db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status))
    counts = {str(getattr(status, "value", status)): number for status, number in rows}
    result = {"": sum(counts.values())}
    result.update({status.value: counts.get(status.value, 0) for status in STATUSES[query.kind]})
    eligible_status, clause = ELIGIBLE[query.kind]
    result[eligible_status.value] = eligibility.count(
        filtered_select(query, with_status=False).where(clause()))
    return result


def languages_in_branch(kind: str) -> list[str]:
    """Return the language codes someone of this kind in the branch speaks, for the filter."""
    model = MODELS[kind]
    tag = model.tag_class
    owner = getattr(tag, f"{kind}_id")
    rows = db.session.scalars(
        select(tag.value).distinct().join(model, model.id == owner)
        .where(model.branch_id == current_branch().id, tag.kind == TagKind.LANGUAGE))
    return sorted(rows)


def filtered_people(query: ListQuery) -> list:
    """Return every person the list shows (all pages), for exports of the filtered list."""
    stmt = filtered_select(query).order_by(*_order(query)).options(with_all_tags(query.model))
    return list(db.session.scalars(stmt))
