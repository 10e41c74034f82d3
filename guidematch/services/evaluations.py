"""The evaluation some months into a pairing (a branch setting): the survey and its answers."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from guidematch.extensions import db
from guidematch.models import Evaluation, Pairing
from guidematch.services import audit, clock, notify, person_links
from guidematch.services.errors import DomainError
from guidematch.vocabulary import (
    EVALUATION_LINK_DAYS, LOW_SATISFACTION_MAX, MeetingFrequency, PairingStatus, Respondent,
)

ANSWERABLE = (PairingStatus.ACTIVE, PairingStatus.COMPLETED, PairingStatus.ENDED_EARLY)


def evaluation_of(pairing: Pairing, side: Respondent) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(
        Evaluation.pairing_id == pairing.id, Evaluation.respondent == side))


def send_requests(pairing: Pairing) -> int:
    """Send both sides the survey link once; return how many emails were queued."""
    sent = 0
    for side in Respondent:
        evaluation = evaluation_of(pairing, side)
        if evaluation is not None and evaluation.sent_at is not None:
            continue
        message = notify.to_person(
            person_links.person_of(pairing, side), template="evaluation_request",
            subject=_l("How is it going? A short evaluation of your pairing"),
            dedupe_key=f"evaluation:{pairing.id}:{side}", pairing=pairing, side=str(side),
            other_name=person_links.other_person(pairing, side).first_name,
            survey_url=person_links.evaluation_url(pairing, side), link_days=EVALUATION_LINK_DAYS)
        if message is None:
            continue
        if evaluation is None:
            evaluation = Evaluation(pairing_id=pairing.id, respondent=side)
            db.session.add(evaluation)
        evaluation.sent_at = clock.now()
        sent += 1
    db.session.flush()
    return sent


def submit(pairing: Pairing, side: Respondent, satisfaction: int, frequency: MeetingFrequency,
           works_well: str = "", could_improve: str = "", wants_to_continue: bool | None = None) -> Evaluation:
    """Keep one side's answers; answering again replaces them."""
    if pairing.status not in ANSWERABLE:
        raise DomainError(_("This survey is no longer open."))
    if satisfaction is None or not 1 <= satisfaction <= 5:
        raise DomainError(_("Choose a number from 1 to 5."), "satisfaction")
    evaluation = evaluation_of(pairing, side)
    if evaluation is None:
        evaluation = Evaluation(pairing_id=pairing.id, respondent=side)
        db.session.add(evaluation)
    corrected = evaluation.answered_at is not None
    evaluation.satisfaction = satisfaction
    evaluation.meeting_frequency = MeetingFrequency(frequency)
    evaluation.works_well = works_well.strip()
    evaluation.could_improve = could_improve.strip()
    evaluation.wants_to_continue = wants_to_continue
    evaluation.answered_at = clock.now()
    db.session.flush()
    audit.record("evaluation.answered", evaluation, branch_id=pairing.branch_id, actor=f"{side} link",
                 pairing_id=pairing.id, corrected=corrected)
    return evaluation


def needs_attention(evaluation: Evaluation) -> bool:
    """Say whether answers call for the coordinator: low satisfaction, or no wish to continue."""
    if evaluation.answered_at is None:
        return False
    return (evaluation.satisfaction is not None and evaluation.satisfaction <= LOW_SATISFACTION_MAX) \
        or evaluation.wants_to_continue is False
