"""Profiles for matching tests: sensible defaults, override what a test cares about."""
from __future__ import annotations

import itertools
from datetime import date

from guidematch.profile import ProfileRecord
from guidematch.vocabulary import DEFAULT_WEIGHTS

TODAY = date(2026, 11, 1)
_ids = itertools.count(1)


def guide(**fields) -> ProfileRecord:
    """A guide who fits nearly everyone: any gender wanted, no pets, a police certificate."""
    return ProfileRecord(**{
        "kind": "guide", "id": f"g{next(_ids)}", "first_name": "Kari", "gender": "female",
        "birth_year": 1980, "police_certificate": True, "branch": "tromso", **fields,
    })


def refugee(**fields) -> ProfileRecord:
    """An adult refugee who accepts any guide."""
    return ProfileRecord(**{
        "kind": "refugee", "id": f"r{next(_ids)}", "first_name": "Amal", "gender": "female",
        "birth_year": 1990, "waiting_since": date(2026, 6, 1), "branch": "tromso", **fields,
    })


def only(part: str) -> dict[str, float]:
    """Weights that make the score 100 x that one part."""
    return {name: (1.0 if name == part else 0.0) for name in DEFAULT_WEIGHTS}
