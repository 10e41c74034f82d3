"""The report's sections and measures in words, and how each value is shown on the page."""
from __future__ import annotations

from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l

from guidematch.services.report_figures import Figure

SECTION_TITLES = {
    "guides": _l("Guides"), "refugees": _l("Refugees added"), "pairings": _l("Pairings"),
    "hours": _l("Time together"), "group_meetings": _l("Group meetings"),
    "waiting": _l("Waiting at the end of the period"), "evaluations": _l("Evaluations"),
}

# A campaign's figures (report_figures.CAMPAIGN_MEASURES), and the gender of each column.
CAMPAIGN_MEASURE_LABELS = {
    "signed_up": _l("Signed up"), "confirmed": _l("Email confirmed"), "approved": _l("Approved"),
    "paired": _l("Paired"),
}
GENDER_COLUMNS = {"male": _l("Men"), "female": _l("Women"), "other": _l("Other")}

_GENDER = {"female": _l("women"), "male": _l("men"), "other": _l("other gender")}
_REASON = {"moved": _l("moved"), "personal": _l("personal reasons"), "no_contact": _l("no contact"),
           "mismatch": _l("not a good match"), "other": _l("other reason")}

LABELS = {
    "guides_signed_up": _l("Guides signed up (email confirmed)"),
    "guides_approved": _l("Guides approved"),
    "refugees_referred": _l("Referred by the municipality"),
    "refugees_self_registered": _l("Registered themselves"),
    "refugees_added_by_coordinator": _l("Added by a coordinator"),
    "pairings_started": _l("Pairings started"),
    "pairings_completed": _l("Pairings completed"),
    "pairings_ended_early": _l("Pairings ended early"),
    "pairings_active_at_end": _l("Pairings active at the end of the period"),
    "pairing_weeks_counted": _l("Pairing-weeks counted (full weeks, not paused)"),
    "median_minutes_per_week": _l("Median minutes a week"),
    "share_weeks_meeting_minimum": _l("Share of pairing-weeks that met the weekly minimum"),
    "group_meetings_held": _l("Group meetings held"),
    "group_meeting_attendances_recorded": _l("Invitations with attendance recorded"),
    "group_meeting_attendance_rate": _l("Attendance rate"),
    "refugees_waiting_at_end": _l("Refugees waiting"),
    "waiting_needing_male_guide": _l("Waiting refugees who want only a male guide"),
    "free_places_male_guides": _l("Free places with male guides (now)"),
    "free_places_female_guides": _l("Free places with female guides (now)"),
    "evaluations_answered": _l("Evaluations answered"),
    "evaluations_continue_yes": _l("Want to continue: yes"),
    "evaluations_continue_no": _l("Want to continue: no"),
    "evaluations_continue_unsure": _l("Want to continue: not sure"),
}


def label(name: str) -> str:
    """Return a measure's name in words, in the page's language."""
    if name in LABELS:
        return str(LABELS[name])
    for gender, words in _GENDER.items():
        for stem, text in (("guides_signed_up_", _l("Guides signed up: %(who)s")),
                           ("guides_approved_", _l("Guides approved: %(who)s"))):
            if name == stem + gender:
                return str(text) % {"who": words}
        if name == f"refugees_waiting_{gender}_at_end":
            return str(_l("Refugees waiting: %(who)s")) % {"who": words}
        if name in (f"median_wait_days_{gender}", f"p90_wait_days_{gender}"):
            text = (_l("Median days waited: %(who)s") if name.startswith("median")
                    else _l("Days waited by the longest-waiting tenth: %(who)s"))
            return str(text) % {"who": words}
    if name.startswith("pairings_ended_early_"):
        return str(_l("Ended early: %(reason)s")) % {"reason": _REASON[name.rsplit("early_", 1)[1]]}
    if name.startswith("evaluations_satisfaction_"):
        return str(_l("Satisfaction %(score)s of 5")) % {"score": name[-1]}
    return name


def shown(figure: Figure) -> str:
    """Return a figure's value as the page shows it: rates as percentages, "–" for none."""
    if figure.value is None:
        return "–"
    if figure.name.endswith("_rate") or figure.name.startswith("share_"):
        return format_percent(figure.value, "#,##0.0 %")
    if isinstance(figure.value, float):
        return format_decimal(figure.value, "#,##0.#")
    return format_decimal(figure.value)
