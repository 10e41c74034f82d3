"""A branch whose every report figure for October 2026 is known, built through the services."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from guidematch.extensions import db
from guidematch.models import AuditEvent, Evaluation
from guidematch.services import applicants, group_meetings, meetings, pairings
from guidematch.vocabulary import (
    EndReason, GuideStatus, PairingStatus, PauseReason, RefugeeStatus, Respondent,
)
from tests import factories

TODAY = date(2026, 11, 19)
START, END = date(2026, 10, 1), date(2026, 10, 31)


def utc(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _answer(pairing, side, day, satisfaction, wish):
    db.session.add(Evaluation(pairing_id=pairing.id, respondent=side, sent_at=utc(day),
                              answered_at=utc(day) if satisfaction else None,
                              satisfaction=satisfaction, wants_to_continue=wish))


def build(branch, slug_suffix: str = "") -> dict:
    """Fill `branch` with October's known guides, refugees, pairings, logs and answers."""
    f = factories
    # Guides: two confirmed sign-ups in October (one man, one woman), one unconfirmed.
    free_man = f.make_guide(branch, gender="male", capacity=2, created_at=utc(date(2026, 10, 5)))
    f.make_guide(branch, gender="female", status=GuideStatus.APPLIED, created_at=utc(date(2026, 10, 10)))
    f.make_guide(branch, gender="male", status=GuideStatus.UNCONFIRMED, created_at=utc(date(2026, 10, 12)))
    f.make_guide(branch, gender="female", status=GuideStatus.INACTIVE, created_at=utc(date(2026, 9, 1)))
    # One approved in October (the audit event dates it), signed up in September.
    applicant = f.make_guide(branch, gender="male", status=GuideStatus.APPLIED, interview_on=None,
                             created_at=utc(date(2026, 9, 20)))
    applicants.approve_guide(applicant, applicants.Credentials(date(2026, 10, 1), date(2026, 10, 2),
                                                               date(2026, 10, 2)), today=date(2026, 10, 15))
    db.session.flush()
    event = db.session.query(AuditEvent).filter_by(action="guide_approved", object_id=applicant.id).one()
    event.created_at = utc(date(2026, 10, 15))

    # Refugees on the waiting list at the end of October (days waited to 31 October).
    man = dict(gender="male", status=RefugeeStatus.WAITING)
    f.make_refugee(branch, **man, gender_preference="any", waiting_since=date(2026, 5, 1))     # 183
    f.make_refugee(branch, **man, gender_preference="same", waiting_since=date(2026, 9, 30),   # 31
                   referred_by_name="NAV", referred_by_email="nav@example.org",
                   created_at=utc(date(2026, 10, 2)))
    self_registered = f.make_refugee(branch, **man, gender_preference="male",                  # 11
                                     waiting_since=date(2026, 10, 20), created_at=utc(date(2026, 10, 20)))
    db.session.add(AuditEvent(branch_id=branch.id, action="refugee_registered", object_type="refugee",
                              object_id=self_registered.id, created_at=utc(date(2026, 10, 20))))
    f.make_refugee(branch, gender="female", gender_preference="female", waiting_since=date(2026, 8, 1))  # 91
    f.make_refugee(branch, gender="female", gender_preference="male", waiting_since=date(2026, 10, 31),  # 0
                   created_at=utc(date(2026, 10, 31)))
    f.make_refugee(branch, gender="female", waiting_since=date(2026, 11, 5))   # joined after the period
    f.make_refugee(branch, gender="male", waiting_since=date(2026, 1, 5),
                   anonymised_at=utc(date(2026, 11, 1)))                         # erased: waits no more
    f.make_refugee(branch, gender="male", status=RefugeeStatus.UNCONFIRMED, created_at=utc(date(2026, 10, 3)))

    # P1: starts Monday 5 October; met, under, paused, met.
    p1 = f.make_active_pairing(branch, start=date(2026, 10, 5),
                               guide=f.make_guide(branch, gender="male", status=GuideStatus.PAIRED))
    for day, minutes in ((date(2026, 10, 6), 120), (date(2026, 10, 13), 60), (date(2026, 10, 27), 100),
                         (date(2026, 10, 29), 50)):
        meetings.add_log(p1, day, minutes, today=TODAY)
    meetings.add_pause(p1, date(2026, 10, 20), date(2026, 10, 22), PauseReason.HOLIDAY)
    # P2: ended early on Wednesday 14 October (moved); its refugee waits again since March.
    p2 = f.make_active_pairing(branch, start=date(2026, 8, 3),
                               guide=f.make_guide(branch, gender="female", status=GuideStatus.PAIRED),
                               refugee=f.make_refugee(branch, gender="male", status=RefugeeStatus.PAIRED,
                                                      waiting_since=date(2026, 3, 1)))   # 244
    meetings.add_log(p2, date(2026, 10, 6), 200, today=TODAY)
    meetings.add_log(p2, date(2026, 10, 13), 30, today=TODAY)  # the partial last week
    pairings.end_early(p2, EndReason.MOVED, today=date(2026, 10, 14))
    # P3: completed on 20 October, nothing logged in its last weeks.
    p3 = f.make_active_pairing(branch, start=date(2026, 1, 5))
    p3.status, p3.ended_on, p3.end_reason = PairingStatus.COMPLETED, date(2026, 10, 20), EndReason.COMPLETED
    # P6: active all October (ended in November): 130 minutes every week.
    p6 = f.make_active_pairing(branch, start=date(2026, 6, 1))
    for day in (date(2026, 10, 6), date(2026, 10, 13), date(2026, 10, 20), date(2026, 10, 27)):
        meetings.add_log(p6, day, 130, today=TODAY)
    p6.status, p6.ended_on, p6.end_reason = PairingStatus.ENDED_EARLY, date(2026, 11, 10), EndReason.PERSONAL
    p6.refugee.status = RefugeeStatus.DONE
    # P4 starts after the period; P5 is only proposed.
    f.make_active_pairing(branch, start=date(2026, 11, 2))
    f.make_pairing(f.make_guide(branch), f.make_refugee(branch, status=RefugeeStatus.WITHDRAWN))

    # Group meetings: two held in October (2 of 3 recorded marks attended), one in September.
    earlier = utc(date(2026, 8, 1))
    october = group_meetings.schedule_one(branch, "October", date(2026, 10, 8), time(18), now=earlier)
    group_meetings.schedule_one(branch, "Late October", date(2026, 10, 29), time(18), now=earlier)
    september = group_meetings.schedule_one(branch, "September", date(2026, 9, 10), time(18), now=earlier)
    listed = {(Respondent.GUIDE, p1.guide_id), (Respondent.REFUGEE, p1.refugee_id),
              (Respondent.GUIDE, p6.guide_id)}
    group_meetings.record_attendance(october, listed - {(Respondent.GUIDE, p6.guide_id)}, listed)
    group_meetings.record_attendance(september, listed, listed)

    # Evaluations answered in October: 4 and yes, 5 and unsure, 2 and no; others not.
    _answer(p1, Respondent.GUIDE, date(2026, 10, 9), 4, True)
    _answer(p1, Respondent.REFUGEE, date(2026, 10, 10), 5, None)
    _answer(p3, Respondent.GUIDE, date(2026, 10, 11), 2, False)
    _answer(p3, Respondent.REFUGEE, date(2026, 10, 11), None, None)   # sent, not answered
    _answer(p6, Respondent.GUIDE, date(2026, 11, 3), 5, True)          # answered in November
    db.session.commit()
    return {"free_man": free_man, "p1": p1}


EXPECTED = {
    "guides_signed_up": 2, "guides_signed_up_female": 1, "guides_signed_up_male": 1,
    "guides_signed_up_other": 0,
    "guides_approved": 1, "guides_approved_female": 0, "guides_approved_male": 1,
    "guides_approved_other": 0,
    "refugees_referred": 1, "refugees_self_registered": 1, "refugees_added_by_coordinator": 1,
    "pairings_started": 1, "pairings_completed": 1, "pairings_ended_early": 1,
    "pairings_ended_early_moved": 1, "pairings_ended_early_personal": 0,
    "pairings_ended_early_no_contact": 0, "pairings_ended_early_mismatch": 0,
    "pairings_ended_early_other": 0, "pairings_active_at_end": 2,
    # Counted weeks with a Monday in October: P1 120, 60, (paused), 150; P2 200 (then partial);
    # P3 0, 0 (then partial); P6 130 x 4.
    "pairing_weeks_counted": 10, "median_minutes_per_week": 130.0,
    "share_weeks_meeting_minimum": 0.7,
    "group_meetings_held": 2, "group_meeting_attendances_recorded": 3,
    "group_meeting_attendance_rate": 2 / 3,
    "refugees_waiting_at_end": 6, "refugees_waiting_female_at_end": 2,
    "refugees_waiting_male_at_end": 4, "refugees_waiting_other_at_end": 0,
    "waiting_needing_male_guide": 3,
    # free: the new man (2 places) and the approved man (1); P2's guide is free again (1), and
    # P5's guide (a proposal holds no place).
    "free_places_male_guides": 3, "free_places_female_guides": 2,
    "median_wait_days_male": 107.0, "median_wait_days_female": 45.5,
    "p90_wait_days_male": 183 + 0.7 * 61, "p90_wait_days_female": 0.9 * 91,
    "evaluations_answered": 3, "evaluations_satisfaction_1": 0, "evaluations_satisfaction_2": 1,
    "evaluations_satisfaction_3": 0, "evaluations_satisfaction_4": 1, "evaluations_satisfaction_5": 1,
    "evaluations_continue_yes": 1, "evaluations_continue_no": 1, "evaluations_continue_unsure": 1,
}
