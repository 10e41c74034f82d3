"""Branches and their programme settings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from guidematch import agreement_texts
from guidematch.extensions import db
from guidematch.models import AgreementText, Branch
from guidematch.services import audit
from guidematch.services.errors import DomainError
from guidematch.vocabulary import DEFAULT_WEIGHTS, MAX_WEEKLY_MINUTES, PERSON_LOCALES

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
    # The agreement as the coordinator left it, by language; "" means "use the default".
    # A language left out keeps what it has.
    agreement_texts: dict[str, str] = field(default_factory=dict)


def update_settings(branch: Branch, settings: ProgrammeSettings) -> list[str]:
    """Apply new programme settings; return the names of the settings that changed.

    When the words of the agreement change in any language (an own text edited
    or reset, or a rule the default text is filled from), the agreement gets a
    new version, so every acceptance stays tied to the exact words accepted.
    """
    _check(settings)
    words_before = agreement_texts.all_words(branch)
    defaults_before = {locale: agreement_texts.default_words(branch, locale)
                       for locale in PERSON_LOCALES}
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
    for locale, text in settings.agreement_texts.items():
        if _set_agreement_text(branch, locale, text, defaults_before[locale]):
            changed.append(f"agreement_text_{locale}")
    if agreement_texts.all_words(branch) != words_before:
        branch.agreement_version += 1
        changed.append("agreement_version")
    if changed:
        audit.record("branch_settings_changed", branch, fields=changed)
    db.session.flush()
    return changed


def _check(settings: ProgrammeSettings) -> None:
    if settings.min_months > settings.max_months:
        raise DomainError(_("The shortest duration cannot be longer than the longest."),
                          "min_months")
    if not 0 <= settings.weekly_minutes <= MAX_WEEKLY_MINUTES:
        raise DomainError(_("Enter the minutes from %(min)s (no minimum) to %(max)s (a whole day).",
                            min=0, max=MAX_WEEKLY_MINUTES), "weekly_minutes")
    if not any(settings.weights.values()):
        raise DomainError(_("At least one weight must be above 0."), "weights")
    unknown = set(settings.agreement_texts) - set(PERSON_LOCALES)
    if unknown:
        raise ValueError(f"no agreement in these languages: {sorted(unknown)}")


def _set_agreement_text(branch: Branch, locale: str, text: str, shown_default: str) -> bool:
    """Keep the coordinator's own text for `locale`, or none; return whether it changed.

    An empty text, or the default text left as it was shown, is not a text of
    one's own: that language keeps the default, which follows the rules.
    """
    text = text.replace("\r\n", "\n").strip()
    own = branch.agreement_texts.get(locale)
    if not text or agreement_texts.same_words(text, shown_default):
        if own is None:
            return False
        del branch.agreement_texts[locale]
        return True
    text += "\n"
    if own is None:
        branch.agreement_texts[locale] = AgreementText(locale=locale, text=text)
        return True
    if own.text == text:
        return False
    own.text = text
    return True
