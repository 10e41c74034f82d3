"""Realistic synthetic guides and refugees as ProfileRecords, for the benchmark and trials.

The make-up follows the programme's reality (after shared/tools/synth_profiles.py):
most volunteers are women, most waiting refugees are men, refugees are free
mainly in evenings and at weekends; a few refugees are unaccompanied minors,
and most guides hold a police certificate.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from guidematch.profile import ProfileRecord
from guidematch.vocabulary import ACTIVITIES, DAYS, INTERESTS

FAMILY = ("single", "couple", "single_parent", "family_with_children")
EDUCATION = ("none", "primary", "secondary", "vocational", "bachelor", "master_or_higher")
LEVELS = ("none", "A1", "A2", "B1", "B2", "C1")
OCCUPATIONS = ("nurse", "teacher", "carpenter", "electrician", "engineer", "driver", "cook",
               "farmer", "student", "shop assistant", "accountant", "mechanic", "hairdresser",
               "doctor", "cleaner", "retired", "IT consultant", "welder")
BRANCHES = {  # slug: (latitude, longitude, districts)
    "tromso": (69.6492, 18.9553, ("Tromsøya", "Kvaløya", "Tromsdalen", "Kroken", "Hamna")),
    "sarpsborg": (59.2839, 11.1096, ("Sentrum", "Tune", "Skjeberg", "Varteig")),
    "selbu": (63.2177, 11.0393, ("Mebonden", "Flora", "Tydal")),
    "kviteseid": (59.4027, 8.4916, ("Kviteseid", "Vrådal", "Morgedal")),
    "balsfjord": (69.2407, 19.2297, ("Nordkjosbotn", "Storsteinnes", "Malangseidet")),
}
PREFERENCES = ("any", "same", "female", "male")
ORIGINS = {  # country: (weight, languages)
    "SY": (30, ("ar",)), "ER": (20, ("ti",)), "AF": (15, ("fa", "ps")), "UA": (20, ("uk", "ru")),
    "SO": (8, ("so",)), "CD": (7, ("fr", "sw")),
}


def _pick(rng: random.Random, items, lo: int, hi: int) -> tuple[str, ...]:
    return tuple(rng.sample(list(items), rng.randint(lo, min(hi, len(items)))))


def _slots(rng: random.Random, evenings_and_weekends: bool) -> tuple[str, ...]:
    slots = [f"{d}_evening" for d in DAYS] + ["sat_day", "sun_day"]
    if not evenings_and_weekends:
        slots += [f"{d}_day" for d in DAYS[:5]]
    return tuple(sorted(_pick(rng, slots, 2, 6)))


def _place(rng: random.Random, branch: str) -> dict[str, object]:
    lat, lon, districts = BRANCHES[branch]
    return {"district": rng.choice(districts), "lat": round(lat + rng.gauss(0, 0.05), 5),
            "lon": round(lon + rng.gauss(0, 0.08), 5), "branch": branch}


def guide(rng: random.Random, i: int, branch: str, today: date) -> ProfileRecord:
    """One volunteer guide."""
    gender = rng.choices(("female", "male", "other"), (75, 23, 2))[0]
    odds = (("en", .85), ("de", .1), ("es", .06), ("fr", .06), ("ar", .03))
    extra = [code for code, p in odds if rng.random() < p]
    return ProfileRecord(
        kind="guide", id=f"g{i}", first_name="Guide", gender=gender,  # type: ignore[arg-type]
        gender_preference=rng.choices(PREFERENCES, (75, 20, 4, 1))[0],  # type: ignore[arg-type]
        birth_year=today.year - rng.choice((rng.randint(20, 45), rng.randint(46, 75))),
        languages=("nb", *extra), interests=_pick(rng, INTERESTS, 2, 6),
        activities=_pick(rng, ACTIVITIES, 1, 5),
        family_situation=rng.choices(FAMILY, (35, 25, 8, 32))[0],  # type: ignore[arg-type]
        availability=_slots(rng, False), **_place(rng, branch),  # type: ignore[arg-type]
        education_level=rng.choices(EDUCATION, (0, 2, 20, 25, 33, 20))[0],  # type: ignore[arg-type]
        occupation=rng.choice(OCCUPATIONS), has_car=rng.random() < .7, has_pets=rng.random() < .3,
        capacity=rng.choices((1, 2, 3), (90, 8, 2))[0], police_certificate=rng.random() < .6,
    )


def refugee(rng: random.Random, i: int, branch: str, today: date) -> ProfileRecord:
    """One refugee on the waiting list; about 3 in 100 are minors (15-17)."""
    country = rng.choices(list(ORIGINS), [w for w, _ in ORIGINS.values()])[0]
    extra = [c for c, p in (("en", .35), ("nb", .25)) if rng.random() < p]
    age = rng.randint(15, 17) if rng.random() < .03 else rng.randint(19, 55)
    return ProfileRecord(
        kind="refugee", id=f"r{i}", first_name="Refugee",
        gender=rng.choices(("female", "male", "other"), (41, 58, 1))[0],  # type: ignore[arg-type]
        gender_preference=rng.choices(PREFERENCES, (50, 45, 4, 1))[0],  # type: ignore[arg-type]
        birth_year=today.year - age, languages=(*ORIGINS[country][1], *extra),
        interests=_pick(rng, INTERESTS, 1, 5), activities=_pick(rng, ACTIVITIES, 1, 4),
        family_situation=rng.choices(FAMILY, (40, 10, 15, 35))[0],  # type: ignore[arg-type]
        availability=_slots(rng, True), **_place(rng, branch),  # type: ignore[arg-type]
        education_level=rng.choices(EDUCATION, (8, 22, 30, 15, 18, 7))[0],  # type: ignore[arg-type]
        occupation=rng.choice(OCCUPATIONS), country_of_origin=country,
        norwegian_level=rng.choices(LEVELS, (25, 30, 25, 12, 6, 2))[0],  # type: ignore[arg-type]
        waiting_since=today - timedelta(days=rng.randint(0, 400)),
        pets_ok=rng.random() >= .15, interpreter_needed=rng.random() < .3,
    )


def profiles(n_guides: int, n_refugees: int, *, branches: int = 1, seed: int = 0,
             today: date = date(2026, 11, 1)) -> tuple[list[ProfileRecord], list[ProfileRecord]]:
    """Return (guides, refugees) spread evenly over the first `branches` branches (1-5)."""
    rng = random.Random(seed)
    names = list(BRANCHES)[:max(1, min(branches, len(BRANCHES)))]
    guides = [guide(rng, i, names[i % len(names)], today) for i in range(1, n_guides + 1)]
    refugees = [refugee(rng, i, names[i % len(names)], today) for i in range(1, n_refugees + 1)]
    return guides, refugees
