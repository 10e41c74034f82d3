"""Branches still on the old default weights get the new default waiting weight (10, was 2)

Revision ID: 8f3c6a1d2e47
Revises: 5e8b2d4c9a61
Create Date: 2026-12-02 07:40:00

The waiting part changed meaning (docs/matching.md "Who gets a scarce guide"):
it counts the months someone has waited longer than the others a guide could
take, and its default weight is 10. A branch whose weights are exactly the old
defaults never chose them, so it gets the new default; a branch that changed
any weight keeps its own. The downgrade puts 2 back only where it finds the new
default unchanged.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f3c6a1d2e47'
down_revision = '5e8b2d4c9a61'
branch_labels = None
depends_on = None

_FIT = {"interests": 3.0, "activities": 3.0, "language": 2.0, "family": 2.0, "age": 1.0,
        "availability": 2.0, "location": 1.0, "background": 1.0}
_OLD, _NEW = {**_FIT, "waiting": 2.0}, {**_FIT, "waiting": 10.0}

branches = sa.table("branches", sa.column("id", sa.Integer),
                    sa.column("matching_weights", sa.JSON))


def _replace(before: dict, after: dict) -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(branches.c.id, branches.c.matching_weights)):
        weights = row.matching_weights
        if isinstance(weights, str):  # some drivers hand JSON back as text
            weights = json.loads(weights)
        # An empty mapping is "the defaults" already (Branch.weights fills them in).
        if weights and {k: float(v) for k, v in weights.items()} == before:
            conn.execute(branches.update().where(branches.c.id == row.id)
                         .values(matching_weights=dict(after)))


def upgrade():
    _replace(_OLD, _NEW)


def downgrade():
    _replace(_NEW, _OLD)
