"""The pairings list: one page of a tab, loading only the columns its rows print."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from guidematch.extensions import db
from guidematch.models import Branch, Pairing
from guidematch.paging import Pager
from guidematch.programme import Risk
from guidematch.services import compliance, pairing_names
from guidematch.vocabulary import PairingStatus

PER_PAGE = 50
AT_RISK = "at_risk"


@dataclass
class Row:
    pairing: Pairing
    risks: list[Risk] = field(default_factory=list)
    last_log: date | None = None


def tab_page(branch: Branch, tab: str, page: int, today: date) -> tuple[list[Row], Pager]:
    """Return one page of a tab's rows (at risk: who needs a call, longest silence first)."""
    if tab == AT_RISK:
        found = compliance.at_risk(branch, today)
        pager = Pager(page, PER_PAGE, len(found), {"tab": tab})
        chosen = pager.slice(found)
        pairings = pairing_names.by_ids([r.pairing_id for r in chosen])
        return [Row(pairings[r.pairing_id], r.risks, r.last_log) for r in chosen], pager
    status = PairingStatus(tab)
    where = (Pairing.branch_id == branch.id, Pairing.status == status)
    total = db.session.scalar(select(func.count()).select_from(Pairing).where(*where))
    stmt = select(Pairing).where(*where).order_by(Pairing.start_date.desc(), Pairing.id.desc())
    pager = Pager(page, PER_PAGE, total, {"tab": tab})
    pairings = db.session.scalars(stmt.options(*pairing_names.lean_people()).offset(pager.offset).limit(PER_PAGE))
    risks = compliance.risks_by_pairing(branch, today) if status == PairingStatus.ACTIVE else {}
    return [Row(p, risks.get(p.id, [])) for p in pairings], pager
