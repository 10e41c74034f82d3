"""Build issue 11's city-scale data set through the app's own services.

    build(scale=1.0) -> four branches, 10,000 refugees, 5,000 guides, ~3,000 pairings,
    ~100,000 meeting logs; the biggest branch ("tromso") has 3,000 refugees, ~2,200 of
    them waiting, and ~800 free guides.

People come from ../shared/tools/synth_profiles.py (realistic names, languages,
districts) and enter through the CSV import service; guides are approved with
`applicants.approve_guide`; pairings are made by hand (`proposals.manual_pair`, so
every hard rule is checked), confirmed, signed on paper and followed with
`meetings.add_logs` (the rules of `add_log`, one flush a pairing) and `add_pause`;
some are completed or ended early by the pairing services; each branch has a group meeting with invitations and attendance,
a recruitment campaign for every 25 guides (about a third of its guides signed up through one),
and a matching run leaves proposals. Everything a coordinator page shows was written
by the code that writes it in production (emails in the outbox included).
"""
from __future__ import annotations

import csv
import importlib.util
import io
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as at_time
from pathlib import Path

from guidematch import unit_of_work
from guidematch.extensions import db
from guidematch.models import Guide, Refugee
from guidematch.services import (
    accounts, applicants, branches, campaigns, clock, group_meetings, matching, meetings, people_csv,
    proposals,
)
from guidematch.services import pairings as pairing_service
from guidematch.services.errors import DomainError
from guidematch.vocabulary import (
    CampaignChannel, EndReason, Gender, GuideStatus, PauseReason, RefugeeStatus, Role,
)

SYNTH = Path(__file__).resolve().parents[2] / "shared" / "tools" / "synth_profiles.py"
if not SYNTH.exists():  # a worktree lives at /work/wt/NAME; the shared tools at /work/shared
    SYNTH = Path("/work/shared/tools/synth_profiles.py")
# slug (a branch synth_profiles knows), refugees, guides, pairings, at scale 1.
SHAPE = (("tromso", 3000, 1500, 900), ("sarpsborg", 3000, 1500, 900),
         ("selbu", 2500, 1250, 750), ("kviteseid", 1500, 750, 450))
PASSWORD = "bench password 11"
MINUTES = (0, 60, 90, 120, 120, 120, 150, 180)


def _synth():
    spec = importlib.util.spec_from_file_location("synth_profiles", SYNTH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@dataclass
class Built:
    coordinators: dict[str, str] = field(default_factory=dict)  # slug -> email
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def coordinator_email(slug: str, suffix: str = "") -> str:
    """The login of a branch's coordinator in the data set."""
    return f"koordinator@{slug}{suffix}.example.org"


def _approve(rng: random.Random, guide: Guide, today: date) -> None:
    interview = today - timedelta(days=rng.randint(30, 700))
    police = interview + timedelta(days=10) if rng.random() < .5 else None
    credentials = applicants.Credentials(interview, interview + timedelta(days=7),
                                         interview + timedelta(days=7), police)
    applicants.approve_guide(guide, credentials, today)


def _pair(rng: random.Random, guides: list[Guide], refugees: list[Refugee], today: date):
    """Pair a free guide with a waiting refugee by hand; return the proposal (or None)."""
    for _attempt in range(40):
        guide, refugee = rng.choice(guides), rng.choice(refugees)
        try:
            with unit_of_work.savepoint():
                return proposals.manual_pair(guide, refugee, today=today).pairing
        except DomainError:
            continue
    return None


def _follow(rng: random.Random, pairing, start: date, last: date, today: date) -> int:
    """Log most weeks of a pairing (many twice), and now and then a holiday; return the logs."""
    entries = []
    quiet = rng.random() < .12  # a pair that stopped meeting: the at-risk list's people
    day = start
    while day <= last:
        if quiet and (last - day).days < 35:
            break
        for _twice in range(2 if rng.random() < .65 else 1):
            if rng.random() < .88:
                met_on = min(last, day + timedelta(days=rng.randint(0, 6)))
                entries.append((met_on, rng.choice(MINUTES), ["walk"], ""))
        day += timedelta(days=7)
    meetings.add_logs(pairing, entries, today=today)
    if rng.random() < .1 and pairing.planned_end and (last - start).days > 40:
        first = start + timedelta(days=rng.randint(7, (last - start).days - 7))
        try:
            with unit_of_work.savepoint():
                meetings.add_pause(pairing, first, first + timedelta(days=rng.randint(5, 20)),
                                   PauseReason.HOLIDAY)
        except DomainError:
            pass
    return len(entries)


def _branch(rng: random.Random, synth, slug: str, n_refugees: int, n_guides: int,
            n_pairings: int, today: date, counts: dict[str, int], suffix: str = "") -> str:
    name = synth.BRANCHES[slug][0]
    branch = branches.create_branch(slug + suffix, f"{name} Røde Kors{suffix}")
    branch.districts = list(synth.BRANCHES[slug][3])
    email = coordinator_email(slug, suffix)
    accounts.create_user(email, f"Koordinator {name}", PASSWORD, Role.COORDINATOR, branch)
    guide_rows = [synth.guide(rng, counts.get("guides", 0) + i, slug, today)
                  for i in range(1, n_guides + 1)]
    refugee_rows = [synth.refugee(rng, counts.get("refugees", 0) + i, slug, today)
                    for i in range(1, n_refugees + 1)]
    for rows in (guide_rows, refugee_rows):
        for row in rows:
            row.pop("branch", None)
    people_csv.import_csv_text(branch, "guide", _csv(guide_rows), "guides.csv", imported_by="bench")
    people_csv.import_csv_text(branch, "refugee", _csv(refugee_rows), "refugees.csv")
    db.session.commit()
    counts["guides"] = counts.get("guides", 0) + n_guides
    counts["refugees"] = counts.get("refugees", 0) + n_refugees

    guides = list(db.session.scalars(db.select(Guide).where(Guide.branch_id == branch.id)
                                     .order_by(Guide.id)))
    channels = list(CampaignChannel)
    recruiting = [campaigns.create_campaign(branch, campaigns.CampaignValues(
        f"Kampanje {n + 1}", channels[n % len(channels)], Gender.MALE if n % 2 == 0 else None))
        for n in range(max(1, n_guides // 25))]
    # A random stream of its own: the rest of the data set stays as it was before campaigns.
    pick = random.Random(f"campaigns-{slug}")
    for guide in guides:
        if pick.random() < 1 / 3:  # the import made them; the sign-up link would have set this
            guide.campaign_id = pick.choice(recruiting).id
    for guide in guides[: max(1, n_guides * 96 // 100)]:
        _approve(rng, guide, today)
    db.session.commit()
    free = [g for g in guides if g.status == GuideStatus.AVAILABLE]
    waiting = list(db.session.scalars(db.select(Refugee).where(Refugee.branch_id == branch.id)
                                      .order_by(Refugee.id)))
    for n in range(n_pairings):
        pairing = _pair(rng, free, waiting, today)
        if pairing is None:
            continue
        waiting.remove(pairing.refugee)
        kind = rng.choices(("active", "awaiting", "completed", "ended"), (76, 6, 12, 6))[0]
        pairing_service.confirm(pairing)
        if kind != "awaiting":
            days_ago = rng.randint(290, 420) if kind == "completed" else rng.randint(1, 330)
            start = today - timedelta(days=days_ago)
            pairing_service.record_paper_agreement(pairing, today=start)
            if kind == "completed":
                last = min(today, pairing.earliest_end + timedelta(days=rng.randint(0, 20)))
                counts["logs"] = counts.get("logs", 0) + _follow(rng, pairing, start, last, today)
                pairing_service.complete(pairing, today=last)
            elif kind == "ended":
                last = start + (today - start) // 2
                counts["logs"] = counts.get("logs", 0) + _follow(rng, pairing, start, last, today)
                pairing_service.end_early(pairing, EndReason.PERSONAL, "", True, today=last)
            else:
                counts["logs"] = counts.get("logs", 0) + _follow(rng, pairing, start, today, today)
        if pairing.guide.status != GuideStatus.AVAILABLE and pairing.guide in free:
            free.remove(pairing.guide)
        counts[kind] = counts.get(kind, 0) + 1
        if n % 100 == 99:
            db.session.commit()
    db.session.commit()

    now = datetime.combine(today, at_time(0), tzinfo=timezone.utc)
    series = group_meetings.schedule_series(
        branch, "Fellesmøte", today - timedelta(days=40), 3, 3, 1, at_time(18),
        location="Frivilligsentralen", now=now - timedelta(days=45))
    past = series[0]
    group_meetings.send_invitations(past)
    rows = group_meetings.attendance_list(past)
    listed = {(row.side, row.person_id) for row in rows}
    group_meetings.record_attendance(past, {key for key in listed if rng.random() < .4}, listed)
    db.session.commit()
    run = matching.run_matching(branch, today=today)
    counts["proposed"] = counts.get("proposed", 0) + run.proposed
    counts["waiting_" + slug] = db.session.scalar(
        db.select(db.func.count()).select_from(Refugee)
        .where(Refugee.branch_id == branch.id, Refugee.status == RefugeeStatus.WAITING))
    counts["free_guides_" + slug] = len(free)
    db.session.commit()
    return email


def build(scale: float = 1.0, seed: int = 11, today: date | None = None,
          progress=lambda text: None, suffix: str = "") -> Built:
    """Fill an empty database with the data set at `scale` (1.0: the issue's size); commit.

    `suffix` is added to the branches' slugs, so that two sizes can live side by side.
    """
    rng = random.Random(seed)
    synth = _synth()
    today = today or clock.today()
    built = Built()
    began = time.perf_counter()
    for slug, n_refugees, n_guides, n_pairings in SHAPE:
        size = (max(4, round(n_refugees * scale)), max(3, round(n_guides * scale)),
                max(2, round(n_pairings * scale)))
        built.coordinators[slug] = _branch(rng, synth, slug, *size, today, built.counts, suffix)
        progress(f"{slug}: {size[0]} refugees, {size[1]} guides, {size[2]} pairings "
                 f"({time.perf_counter() - began:.0f} s)")
    built.seconds = time.perf_counter() - began
    return built
