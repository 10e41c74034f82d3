"""A page of a list counted in Python or SQL, with what templates/people/_macros.html asks of it."""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil


@dataclass(frozen=True)
class Pager:
    """Page `page` (from 1, clamped to the last) of `total` items, `per_page` at a time."""

    page: int
    per_page: int
    total: int
    args: dict[str, str] = field(default_factory=dict)  # the list's other URL arguments

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", max(1, min(self.page, self.pages)))

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def slice(self, items: list) -> list:
        return items[self.offset:self.offset + self.per_page]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, left_edge=1, left_current=2, right_current=2, right_edge=1):
        """Yield page numbers to link, None for a gap (as Flask-SQLAlchemy's pagination)."""
        last = 0
        for number in range(1, self.pages + 1):
            near = self.page - left_current <= number <= self.page + right_current
            if number <= left_edge or near or number > self.pages - right_edge:
                if last + 1 != number:
                    yield None
                yield number
                last = number

    def with_args(self, **changes) -> dict[str, str]:
        """Return the URL arguments of this list with some changed (None removes one)."""
        merged = {**self.args, **changes}
        return {key: value for key, value in merged.items() if value not in (None, "")}


def page_number(args) -> int:
    """Return the page asked for in the URL (1 for anything else)."""
    try:
        return max(1, min(int(args.get("page", 1)), 100_000))
    except (TypeError, ValueError):
        return 1
