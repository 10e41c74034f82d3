"""The dashboard's charts: which numbers go in them, under which labels, in which order."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from guidematch import charts
from guidematch.labels import WAIT_BAND_LABELS
from guidematch.services.overview import Overview
from guidematch.vocabulary import Gender

# Men first: they are the programme's problem; "other" only when someone of it waits.
WAITING_GENDERS = (Gender.MALE, Gender.FEMALE, Gender.OTHER)
GROUP_LABELS = {Gender.MALE: _l("Men"), Gender.FEMALE: _l("Women"), Gender.OTHER: _l("Other")}
TREND_SERIES = (_l("Men waiting for a male guide"), _l("Free places with male guides"))


def context(o: Overview) -> dict:
    """Return the template's chart context: geometry, series labels and the table's rows."""
    genders = [g for g in WAITING_GENDERS if g != Gender.OTHER or o.waiting.total(g)]
    bands = [str(b) for b in WAIT_BAND_LABELS]
    waiting_chart = charts.grouped_bars(bands, [o.waiting.bands[g] for g in genders])
    trend = [[m.gap.needing_male_guide if m.gap else None for m in o.trend],
             [m.gap.free_places_male_guides if m.gap else None for m in o.trend]]
    return {
        "waiting_chart": waiting_chart,
        "waiting_series": [str(GROUP_LABELS[g]) for g in genders],
        "group_labels": {g: str(name) for g, name in GROUP_LABELS.items()},
        "waiting_genders": genders,
        "band_labels": bands,
        "trend_chart": charts.lines([m.first_day for m in o.trend], trend),
        "trend_series": [str(s) for s in TREND_SERIES],
    }
