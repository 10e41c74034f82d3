"""The pairing page: everything a coordinator follows about one pair, on one page."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import get_locale
from sqlalchemy import select

from guidematch import programme
from guidematch.extensions import db
from guidematch.models import MeetingLog, Pairing
from guidematch.pairings.chart import STATUS_COLOURS, week_chart
from guidematch.pairings.forms import ActionForm, EndForm, LogForm, PauseForm
from guidematch.scoping import current_branch
from guidematch.services import clock, evaluations, group_meetings, meetings, proposal_store
from guidematch.services import pairings as service
from guidematch.vocabulary import Respondent


def _people_link(kind: str, person_id: int) -> str | None:
    """Return the URL of the person's own page, when the people pages are there."""
    for endpoint in (f"people.{kind}", f"people.{kind}_detail"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, **{f"{kind}_id": person_id})
    return None


def render_pairing(pairing: Pairing, log_form: LogForm | None = None, pause_form: PauseForm | None = None,
                   end_form: EndForm | None = None, status: int = 200):
    today = clock.today()
    branch = current_branch()
    follow = meetings.follow(pairing, today) if pairing.start_date else None
    logs = list(db.session.scalars(select(MeetingLog).where(MeetingLog.pairing_id == pairing.id)
                                   .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())))
    pauses = meetings.pauses_of(pairing)
    since = pairing.start_date
    rates = {side: group_meetings.attendance_rate(side, getattr(pairing, f"{side}_id"), since)
             for side in Respondent}
    answers = {side: evaluations.evaluation_of(pairing, side) for side in Respondent}
    evaluation_due = (programme.evaluation_due(pairing.start_date, branch.evaluation_after_months)
                      if pairing.start_date else None)
    if log_form is None:
        log_form = LogForm(met_on=min(today, pairing.ended_on or today))
    return render_template(
        "pairings/detail.html", pairing=pairing, today=today, branch=branch, follow=follow,
        reasons=proposal_store.reason_words(pairing.reasons, str(get_locale())),
        chart=week_chart(follow.weeks, branch.weekly_minutes) if follow and follow.weeks else None,
        colours=STATUS_COLOURS, logs=logs, pauses=pauses, rates=rates, answers=answers,
        needs_attention=evaluations.needs_attention, evaluation_due=evaluation_due,
        log_form=log_form, pause_form=pause_form or PauseForm(), end_form=end_form or EndForm(),
        action_form=ActionForm(), allowed=service.ALLOWED[pairing.status],
        guide_url=_people_link("guide", pairing.guide_id), refugee_url=_people_link("refugee", pairing.refugee_id),
    ), status


