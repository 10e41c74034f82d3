"""Demo data: one branch with realistic guides and refugees, and pairings in every state.

The make-up follows the programme's reality (and ../shared/tools/synth_profiles.py):
most volunteers are women, most waiting refugees are men, refugees are free
mainly in evenings and at weekends. The same seed and day give the same people.
"""
from __future__ import annotations

import calendar
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from guidematch import agreement_texts
from guidematch import vocabulary as v
from guidematch.extensions import db
from guidematch.models import (
    Attendance, AuditEvent, Branch, Campaign, Consent, Evaluation, GapSnapshot, GroupMeeting, Guide,
    MeetingLog, Pairing, Pause, Refugee, User,
)
from guidematch import matching as core
from guidematch.services import clock, matching, proposal_store, proposals, report_figures
from guidematch.services.people import record_from_person

LOCAL = ZoneInfo("Europe/Oslo")
DISTRICTS = {"Tromsøya": (69.6492, 18.9553), "Kvaløya": (69.68, 18.70), "Tromsdalen": (69.645, 19.00),
             "Kroken": (69.69, 19.13), "Hamna": (69.70, 18.98)}
OCCUPATIONS = ["nurse", "teacher", "carpenter", "electrician", "engineer", "driver", "cook", "farmer",
               "student", "shop assistant", "accountant", "mechanic", "hairdresser", "doctor", "cleaner",
               "retired", "IT consultant", "welder"]
NORWEGIAN_NAMES = {
    "female": ["Ingrid", "Kari", "Sigrid", "Tone", "Åse", "Hanne", "Marit", "Solveig", "Ragnhild", "Ida"],
    "male": ["Ole", "Lars", "Bjørn", "Knut", "Øystein", "Per", "Håkon", "Eirik", "Magnus", "Arne"],
    "other": ["Kim", "Robin", "Eli"],
}
SURNAMES_NB = ["Hansen", "Johansen", "Olsen", "Berg", "Haugen", "Bakken", "Søreide", "Æsøy", "Lie", "Dahl",
               "Østby", "Ødegård"]
# country: (weight, languages, email language, female names, male names, surnames); some in their own script.
ORIGINS = {
    "SY": (30, ["ar"], "ar", ["Amal", "Rania", "Huda", "Layla", "أمل"], ["Ahmad", "Omar", "Khaled", "Yusuf", "عمر"],
           ["Haddad", "Al-Khatib", "Nasser", "الحداد"]),
    "ER": (20, ["ti"], "en", ["Selam", "Helen", "Senait", "Yohana"], ["Yonas", "Tesfay", "Dawit", "Robel"],
           ["Tesfamariam", "Ghebre", "Kidane"]),
    "AF": (15, ["fa", "ps"], "en", ["Zahra", "Mariam", "Nazanin"], ["Ali", "Hamid", "Farid", "Javad"],
           ["Ahmadi", "Rahimi", "Hosseini"]),
    "UA": (20, ["uk", "ru"], "uk", ["Olena", "Iryna", "Natalia", "Оксана"], ["Andrii", "Oleksandr", "Taras", "Дмитро"],
           ["Shevchenko", "Kovalenko", "Бойко"]),
    "SO": (8, ["so"], "en", ["Amina", "Hodan", "Faduma"], ["Abdi", "Mohamed", "Hassan"], ["Warsame", "Farah", "Jama"]),
    "CD": (7, ["fr", "sw"], "en", ["Grace", "Esther", "Nadine"], ["Patrick", "Jean", "Emmanuel"],
           ["Mukendi", "Kabila", "Ilunga"]),
}
FAMILY = [f.value for f in v.FamilySituation]
EDUCATION = [e.value for e in v.EducationLevel]
LEVELS = [n.value for n in v.NorwegianLevel]
COORDINATOR_EMAIL = "koordinator@example.org"
# How many pairings of each kind the demo branch has; the proposals come from a matching run.
PLAN = {"active": 8, "awaiting_agreement": 2, "completed": 2, "ended_early": 1}
ACTIVE_MONTHS_AGO = [1, 2, 3, 4, 5, 7, 9, 11]


@dataclass(frozen=True)
class DemoResult:
    branch: Branch
    coordinator: User
    password: str
    guides: int
    refugees: int
    pairings: int


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), LOCAL).astimezone(timezone.utc)


def _pick(rng: random.Random, items, lo: int, hi: int) -> list:
    return rng.sample(list(items), rng.randint(lo, min(hi, len(items))))


def _slots(rng: random.Random, evenings_weekends_only: bool) -> list[str]:
    slots = [f"{d}_evening" for d in v.DAYS] + ["sat_day", "sun_day"]
    if not evenings_weekends_only:
        slots += [f"{d}_day" for d in v.DAYS[:5]]
    return [s for s in v.SLOTS if s in set(_pick(rng, slots, 2, 6))]


def _place(rng: random.Random) -> dict:
    district = rng.choice(list(DISTRICTS))
    lat, lon = DISTRICTS[district]
    return {"district": district, "lat": round(lat + rng.gauss(0, 0.02), 5), "lon": round(lon + rng.gauss(0, 0.04), 5)}


def make_guide(rng: random.Random, i: int, branch: Branch, today: date) -> Guide:
    gender = rng.choices(["female", "male", "other"], [72, 26, 2])[0]
    age = rng.choice([rng.randint(20, 45), rng.randint(46, 75)])
    languages = ["nb"] + [c for c, p in (("en", .85), ("de", .1), ("es", .06), ("fr", .06), ("ar", .03)) if rng.random() < p]
    guide = Guide(
        branch=branch, ref=f"g{i}", first_name=rng.choice(NORWEGIAN_NAMES[gender]),
        last_name=rng.choice(SURNAMES_NB), email=f"guide{i}@example.org",
        phone=f"+47 9{rng.randint(1000000, 9999999)}", gender=gender,
        gender_preference=rng.choices(["any", "same", "female", "male"], [75, 20, 4, 1])[0],
        birth_year=today.year - age, family_situation=rng.choices(FAMILY, [35, 25, 8, 32])[0],
        education_level=rng.choices(EDUCATION, [0, 2, 20, 25, 33, 20])[0], occupation=rng.choice(OCCUPATIONS),
        has_car=rng.random() < .7, has_pets=rng.random() < .3, capacity=rng.choices([1, 2, 3], [90, 8, 2])[0],
        locale=rng.choices(["nb", "en"], [9, 1])[0], status=v.GuideStatus.AVAILABLE,
        motivation=rng.choice(["", "Vil gjerne bli kjent med nye naboer.", "Har selv bodd i utlandet.",
                               "Liker å gå på tur og vise fram byen."]),
        created_at=_at(today - timedelta(days=rng.randint(30, 700))), **_place(rng),
    )
    guide.languages = languages
    guide.interests = _pick(rng, v.INTERESTS, 2, 6)
    guide.activities = _pick(rng, v.ACTIVITIES, 1, 5)
    guide.availability = _slots(rng, False)
    return guide


def make_refugee(rng: random.Random, i: int, branch: Branch, today: date) -> Refugee:
    country = rng.choices(list(ORIGINS), [o[0] for o in ORIGINS.values()])[0]
    _, langs, locale, female, male, surnames = ORIGINS[country]
    gender = rng.choices(["female", "male", "other"], [38, 61, 1])[0]
    names = female if gender == "female" else male if gender == "male" else female + male
    waiting_since = today - timedelta(days=rng.randint(3, 365))
    refugee = Refugee(
        branch=branch, ref=f"r{i}", first_name=rng.choice(names), last_name=rng.choice(surnames),
        email=f"refugee{i}@example.org" if rng.random() < .9 else None,
        phone=f"+47 4{rng.randint(1000000, 9999999)}", gender=gender,
        gender_preference=rng.choices(["any", "same", "female", "male"], [50, 45, 4, 1])[0],
        birth_year=today.year - rng.randint(18, 55), family_situation=rng.choices(FAMILY, [40, 10, 15, 35])[0],
        education_level=rng.choices(EDUCATION, [8, 22, 30, 15, 18, 7])[0], occupation=rng.choice(OCCUPATIONS),
        country_of_origin=country, norwegian_level=rng.choices(LEVELS, [25, 30, 25, 12, 6, 2])[0],
        waiting_since=waiting_since, pets_ok=rng.random() >= .15, interpreter_needed=rng.random() < .3,
        locale=locale, status=v.RefugeeStatus.WAITING, created_at=_at(waiting_since, 10),
        referred_by_name="Flyktningtjenesten", referred_by_email="flyktningtjenesten@example.org",
        **_place(rng),
    )
    refugee.languages = list(langs) + [c for c, p in (("en", .35), ("nb", .25)) if rng.random() < p]
    refugee.interests = _pick(rng, v.INTERESTS, 1, 5)
    refugee.activities = _pick(rng, v.ACTIVITIES, 1, 4)
    refugee.availability = _slots(rng, True)
    return refugee


def _vet(rng: random.Random, guide: Guide, before: date) -> None:
    interview = before - timedelta(days=rng.randint(20, 60))
    guide.interview_on = interview
    guide.intro_course_on = interview + timedelta(days=rng.randint(3, 14))
    guide.confidentiality_signed_on = guide.intro_course_on
    guide.police_certificate_on = interview + timedelta(days=rng.randint(5, 20)) if rng.random() < .5 else None


def _weekly_logs(rng: random.Random, pairing: Pairing, first: date, last: date, at_risk: bool) -> list[MeetingLog]:
    """One or two logs a week from `first` to `last`; some weeks under 120 minutes, never two in a row."""
    logs: list[MeetingLog] = []
    monday = first - timedelta(days=first.weekday())
    previous_short = True  # the first week is short of nothing
    while monday <= last:
        day = min(monday + timedelta(days=rng.choice([2, 5, 6])), last)
        if day >= first:
            short = not previous_short and rng.random() < .18 and (last - monday).days > 14
            minutes = rng.choice([45, 60, 90]) if short else rng.choice([120, 120, 150, 180, 240])
            activities = _pick(rng, v.MEETING_ACTIVITIES[:-1], 1, 2)
            logs.append(MeetingLog(pairing=pairing, met_on=day, minutes=minutes, activities=activities,
                                   logged_by=rng.choices(["guide", "coordinator"], [9, 1])[0],
                                   created_at=_at(day, 21)))
            previous_short = short
        monday += timedelta(weeks=1)
    if at_risk:
        logs = [log for log in logs if (last - log.met_on).days > 23]
    return logs


def _pairing(branch: Branch, guide: Guide, refugee: Refugee, status: v.PairingStatus, *, start: date | None,
             proposed: date, coordinator: User) -> Pairing:
    pairing = Pairing(branch=branch, guide=guide, refugee=refugee, status=status, proposed_at=_at(proposed, 9),
                      created_by_id=coordinator.id)
    # The score and reasons the matching gave them (the one adapter to the core).
    fit = matching.score_pair(guide, refugee, today=proposed)
    pairing.score = round(fit.score, 1)
    pairing.reasons = proposal_store.reasons_to_json(fit.reasons)
    if status != v.PairingStatus.PROPOSED:
        pairing.confirmed_at = _at(proposed + timedelta(days=2), 10)
        pairing.agreement_version = branch.agreement_version or 1
    if start is not None:
        pairing.guide_accepted_at = _at(start - timedelta(days=3), 19)
        pairing.refugee_accepted_at = _at(start - timedelta(days=2), 18)
        pairing.start_date = start
        pairing.earliest_end = add_months(start, branch.min_months or v.DEFAULT_MIN_MONTHS)
        pairing.planned_end = add_months(start, branch.max_months or v.DEFAULT_MAX_MONTHS)
    return pairing


def _pair_up(rng: random.Random, guides: list[Guide], refugees: list[Refugee], today: date):
    """Yield (guide, refugee) pairs the hard rules allow, each person at most once, in a seeded order.

    The matching core judges the rules (one place for them), on every pair at once.
    """
    guide_pool = [g for g in guides if g.status == v.GuideStatus.AVAILABLE]
    refugee_pool = list(refugees)
    rng.shuffle(guide_pool)
    rng.shuffle(refugee_pool)
    table = core.score_matrix([record_from_person(g) for g in guide_pool],
                              [record_from_person(r) for r in refugee_pool], v.DEFAULT_WEIGHTS, today)
    row = {ref: i for i, ref in enumerate(table.guide_ids)}
    column = {ref: j for j, ref in enumerate(table.refugee_ids)}
    for guide in guide_pool:
        match = next((r for r in refugee_pool
                      if table.forbidden[row[guide.ref], column[r.ref]] == core.Forbidden.ALLOWED), None)
        if match is not None:
            refugee_pool.remove(match)
            yield guide, match


def _set_statuses(rng: random.Random, guides: list[Guide], refugees: list[Refugee], today: date) -> None:
    statuses = ([v.GuideStatus.APPLIED] * 7 + [v.GuideStatus.APPROVED] * 2 + [v.GuideStatus.INACTIVE] * 2
                + [v.GuideStatus.UNCONFIRMED])
    for guide, status in zip(guides[-len(statuses):], statuses):
        guide.status = status
    for guide in guides:
        if guide.status != v.GuideStatus.UNCONFIRMED:
            guide.email_confirmed_at = guide.created_at + timedelta(minutes=rng.randint(5, 600))
        if guide.status == v.GuideStatus.APPLIED and rng.random() < .4:
            guide.interview_on = today - timedelta(days=rng.randint(1, 10))
        elif guide.status not in (v.GuideStatus.APPLIED, v.GuideStatus.UNCONFIRMED):
            _vet(rng, guide, min(guide.created_at.date() + timedelta(days=60), today))
    refugees[-1].status = v.RefugeeStatus.WITHDRAWN
    refugees[-2].status = v.RefugeeStatus.UNCONFIRMED
    for refugee in refugees:
        if refugee.status != v.RefugeeStatus.UNCONFIRMED and refugee.email:
            refugee.email_confirmed_at = refugee.created_at + timedelta(hours=rng.randint(1, 48))


def _plan(today: date) -> list[tuple[v.PairingStatus, date | None, date, date | None]]:
    """Return (status, start, proposed on, ended on) for every demo pairing."""
    plan: list[tuple[v.PairingStatus, date | None, date, date | None]] = []
    for months in ACTIVE_MONTHS_AGO[:PLAN["active"]]:
        start = add_months(today, -months) - timedelta(days=3)
        plan.append((v.PairingStatus.ACTIVE, start, start - timedelta(days=12), None))
    for days in (6, 4)[:PLAN["awaiting_agreement"]]:
        plan.append((v.PairingStatus.AWAITING_AGREEMENT, None, today - timedelta(days=days), None))
    for months, length in ((13, 12), (12, 10))[:PLAN["completed"]]:
        start = add_months(today, -months)
        plan.append((v.PairingStatus.COMPLETED, start, start - timedelta(days=14), add_months(start, length)))
    start = add_months(today, -6)
    plan.append((v.PairingStatus.ENDED_EARLY, start, start - timedelta(days=10), add_months(start, 3)))
    return plan


def _follow_up(rng: random.Random, pairing: Pairing, today: date, at_risk: bool, paused: bool) -> list:
    """Return the meeting logs, pause and evaluations of a pairing that has started."""
    last = pairing.ended_on or today - timedelta(days=1)
    rows: list = _weekly_logs(rng, pairing, pairing.start_date, last, at_risk)
    if paused and (last - pairing.start_date).days > 120:
        starts = pairing.start_date + timedelta(days=63 - pairing.start_date.weekday())
        ends = starts + timedelta(days=13)
        rows = [log for log in rows if not starts <= log.met_on <= ends]
        rows.append(Pause(pairing=pairing, starts_on=starts, ends_on=ends, reason=v.PauseReason.HOLIDAY,
                          note="Sommerferie"))
    due = add_months(pairing.start_date, v.DEFAULT_EVALUATION_MONTHS)
    if due <= last:
        for respondent in v.Respondent:
            answered = rng.random() < .8
            rows.append(Evaluation(
                pairing=pairing, respondent=respondent, sent_at=_at(due, 9),
                answered_at=_at(due + timedelta(days=rng.randint(1, 9)), 20) if answered else None,
                satisfaction=rng.choices([3, 4, 5], [2, 5, 4])[0] if answered else None,
                meeting_frequency=rng.choice([v.MeetingFrequency.WEEKLY_OR_MORE, v.MeetingFrequency.EVERY_OTHER_WEEK])
                if answered else None,
                works_well="Turer og kaffe." if answered else "", wants_to_continue=True if answered else None))
    return rows


def _group_meetings(rng: random.Random, branch: Branch, pairings: list[Pairing], today: date) -> list:
    past = GroupMeeting(branch_id=branch.id, title="Fellesmøte for guider og flyktninger",
                        starts_at=_at(today - timedelta(days=14), 18), duration_minutes=120,
                        location="Røde Kors-huset, Tromsø", description="Kveldsmat, quiz og planer for turen i vår.",
                        invitations_sent_at=_at(today - timedelta(days=28), 9))
    upcoming = GroupMeeting(branch_id=branch.id, title="Fellesmøte: skitur i Kroken",
                            starts_at=_at(today + timedelta(days=16), 18), duration_minutes=180,
                            location="Kroken skistue", description="Vi låner ut ski og skisko.")
    rows: list = [past, upcoming]
    for pairing in pairings:
        if pairing.status == v.PairingStatus.ACTIVE and pairing.start_date < today - timedelta(days=14):
            for person in (pairing.guide, pairing.refugee):
                key = "guide" if isinstance(person, Guide) else "refugee"
                rows.append(Attendance(meeting=past, invited_at=past.invitations_sent_at,
                                       attended=rng.random() < .75, **{key: person}))
    return rows


def _gap_history(rng: random.Random, branch: Branch, today: date) -> list[GapSnapshot]:
    """Invent the past year's recruitment gap, as `reminders send` would have recorded it on each
    month's last day: men waiting for a male guide slowly piling up, a few male places freed now
    and then. Invented like the demo's people; a real branch's trend starts the day it goes live."""
    now = report_figures.waiting_now(branch.id, today).gap
    rows = []
    for back in range(11, 0, -1):
        last_day = add_months(today.replace(day=1), 1 - back) - timedelta(days=1)
        needing = max(0, now.needing_male_guide - back // 2 + rng.randint(-1, 1))
        rows.append(GapSnapshot(branch_id=branch.id, day=last_day, needing_male_guide=needing,
                                free_places_male_guides=rng.choice((0, 0, 1, 1, 2, 3))))
    return rows


def _approvals(branch: Branch, coordinator: User, guides: list[Guide]) -> list[AuditEvent]:
    """The approval events `applicants.approve_guide` would have written (the report and the
    campaign figures count approvals by them), on the day each vetted guide finished the course."""
    vetted = (v.GuideStatus.APPROVED, v.GuideStatus.AVAILABLE, v.GuideStatus.PAIRED)
    return [AuditEvent(branch_id=branch.id, user_id=coordinator.id, actor="coordinator",
                       action="guide_approved", object_type="guide", object_id=guide.id,
                       details={"police_certificate": guide.police_certificate_on is not None},
                       created_at=_at(guide.intro_course_on, 15))
            for guide in guides
            if guide.status in vetted and guide.intro_course_on]


def _consents(branch: Branch, guides, refugees, pairings) -> list[Consent]:
    """Everyone accepted the privacy statement when registering; pairs accepted their agreement."""
    consents = [Consent(branch_id=branch.id, kind=v.ConsentKind.PRIVACY, text_version="1",
                        given_at=person.created_at, **{f"{_kind(person)}_id": person.id})
                for person in [*guides, *refugees]]
    for pairing in pairings:
        for person, accepted in ((pairing.guide, pairing.guide_accepted_at),
                                 (pairing.refugee, pairing.refugee_accepted_at)):
            if accepted is not None:
                version = agreement_texts.consent_version(branch, person.locale)
                consents.append(Consent(branch_id=branch.id, pairing_id=pairing.id, kind=v.ConsentKind.AGREEMENT,
                                        text_version=version, given_at=accepted,
                                        **{f"{_kind(person)}_id": person.id}))
    return consents


def _campaigns(rng: random.Random, branch: Branch, guides: list[Guide]) -> None:
    """Add three recruitment campaigns; about half the guides came through one of them.

    A stream of its own (`rng`), so the rest of the demo is the same with or without them.
    """
    made = [Campaign(branch_id=branch.id, name=name, channel=channel, seeks_gender=gender,
                     created_at=created_at)
            for name, channel, gender, created_at in (
                ("Plakater på biblioteket", v.CampaignChannel.POSTER, None, min(g.created_at for g in guides)),
                ("Radio Tromsø: vi trenger menn", v.CampaignChannel.RADIO, v.Gender.MALE,
                 min(g.created_at for g in guides)),
                ("Frivilligsentralen", v.CampaignChannel.PARTNER_ORGANISATION, None,
                 min(g.created_at for g in guides)))]
    db.session.add_all(made)
    db.session.flush()
    poster, radio, partner = made
    for guide in guides:
        draw = rng.random()
        if guide.gender == v.Gender.MALE and draw < .6:
            guide.campaign_id = radio.id
        elif draw < .25:
            guide.campaign_id = poster.id
        elif draw < .4:
            guide.campaign_id = partner.id
    db.session.flush()


def _kind(person) -> str:
    return "guide" if isinstance(person, Guide) else "refugee"


def load(seed: int = 1, today: date | None = None, *, slug: str = "tromso", name: str = "Tromsø Røde Kors",
         coordinator_email: str = COORDINATOR_EMAIL, password: str | None = None) -> DemoResult:
    """Add the demo branch, its coordinator, people, pairings and follow-up to the session (flushes)."""
    rng = random.Random(seed)
    today = today or clock.today()
    password = password or secrets.token_urlsafe(12)
    branch = Branch(slug=slug, name=name, districts=list(DISTRICTS), contact_email=f"{slug}@example.org")
    coordinator = User(email=coordinator_email, name="Demo Koordinator", role=v.Role.COORDINATOR,
                       branch=branch, locale="nb")
    coordinator.set_password(password)
    db.session.add_all([branch, coordinator])
    db.session.flush()
    guides = [make_guide(rng, i, branch, today) for i in range(1, 41)]
    refugees = [make_refugee(rng, i, branch, today) for i in range(1, 61)]
    _set_statuses(rng, guides, refugees, today)
    waiting = [r for r in refugees if r.status == v.RefugeeStatus.WAITING]

    pairings: list[Pairing] = []
    rows: list = []
    plan = _plan(today)
    for index, ((status, start, proposed, ended), (guide, refugee)) in enumerate(
            zip(plan, _pair_up(rng, guides, waiting, today))):
        pairing = _pairing(branch, guide, refugee, status, start=start, proposed=proposed,
                           coordinator=coordinator)
        if refugee.waiting_since >= proposed:  # they waited before they were matched
            refugee.waiting_since = proposed - timedelta(days=rng.randint(14, 150))
            refugee.created_at = _at(refugee.waiting_since, 10)
        if guide.interview_on is None or guide.interview_on >= proposed:
            _vet(rng, guide, proposed)
        if status in v.BINDING_PAIRING_STATUSES:
            pairing.seat = 1
            refugee.status = v.RefugeeStatus.PAIRED
            guide.status = v.GuideStatus.PAIRED if guide.capacity == 1 else v.GuideStatus.AVAILABLE
        elif status == v.PairingStatus.COMPLETED:
            pairing.ended_on, pairing.end_reason = ended, v.EndReason.COMPLETED
            refugee.status = v.RefugeeStatus.DONE
        elif status == v.PairingStatus.ENDED_EARLY:
            pairing.ended_on, pairing.end_reason = ended, v.EndReason.PERSONAL
            pairing.end_note = "Guiden fikk ny jobb med mye reising."
        if status == v.PairingStatus.AWAITING_AGREEMENT and index % 2 == 0:
            pairing.guide_accepted_at = pairing.confirmed_at + timedelta(hours=20)
        pairings.append(pairing)
        if start is not None:
            rows += _follow_up(rng, pairing, today, at_risk=(index == 4), paused=(index == 6))
    rows += _group_meetings(rng, branch, pairings, today)
    db.session.add_all([*guides, *refugees, *pairings, *rows])
    db.session.flush()
    db.session.add_all(_consents(branch, guides, refugees, pairings))
    db.session.add_all(_approvals(branch, coordinator, guides))
    db.session.flush()
    _campaigns(random.Random(seed + 1), branch, guides)
    # The coordinator ran the matching this morning, locked the best proposal, turned the
    # weakest down (never to be proposed again) and ran it again: the proposals wait for review.
    matching.run_matching(branch, today=today, created_by_id=coordinator.id)
    first_run = proposal_store.proposals(branch)
    rejected = first_run[-1:] if len(first_run) >= 2 else []
    if rejected:
        proposals.lock(first_run[0])
        proposals.reject_proposal(rejected[0], created_by_id=coordinator.id)
    run = matching.run_matching(branch, today=today, created_by_id=coordinator.id)
    db.session.add_all(_gap_history(rng, branch, today))
    db.session.flush()
    return DemoResult(branch, coordinator, password, len(guides), len(refugees),
                      len(pairings) + len(rejected) + run.proposed)
