"""Mail kinds: what recurring mail each person turned off; each outbox row's extra headers

Revision ID: c4e8a2f17d93
Revises: c4e8a2f61d3b
Create Date: 2026-12-02 14:10:00

Rows queued before this revision get no extra headers (they were made without them).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a2f17d93'
down_revision = 'c4e8a2f61d3b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('guide_id', sa.Integer(), nullable=True),
        sa.Column('refugee_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.Enum('weekly_reminders', 'evaluation_reminders', 'meeting_invitations',
                                  name='mail_kind', native_enum=False, create_constraint=True,
                                  length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(guide_id IS NULL) <> (refugee_id IS NULL)',
                           name=op.f('ck_mail_opt_outs_one_person')),
        sa.ForeignKeyConstraint(['guide_id'], ['guides.id'],
                                name=op.f('fk_mail_opt_outs_guide_id_guides'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['refugee_id'], ['refugees.id'],
                                name=op.f('fk_mail_opt_outs_refugee_id_refugees'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_opt_outs')),
        sa.UniqueConstraint('guide_id', 'kind', name=op.f('uq_mail_opt_outs_guide_id_kind')),
        sa.UniqueConstraint('refugee_id', 'kind', name=op.f('uq_mail_opt_outs_refugee_id_kind')),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')
    op.drop_table('mail_opt_outs')
