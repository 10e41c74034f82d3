"""The recruitment gap of each day, for the dashboard's 12-month trend

Revision ID: e5b1d9a07c42
Revises: e5a1c9d27b40
Create Date: 2026-12-03 09:20:00

Starts empty: a past day's gap cannot be computed again (no history of who waited).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b1d9a07c42'
down_revision = 'e5a1c9d27b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gap_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('needing_male_guide', sa.Integer(), nullable=False),
        sa.Column('free_places_male_guides', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branches.id'],
                                name=op.f('fk_gap_snapshots_branch_id_branches'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gap_snapshots')),
        sa.UniqueConstraint('branch_id', 'day', name='uq_gap_snapshots_branch_id_day'),
    )


def downgrade():
    op.drop_table('gap_snapshots')
