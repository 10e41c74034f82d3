"""Fixtures for the audit log page: events made as the services make them, at chosen moments."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from guidematch.extensions import db as _db
from guidematch.services import audit


@pytest.fixture
def english(logged_in, db):
    """The logged-in coordinator, with English as their language (assertions read English)."""
    logged_in.locale = "en"
    db.session.commit()
    return logged_in


def event(action: str, obj=None, *, by=None, at: datetime | None = None, branch=None, **details):
    """Record an event through audit.record, as `by` (a user; None: the system) at `at` (UTC)."""
    made = audit.record(action, obj, branch_id=branch.id if branch is not None else None, **details)
    if by is not None:
        made.user_id, made.actor = by.id, "coordinator"
    made.created_at = at or datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    _db.session.commit()
    return made
