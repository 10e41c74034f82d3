"""The audit log page: who did what, when, to whom, in the branch; filtered and paged."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from guidematch import safe_input
from guidematch.audit import listing
from guidematch.audit.forms import AuditFilterForm
from guidematch.scoping import get_in_branch_or_404

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _person():
    """Return the guide or refugee the log is filtered to (?guide= or ?refugee=), or None.

    Another branch's person, or an id that is no record, is a 404 as everywhere.
    """
    for kind, model in listing.PERSON_MODELS.items():
        if request.args.get(kind):  # the form's hidden field sends it empty when unset
            record_id = safe_input.record_id(request.args[kind])
            if record_id is None:
                abort(404)
            return get_in_branch_or_404(model, record_id)
    return None


@bp.route("")
@login_required
def index():
    """List the branch's audit events, newest first, by who, what, when and which person."""
    person = _person()
    form = AuditFilterForm(formdata=request.args or None, people=listing.actors())
    rows = pager = None  # with errors, they stand next to their fields and no rows are shown
    if not request.args or form.validate():
        filters = listing.Filters(who=form.who.data, action=form.what.data or "",
                                  first=form.first.data, last=form.last.data, person=person)
        rows, pager = listing.log_page(filters, safe_input.page_number(request.args))
    return render_template("audit/index.html", form=form, person=person, rows=rows, pager=pager,
                           kind=person and listing.kind_of(person))
