"""The matching page's filters of refugees (gender, waiting time, language, district) and pages."""
from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

from guidematch.models import Refugee, TagKind
from guidematch.vocabulary import Gender

WAITED_MONTHS = (1, 3, 6, 12)      # "waited at least ... months", the filter's steps
PROPOSALS_PER_PAGE = 20
WAITING_PER_PAGE = 25
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def months_before(today: date, months: int) -> date:
    """Return the day `months` calendar months before `today` (a 31st falls on the month's last)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))


def _page(value) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


@dataclass
class Filters:
    """Which refugees the proposals and the waiting list show, and which page of each."""

    gender: str = ""
    waited: int = 0          # months at least; 0: any
    language: str = ""
    district: str = ""
    page: int = 1            # of the proposals
    wpage: int = 1           # of the waiting list

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read the filters from a query string; a value that is not a choice is ignored."""
        gender = args.get("gender", "")
        waited = args.get("waited", "")
        language = (args.get("language") or "").strip().lower()
        return cls(gender=gender if gender in {g.value for g in Gender} else "",
                   waited=int(waited) if waited in {str(m) for m in WAITED_MONTHS} else 0,
                   language=language if _LANGUAGE.match(language) else "",
                   district=(args.get("district") or "").strip()[:100],
                   page=_page(args.get("page", 1)), wpage=_page(args.get("wpage", 1)))

    @property
    def active(self) -> bool:
        return bool(self.gender or self.waited or self.language or self.district)

    def clauses(self, today: date) -> list:
        """Return the WHERE clauses on `Refugee` that the filters ask for."""
        found = []
        if self.gender:
            found.append(Refugee.gender == self.gender)
        if self.waited:
            found.append(Refugee.waiting_since <= months_before(today, self.waited))
        if self.language:
            found.append(Refugee.has_tag(TagKind.LANGUAGE, self.language))
        if self.district:
            found.append(Refugee.district == self.district)
        return found

    def with_args(self, **changes) -> dict[str, str | int]:
        """Return the query string's values with some changed (a filter change starts at page 1)."""
        values = {**asdict(self), **changes}
        return {k: v for k, v in values.items() if v and not (k in ("page", "wpage") and v == 1)}
