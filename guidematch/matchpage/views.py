"""The matching page: run the matching, review its proposals, pair by hand."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from guidematch import safe_input, unit_of_work
from guidematch.form_errors import flash_error, refuse
from guidematch.form_kit import select_choices
from guidematch.matchpage import cards
from guidematch.matchpage.forms import ALL, CHOSEN, MAX_WEIGHT, CreatePairForm, PairForm, RunForm
from guidematch.models import Branch, Guide, Pairing, Refugee
from guidematch.pairings.forms import ActionForm
from guidematch.scoping import current_branch, get_in_branch_or_404
from guidematch.services import clock, eligibility, matching, proposal_store, proposals, waiting
from guidematch.services.errors import DomainError
from guidematch.vocabulary import DEFAULT_WEIGHTS

bp = Blueprint("matching", __name__, url_prefix="/matching")

RACE = _l("Someone else changed these pairings at the same time. Please look again.")
WEIGHTS_KEY = "matching_weights"  # the weights of this coordinator's last run, per branch


def _weights(branch: Branch) -> dict[str, float]:
    """Return the weights the coordinator last ran with in this branch, else the branch's."""
    saved = session.get(WEIGHTS_KEY)
    if isinstance(saved, dict) and saved.get("branch") == branch.id:
        kept = saved.get("weights") if isinstance(saved.get("weights"), dict) else {}
        weights = {k: kept[k] for k in DEFAULT_WEIGHTS
                   if isinstance(kept.get(k), (int, float)) and 0 <= kept[k] <= MAX_WEIGHT}
        return {**branch.weights(), **weights}
    return branch.weights()


def _run_form(branch: Branch, guides: list[Guide], refugees: list[Refugee],
              formdata=None) -> RunForm:
    form = RunForm(formdata=formdata) if formdata is not None else RunForm()
    form.refugee_ids.choices = select_choices((r.id, r.full_name) for r in refugees)
    form.guide_ids.choices = select_choices((g.id, g.full_name) for g in guides)
    if formdata is None and request.method == "GET":
        for key, value in _weights(branch).items():
            getattr(form, f"weight_{key}").data = value
    return form


def _pair_form(guides: list[Guide], refugees: list[Refugee], places: dict[int, int],
               formdata=None) -> PairForm:
    form = PairForm(formdata=formdata)
    form.refugee_id.choices = select_choices(((r.id, r.full_name) for r in refugees),
                                             blank=_("Choose a refugee"))
    form.guide_id.choices = select_choices((
        (g.id, ngettext("%(name)s (%(num)s free place)", "%(name)s (%(num)s free places)",
                        places[g.id], name=g.full_name)) for g in guides),
        blank=_("Choose a guide"))
    return form


def _page(run_form: RunForm | None = None, status: int = 200):
    """Render the whole page: the run form, the proposals, who waits and why, pairing by hand."""
    branch = current_branch()
    today = clock.today()
    guides, places = eligibility.matchable_guides(branch)
    refugees = eligibility.waiting_refugees(branch)
    current = proposal_store.proposals(branch)
    weights = _weights(branch)
    try:
        still_waiting = waiting.waiting_without_proposal(branch, weights, today)
    except DomainError:  # weights all 0 in an old session: fall back on the branch's
        weights = branch.weights()
        still_waiting = waiting.waiting_without_proposal(branch, weights, today)
    form = run_form or _run_form(branch, guides, refugees)
    return render_template(
        "matching/index.html", branch=branch, form=form,
        cards=cards.proposal_cards(current, today, places),
        waiting=still_waiting, refugees=refugees, guides=guides, places=places,
        pair_form=_pair_form(guides, refugees, places), action_form=ActionForm(),
        exclusions=proposal_store.exclusions(branch), locked=sum(p.locked for p in current),
        ALL=ALL, CHOSEN=CHOSEN, today=today, rule_text=matching.rule_text,
    ), status


@bp.route("")
@login_required
def index():
    """Show the run form, the proposals side by side, who waits and why, and pairing by hand."""
    return _page()


@bp.route("/run", methods=["POST"])
@login_required
def run():
    """Run the matching for the chosen people; every proposal not locked is replaced."""
    branch = current_branch()
    guides, _places = eligibility.matchable_guides(branch)
    refugees = eligibility.waiting_refugees(branch)
    form = _run_form(branch, guides, refugees, request.form)
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        summary = matching.run_matching(
            branch, weights=form.weights(), created_by_id=current_user.id,
            refugee_ids=form.refugee_ids.data if form.refugee_scope.data == CHOSEN else None,
            guide_ids=form.guide_ids.data if form.guide_scope.data == CHOSEN else None)
    except DomainError as error:
        form.form_errors.append(refuse(error))
        return _page(form, 422)
    session[WEIGHTS_KEY] = {"branch": branch.id, "weights": form.weights()}
    flash(_summary(summary), "success")
    for message in summary.dropped:
        flash(message, "warning")
    return redirect(url_for("matching.index"))  # the top: the message, then the proposals


def _summary(summary: matching.RunSummary) -> str:
    text = ngettext("The matching looked at %(num)s refugee",
                    "The matching looked at %(num)s refugees", summary.refugees)
    text += " " + ngettext("and %(num)s guide.", "and %(num)s guides.", summary.guides)
    text += " " + ngettext("%(num)s proposal", "%(num)s proposals", summary.proposed)
    if summary.locked:
        text += " " + ngettext("(%(num)s locked)", "(%(num)s locked)", summary.locked)
    waiting = len(summary.unmatched)
    text += "; " + ngettext("%(num)s refugee still waits.", "%(num)s refugees still wait.", waiting)
    return text


def _act(pairing_id: int, step):
    """Run one step on a proposal of this branch (it returns what to tell) and flash it,
    or undo it and say why not."""
    pairing = get_in_branch_or_404(Pairing, pairing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work.savepoint():  # flushed here, so a lost race shows up now
            message = step(pairing)
    except DomainError as error:
        flash_error(error)
    except (IntegrityError, StaleDataError):  # a race another coordinator won (a run replaced it)
        flash_error(str(RACE))
    else:
        flash(message, "success")
    return redirect(url_for("matching.index"))  # the top: the message, then the proposals


@bp.route("/<int:pairing_id>/accept", methods=["POST"])
@login_required
def accept(pairing_id: int):
    """Confirm a proposal: both get the agreement to accept by email."""
    def step(pairing):
        proposals.accept_proposal(pairing)
        return _("%(guide)s and %(refugee)s are paired. Both have been sent the agreement to "
                 "accept.", guide=pairing.guide.first_name, refugee=pairing.refugee.first_name)
    return _act(pairing_id, step)


@bp.route("/<int:pairing_id>/lock", methods=["POST"])
@login_required
def lock(pairing_id: int):
    """Keep a proposal through the next runs."""
    def step(pairing):
        proposals.lock(pairing)
        return _("The proposal is locked: the next run keeps it.")
    return _act(pairing_id, step)


@bp.route("/<int:pairing_id>/unlock", methods=["POST"])
@login_required
def unlock(pairing_id: int):
    """Let the next run replace a proposal."""
    def step(pairing):
        proposals.unlock(pairing)
        return _("The proposal is unlocked: the next run may replace it.")
    return _act(pairing_id, step)


@bp.route("/<int:pairing_id>/reject", methods=["POST"])
@login_required
def reject(pairing_id: int):
    """Reject a proposal: the two are never proposed together again."""
    def step(pairing):
        proposals.reject_proposal(pairing, created_by_id=current_user.id)
        return _("Rejected: %(guide)s and %(refugee)s will not be proposed together again.",
                 guide=pairing.guide.first_name, refugee=pairing.refugee.first_name)
    return _act(pairing_id, step)


def _pair_ids() -> tuple[int, int] | None:
    guide_id = safe_input.record_id(request.values.get("guide_id"))
    refugee_id = safe_input.record_id(request.values.get("refugee_id"))
    if not guide_id or not refugee_id:
        return None
    return guide_id, refugee_id


@bp.route("/pair")
@login_required
def pair():
    """Show how a chosen refugee and guide fit: the score and why, or the hard rule they break."""
    ids = _pair_ids()
    if ids is None:
        flash(_("Choose a refugee and a guide to see how they fit."), "info")
        return redirect(url_for("matching.index", _anchor="by-hand"))
    guide, refugee = get_in_branch_or_404(Guide, ids[0]), get_in_branch_or_404(Refugee, ids[1])
    branch = current_branch()
    today = clock.today()
    problems = []
    if not eligibility.is_waiting(refugee):
        problems.append(_("%(name)s is not on the waiting list.", name=refugee.first_name))
    places = eligibility.places_left(guide, eligibility.taken_places(branch))
    plan = None
    if not eligibility.is_matchable(guide):
        problems.append(_("%(name)s is not an available guide now.", name=guide.first_name))
    else:
        try:
            plan = proposals.plan_manual_pair(guide, refugee)
        except DomainError as error:
            problems.append(error.message)
    assessed = matching.score_pair(guide, refugee, weights=_weights(branch), today=today)
    reasons = proposal_store.words(assessed.reasons, cards.reader_locale())
    card = cards.card(guide, refugee, today, score=assessed.score, reasons=reasons, places=places)
    form = CreatePairForm(guide_id=guide.id, refugee_id=refugee.id)
    guides, free = eligibility.matchable_guides(branch)
    pair_form = _pair_form(guides, eligibility.waiting_refugees(branch), free, request.args)
    return render_template("matching/pair.html", card=card, assessed=assessed, problems=problems,
                           plan=plan, form=form, pair_form=pair_form, guide=guide, refugee=refugee)


@bp.route("/pair", methods=["POST"])
@login_required
def create_pair():
    """Pair a refugee and a guide by hand: a locked proposal, refused if a hard rule breaks."""
    form = CreatePairForm()
    ids = _pair_ids()
    if not form.validate_on_submit() or ids is None:
        abort(400)
    guide, refugee = get_in_branch_or_404(Guide, ids[0]), get_in_branch_or_404(Refugee, ids[1])
    try:
        with unit_of_work.savepoint():  # flushed here, so a lost race shows up now
            made = proposals.manual_pair(guide, refugee, weights=_weights(current_branch()),
                                        created_by_id=current_user.id)
    except (DomainError, IntegrityError, StaleDataError) as error:
        flash_error(error if isinstance(error, DomainError) else str(RACE))
        return redirect(url_for("matching.pair", guide_id=guide.id, refugee_id=refugee.id))
    flash(_("%(guide)s and %(refugee)s are proposed as a pair, locked. Accept the proposal to send "
            "them the agreement.", guide=guide.first_name, refugee=refugee.first_name), "success")
    for other in made.displaced:
        flash(_("To make room, the proposal for %(name)s was removed; run the matching again to "
                "find them another guide.", name=other.first_name), "warning")
    return redirect(url_for("matching.index", _anchor=f"proposal-{made.pairing.id}"))


@bp.route("/guides/<int:guide_id>/refugees/<int:refugee_id>/allow", methods=["POST"])
@login_required
def allow_again(guide_id: int, refugee_id: int):
    """Forget a rejection: the two may be proposed together again."""
    guide = get_in_branch_or_404(Guide, guide_id)
    refugee = get_in_branch_or_404(Refugee, refugee_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        proposals.allow_again(guide, refugee)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("%(guide)s and %(refugee)s may be proposed together again.", guide=guide.first_name,
                refugee=refugee.first_name), "success")
    return redirect(url_for("matching.index"))
