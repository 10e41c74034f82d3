"""Outbox: an index for a branch's newest emails first (the Outbox page at city scale)

Revision ID: b7c31e0a4d52
Revises: 8b3f6a1d2e47
Create Date: 2026-12-02 08:00:00
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7c31e0a4d52'
down_revision = '8b3f6a1d2e47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_branch_created', ['branch_id', 'created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_branch_created')
