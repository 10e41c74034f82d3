"""Pauses a guide declared from the weekly email's page are marked so

Revision ID: c4e8a2f61d3b
Revises: c4d8e2a61f93
Create Date: 2026-12-02 14:00:00

Every pause before this revision was entered by a coordinator.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a2f61d3b'
down_revision = 'c4d8e2a61f93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pauses") as batch:
        batch.add_column(sa.Column("declared_by_guide", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("pauses") as batch:
        batch.drop_column("declared_by_guide")
