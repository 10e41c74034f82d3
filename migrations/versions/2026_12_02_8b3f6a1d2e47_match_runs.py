"""Matching runs, and why each refugee a run left without a proposal waits

Revision ID: 8b3f6a1d2e47
Revises: 8f3c6a1d2e47
Create Date: 2026-12-02 07:30:00

Written when a run is saved, so that the matching page reads the reasons
instead of rebuilding the score matrix on every visit. Branches that ran the
matching before this revision have no run yet: their waiting list says so
until the next run.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b3f6a1d2e47'
down_revision = '8f3c6a1d2e47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'match_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('refugees', sa.Integer(), server_default='0', nullable=False),
        sa.Column('guides', sa.Integer(), server_default='0', nullable=False),
        sa.Column('proposed', sa.Integer(), server_default='0', nullable=False),
        sa.Column('milliseconds', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branches.id'],
                                name=op.f('fk_match_runs_branch_id_branches'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_match_runs_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_runs')),
    )
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.create_index('ix_match_runs_branch_ran', ['branch_id', 'ran_at'], unique=False)
    op.create_table(
        'match_run_waiting',
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('refugee_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('fitting', sa.Integer(), server_default='0', nullable=False),
        sa.Column('rule', sa.SmallInteger(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['refugee_id'], ['refugees.id'],
                                name=op.f('fk_match_run_waiting_refugee_id_refugees'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'],
                                name=op.f('fk_match_run_waiting_run_id_match_runs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('run_id', 'refugee_id', name=op.f('pk_match_run_waiting')),
    )
    with op.batch_alter_table('match_run_waiting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_run_waiting_refugee_id'), ['refugee_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('match_run_waiting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_run_waiting_refugee_id'))
    op.drop_table('match_run_waiting')
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_match_runs_branch_ran')
    op.drop_table('match_runs')
