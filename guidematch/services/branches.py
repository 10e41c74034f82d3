"""Branches and their programme settings."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Branch
from guidematch.services import audit
from guidematch.services.errors import DomainError
from guidematch.vocabulary import DEFAULT_WEIGHTS

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def create_branch(slug: str, name: str) -> Branch:
    """Add a branch; the slug is its name in URLs and CSV files."""
    slug = slug.strip().lower()
    if not SLUG.fullmatch(slug):
        raise DomainError(_("Use lowercase letters, digits and dashes for the short name."), "slug")
    if db.session.scalar(select(Branch.id).where(Branch.slug == slug)):
        raise DomainError(_("A branch with this short name exists already."), "slug")
    branch = Branch(slug=slug, name=name.strip())
    db.session.add(branch)
    db.session.flush()
    audit.record("branch_created", branch)
    return branch


@dataclass(frozen=True)
class ProgrammeSettings:
    name: str
    contact_email: str
    districts: list[str]
    min_months: int
    max_months: int
    weekly_minutes: int
    monthly_group_meetings: bool
    evaluation_after_months: int
    retention_months: int
    min_score: float
    weights: dict[str, float]
    agreement_text: str


def update_settings(branch: Branch, settings: ProgrammeSettings) -> list[str]:
    """Apply new programme settings; return the names of the settings that changed.

    A changed agreement text gets a new version, so every acceptance stays tied
    to the exact text the person accepted.
    """
    if settings.min_months > settings.max_months:
        raise DomainError(_("The shortest duration cannot be longer than the longest."),
                          "min_months")
    if not any(settings.weights.values()):
        raise DomainError(_("At least one weight must be above 0."), "weights")
    changed = []
    values = {
        "name": settings.name, "contact_email": settings.contact_email, "districts": settings.districts,
        "min_months": settings.min_months, "max_months": settings.max_months,
        "weekly_minutes": settings.weekly_minutes, "monthly_group_meetings": settings.monthly_group_meetings,
        "evaluation_after_months": settings.evaluation_after_months,
        "retention_months": settings.retention_months, "min_score": settings.min_score,
        "matching_weights": {k: float(settings.weights.get(k, 0)) for k in DEFAULT_WEIGHTS},
    }
    for key, value in values.items():
        if getattr(branch, key) != value:
            setattr(branch, key, value)
            changed.append(key)
    text = settings.agreement_text.replace("\r\n", "\n").strip() + "\n"
    if text != branch.agreement_text:
        branch.agreement_text = text
        branch.agreement_version += 1
        changed.append("agreement_text")
    if changed:
        audit.record("branch_settings_changed", branch, fields=changed)
    db.session.flush()
    return changed
