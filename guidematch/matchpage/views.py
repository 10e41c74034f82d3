"""The matching page: run the matching, review its proposals, pair by hand."""
from __future__ import annotations

from flask import (
    Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from guidematch import labels, safe_input, unit_of_work
from guidematch.form_errors import flash_error, refuse
from guidematch.form_kit import select_choices
from guidematch.matchpage import cards, picker
from guidematch.matchpage.filters import (
    PROPOSALS_PER_PAGE, WAITED_MONTHS, WAITING_PER_PAGE, Filters,
)
from guidematch.matchpage.forms import ALL, CHOSEN, MAX_WEIGHT, CreatePairForm, PairForm, RunForm
from guidematch.models import Branch, Guide, Pairing, Refugee
from guidematch.pairings.forms import ActionForm
from guidematch.scoping import current_branch, get_in_branch_or_404
from guidematch.services import clock, eligibility, matching, proposal_store, proposals, waiting
from guidematch.services.errors import DomainError
from guidematch.vocabulary import DEFAULT_WEIGHTS, Gender

bp = Blueprint("matching", __name__, url_prefix="/matching")

RACE = _l("Someone else changed these pairings at the same time. Please look again.")
EXCLUSIONS_SHOWN = 20   # the newest rejected pairs listed (their number is given)
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


FIND = "find"   # a search button's name; its value names the field whose people are searched
PICKED = {"refugee_ids": "refugee", "guide_ids": "guide", "refugee_id": "refugee",
          "guide_id": "guide"}


def _submitted_ids(formdata, name: str) -> list[int]:
    """Return the ids ticked in a field (what is not a number is left for the form to refuse)."""
    if formdata is None:
        return []
    return [int(v) for v in formdata.getlist(name) if v.isdigit()][:500]


def _pick(branch: Branch, form, names: tuple[str, ...], formdata) -> dict[str, list]:
    """Give each people field of the form its choices: the ticked ones and a search's hits."""
    today = clock.today()
    found = {}
    for name in names:
        field, query = getattr(form, name), getattr(form, f"{name}_q")
        chosen = _submitted_ids(formdata, field.name)
        found[name] = picker.options(branch, PICKED[name], today, chosen=chosen,
                                     q=query.data or "")
        field.choices = select_choices((o.id, o.label) for o in found[name])
    return found


def _run_form(branch: Branch, formdata=None) -> tuple[RunForm, dict[str, list]]:
    form = RunForm(formdata=formdata) if formdata is not None else RunForm()
    found = _pick(branch, form, ("refugee_ids", "guide_ids"), formdata)
    if formdata is None and request.method == "GET":
        for key, value in _weights(branch).items():
            getattr(form, f"weight_{key}").data = value
    return form, found


def _pair_form(branch: Branch, formdata=None, chosen: tuple[int, int] | None = None):
    form = PairForm(formdata=formdata)
    if chosen is not None:  # the pair on show: ticked in the form to try another
        form.refugee_id.data, form.guide_id.data = chosen
        formdata = MultiDict({"refugee_id": str(chosen[0]), "guide_id": str(chosen[1])})
    return form, _pick(branch, form, ("refugee_id", "guide_id"), formdata)


def _counts(branch: Branch) -> dict[str, int]:
    """Return the page's head figures, each one query whatever the branch's size."""
    proposals_total, locked = proposal_store.proposal_counts(branch)
    guides, places = proposal_store.guide_counts(branch)
    return {"waiting": eligibility.count(eligibility.waiting_select(branch.id)),
            "guides": guides, "places": places, "proposals": proposals_total, "locked": locked}


def _page(run: tuple[RunForm, dict] | None = None, status: int = 200):
    """Render the page: the run form, a page of proposals, who waits and why, pairing by hand."""
    branch = current_branch()
    today = clock.today()
    filters = Filters.from_args(request.args)
    clauses = filters.clauses(today)
    shown = proposal_store.proposals_page(branch, clauses, page=filters.page,
                                          per_page=PROPOSALS_PER_PAGE)
    last_run = waiting.latest_run(branch)
    still_waiting, waiting_total = waiting.waiting_page(
        branch, last_run, clauses, page=filters.wpage, per_page=WAITING_PER_PAGE)
    places = proposal_store.places(branch, {p.guide.id: p.guide for p in shown.items}.values())
    form, found = run or _run_form(branch)
    pair_form, pair_found = _pair_form(branch)
    return render_template(
        "matching/index.html", branch=branch, form=form, found=found, counts=_counts(branch),
        cards=cards.proposal_cards(shown.items, today, places), shown=shown,
        waiting=still_waiting, waiting_total=waiting_total, WAITING_PER_PAGE=WAITING_PER_PAGE,
        last_run=last_run, changed=bool(last_run and waiting.changed_since(branch, last_run)),
        filters=filters, filter_choices=_filter_choices(branch),
        pair_form=pair_form, pair_found=pair_found, action_form=ActionForm(),
        exclusions=proposal_store.exclusions(branch, limit=EXCLUSIONS_SHOWN),
        exclusion_count=proposal_store.exclusion_count(branch),
        ALL=ALL, CHOSEN=CHOSEN, today=today, rule_text=matching.rule_text,
        wishes=matching.WISHES, who=picker.who,
    ), status


def _filter_choices(branch: Branch) -> dict[str, list]:
    return {"gender": labels.choices(Gender), "waited": WAITED_MONTHS,
            "language": labels.language_choices(waiting.waiting_languages(branch)),
            "district": waiting.waiting_districts(branch)}


@bp.route("")
@login_required
def index():
    """Show the run form, the proposals side by side, who waits and why, and pairing by hand."""
    return _page()


@bp.route("/search", methods=["POST"])
@login_required
def search():
    """Find waiting refugees or available guides by name (asked by matching.js as one types)."""
    kind = request.form.get("kind", "")
    if kind not in picker.KINDS:
        abort(400)
    found = picker.options(current_branch(), kind, clock.today(),
                           q=request.form.get("q", "")[:100])
    return jsonify(results=[{"id": o.id, "label": o.label} for o in found])


@bp.route("/run", methods=["POST"])
@login_required
def run():
    """Run the matching for the chosen people; every proposal not locked is replaced."""
    branch = current_branch()
    form, found = _run_form(branch, request.form)
    searched = request.form.get(FIND)
    if searched in ("refugee_ids", "guide_ids"):  # a search without JavaScript, not a run
        getattr(form, searched.replace("_ids", "_scope")).data = CHOSEN
        return _page((form, found))
    if not form.validate_on_submit():
        return _page((form, found), 422)
    try:
        summary = matching.run_matching(
            branch, weights=form.weights(), created_by_id=current_user.id,
            refugee_ids=form.refugee_ids.data if form.refugee_scope.data == CHOSEN else None,
            guide_ids=form.guide_ids.data if form.guide_scope.data == CHOSEN else None)
    except DomainError as error:
        form.form_errors.append(refuse(error))
        return _page((form, found), 422)
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
    # The same count of places as the run's and the plan's (locked proposals hold places too).
    places = proposal_store.places(branch, [guide], besides_refugee=refugee.id)[guide.id]
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
    card = cards.card(guide, refugee, today, score=assessed.score, reasons=reasons, places=places,
                      waiting_said=cards.says_waiting(assessed.reasons),
                      allowed=assessed.allowed)
    form = CreatePairForm(guide_id=guide.id, refugee_id=refugee.id)
    pair_form, pair_found = _pair_form(branch, chosen=(refugee.id, guide.id))
    return render_template("matching/pair.html", card=card, assessed=assessed, problems=problems,
                           plan=plan, form=form, pair_form=pair_form, pair_found=pair_found,
                           guide=guide, refugee=refugee)


@bp.route("/pair/choose", methods=["POST"])
@login_required
def choose_pair():
    """Find and choose the two to pair by hand; then show how they fit (the preview's GET)."""
    branch = current_branch()
    form, found = _pair_form(branch, request.form)
    searched = request.form.get(FIND) in ("refugee_id", "guide_id")
    if not searched and form.validate_on_submit():
        return redirect(url_for("matching.pair", refugee_id=form.refugee_id.data,
                                guide_id=form.guide_id.data))
    if searched:  # without JavaScript: the hits to choose from, on a page of their own
        form.refugee_id.errors, form.guide_id.errors = [], []
    return render_template("matching/choose.html", pair_form=form, pair_found=found), (
        200 if searched else 422)


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
