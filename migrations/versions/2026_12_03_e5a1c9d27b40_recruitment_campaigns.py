"""Recruitment campaigns, and the campaign a guide signed up through

Revision ID: e5a1c9d27b40
Revises: c4e8a2f17d93
Create Date: 2026-12-03 10:00:00

Guides who signed up before this revision have no campaign (NULL): the report counts
them under "no campaign".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c9d27b40'
down_revision = 'c4e8a2f17d93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaigns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('channel', sa.Enum('poster', 'newspaper', 'radio', 'social_media', 'event',
                                     'partner_organisation', 'other', name='campaign_channel',
                                     native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column('seeks_gender', sa.Enum('female', 'male', 'other', name='gender',
                                          native_enum=False, create_constraint=True, length=6),
                  nullable=True),
        sa.Column('seeks_language', sa.String(length=8), nullable=True),
        sa.Column('seeks_district', sa.String(length=100), nullable=True),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branches.id'],
                                name=op.f('fk_campaigns_branch_id_branches'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
        sa.UniqueConstraint('branch_id', 'name', name=op.f('uq_campaigns_branch_id_name')),
        sa.UniqueConstraint('code', name=op.f('uq_campaigns_code')),
    )
    op.create_index(op.f('ix_campaigns_branch_id'), 'campaigns', ['branch_id'], unique=False)
    with op.batch_alter_table('guides', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_guides_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_guides_campaign_id_campaigns'), 'campaigns',
                                    ['campaign_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('guides', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_guides_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_guides_campaign_id'))
        batch_op.drop_column('campaign_id')
    op.drop_index(op.f('ix_campaigns_branch_id'), table_name='campaigns')
    op.drop_table('campaigns')
