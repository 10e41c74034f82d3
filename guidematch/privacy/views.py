"""A person's data on request: a copy of it (export) or its erasure, done by the coordinator."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from guidematch.form_errors import flash_error
from guidematch.models import Guide, Refugee
from guidematch.scoping import get_in_branch_or_404
from guidematch.services import audit, privacy
from guidematch.services.errors import DomainError

bp = Blueprint("privacy", __name__)


def _export(person) -> Response:
    audit.record("person_data_exported", person)
    body = json.dumps(privacy.export(person), ensure_ascii=False, indent=2)
    filename = f"{'guide' if isinstance(person, Guide) else 'refugee'}-{person.id}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


def _erase(person, list_endpoint: str, detail_endpoint: str, **ids):
    try:
        outcome = privacy.erase(person)
    except DomainError as error:
        flash_error(error)
        return redirect(url_for(detail_endpoint, **ids))
    flash(_("The person's data is erased.") if outcome == "deleted"
          else _("The person's data is anonymised; their ended pairing stays in the statistics."), "success")
    return redirect(url_for(list_endpoint))


@bp.route("/guides/<int:guide_id>/data.json")
@login_required
def export_guide(guide_id: int):
    """Download everything we hold about a guide (for a request to see one's data)."""
    return _export(get_in_branch_or_404(Guide, guide_id))


@bp.route("/refugees/<int:refugee_id>/data.json")
@login_required
def export_refugee(refugee_id: int):
    """Download everything we hold about a refugee."""
    return _export(get_in_branch_or_404(Refugee, refugee_id))


@bp.route("/guides/<int:guide_id>/erase", methods=["POST"])
@login_required
def erase_guide(guide_id: int):
    """Erase a guide's data at their request."""
    return _erase(get_in_branch_or_404(Guide, guide_id), "people.guides", "people.guide", guide_id=guide_id)


@bp.route("/refugees/<int:refugee_id>/erase", methods=["POST"])
@login_required
def erase_refugee(refugee_id: int):
    """Erase a refugee's data at their request."""
    return _erase(get_in_branch_or_404(Refugee, refugee_id), "people.refugees", "people.refugee",
                  refugee_id=refugee_id)
