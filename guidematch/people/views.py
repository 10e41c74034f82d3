"""The coordinator's guide and refugee pages: lists, details, forms (files: `people.files`)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidematch import labels, unit_of_work
from guidematch import vocabulary as v
from guidematch.extensions import db
from guidematch.form_errors import flash_error, show_error
from guidematch.mail_kinds import KIND_LABELS
from guidematch.models import Consent, Guide, Refugee
from guidematch.people import files, listing
from guidematch.people.forms import GuideForm, RefugeeForm
from guidematch.scoping import current_branch, get_in_branch_or_404
from guidematch.services import clock, mail_choices, people
from guidematch.services.errors import DomainError

bp = Blueprint("people", __name__)

FORMS = {"guide": GuideForm, "refugee": RefugeeForm}
MODELS = {"guide": Guide, "refugee": Refugee}
PAIRED = "paired"


@bp.record_once
def _register_labels(state) -> None:
    labels.register(state.app)
    state.app.jinja_env.globals.setdefault("has_endpoint", lambda name: name in state.app.view_functions)


# --- lists ---------------------------------------------------------------------------

def _list(kind: str):
    query = listing.ListQuery.from_args(kind, request.args)
    return render_template(
        "people/list.html", kind=kind, query=query, page=listing.page_of(query),
        counts=listing.status_counts(query), statuses=list(listing.STATUSES[kind]),
        languages=listing.languages_in_branch(kind), today=clock.today(),
        endpoint=request.endpoint, interest_choices=labels.choices("interest"),
        gender_choices=labels.choices(v.Gender),
    )


@bp.route("/guides")
@login_required
def guides():
    """List the branch's guides: search, filter by status, language or interest, sort."""
    return _list("guide")


@bp.route("/refugees")
@login_required
def refugees():
    """List the branch's refugees, longest waiting first."""
    return _list("refugee")


# --- details ---------------------------------------------------------------------------

def _detail(kind: str, person):
    column = Consent.guide_id if kind == "guide" else Consent.refugee_id
    consents = db.session.scalars(select(Consent).where(column == person.id).order_by(Consent.given_at))
    return render_template(f"people/{kind}.html", kind=kind, person=person,
                           pairings=people.person_pairings(person), consents=list(consents),
                           seats=people.binding_count(person) if kind == "guide" else 0,
                           mail_off=[KIND_LABELS[k] for k in sorted(mail_choices.turned_off(person))],
                           today=clock.today())


@bp.route("/guides/<int:guide_id>")
@login_required
def guide(guide_id: int):
    """Show everything about one guide."""
    return _detail("guide", get_in_branch_or_404(Guide, guide_id))


@bp.route("/refugees/<int:refugee_id>")
@login_required
def refugee(refugee_id: int):
    """Show everything about one refugee."""
    return _detail("refugee", get_in_branch_or_404(Refugee, refugee_id))


# --- create and edit -------------------------------------------------------------------

def _form(kind: str, person=None):
    form = FORMS[kind](obj=person)
    if person is not None and person.status == PAIRED:
        del form.status  # follows the pairings
    if request.method == "GET" and person is not None:
        form.load(person)
    if form.validate_on_submit():
        saved = _save(kind, person, form)
        if saved is not None:
            return redirect(url_for(f"people.{kind}", **{f"{kind}_id": saved}))
    return render_template("people/form.html", kind=kind, form=form, person=person,
                           districts=current_branch().districts or [])


def _save(kind: str, person, form) -> int | None:
    """Create or update from the form; return the person's id, or None with errors shown."""
    try:
        with unit_of_work.savepoint():  # flushed here, so a twin's unique email shows up now
            if person is None:
                saved = people.create_person(current_branch(), kind, form.profile_values())
                message = _("Saved. %(name)s is added.", name=saved.full_name)
            else:
                saved = person
                people.update_person(person, form.profile_values())
                message = _("Saved the changes to %(name)s.", name=person.full_name)
        saved_id = saved.id
    except DomainError as error:
        show_error(form, error)
        return None
    except IntegrityError:  # someone saved the same email or reference a moment ago
        flash_error(_("Not saved: someone else saved the same email or reference just now. "
                      "Please check and save again."))
        return None
    flash(message, "success")
    return saved_id


@bp.route("/guides/new", methods=["GET", "POST"])
@login_required
def new_guide():
    """Add a guide by hand."""
    return _form("guide")


@bp.route("/guides/<int:guide_id>/edit", methods=["GET", "POST"])
@login_required
def edit_guide(guide_id: int):
    """Change a guide's profile, status and credentials."""
    return _form("guide", get_in_branch_or_404(Guide, guide_id))


@bp.route("/refugees/new", methods=["GET", "POST"])
@login_required
def new_refugee():
    """Add a refugee by hand (for someone referred by the refugee service)."""
    return _form("refugee")


@bp.route("/refugees/<int:refugee_id>/edit", methods=["GET", "POST"])
@login_required
def edit_refugee(refugee_id: int):
    """Change a refugee's profile and status."""
    return _form("refugee", get_in_branch_or_404(Refugee, refugee_id))


files.add_routes(bp)
