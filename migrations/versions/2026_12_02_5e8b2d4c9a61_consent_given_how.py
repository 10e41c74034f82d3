"""Consents: how each was given (sign-up form, referral form, paper form imported by whom)

Revision ID: 5e8b2d4c9a61
Revises: d47e69b4f191
Create Date: 2026-12-02 05:30:00

Consents recorded before this revision were all given on the public forms, but
which form is not known any more: they keep an empty text.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e8b2d4c9a61'
down_revision = 'd47e69b4f191'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_how', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_column('given_how')
