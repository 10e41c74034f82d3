"""Outbox mentions: the guides and refugees each email is to or about (erasure deletes them)

Revision ID: a7c3e91f0b52
Revises: a71c3e9f2b58
Create Date: 2026-12-02 07:45:00

Emails written before this revision get their mentions from what can be known:
the person the email was addressed to (their address in the same branch), the
partner it names (a person paired with the recipient whose first name is in the
text), and the refugee a caseworker's receipt is about.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91f0b52'
down_revision = 'a71c3e9f2b58'
branch_labels = None
depends_on = None

BACKFILL = [
    # Addressed to the person.
    """INSERT INTO outbox_mentions (message_id, guide_id)
       SELECT m.id, g.id FROM outbox_messages m
       JOIN guides g ON g.branch_id = m.branch_id AND lower(g.email) = lower(m.to_address)""",
    """INSERT INTO outbox_mentions (message_id, refugee_id)
       SELECT m.id, r.id FROM outbox_messages m
       JOIN refugees r ON r.branch_id = m.branch_id AND lower(r.email) = lower(m.to_address)""",
    # Naming the partner of the person it was addressed to.
    """INSERT INTO outbox_mentions (message_id, refugee_id)
       SELECT DISTINCT m.id, r.id FROM outbox_messages m
       JOIN guides g ON g.branch_id = m.branch_id AND lower(g.email) = lower(m.to_address)
       JOIN pairings p ON p.guide_id = g.id JOIN refugees r ON r.id = p.refugee_id
       WHERE r.first_name <> '' AND m.body_text LIKE '%' || r.first_name || '%'""",
    """INSERT INTO outbox_mentions (message_id, guide_id)
       SELECT DISTINCT m.id, g.id FROM outbox_messages m
       JOIN refugees r ON r.branch_id = m.branch_id AND lower(r.email) = lower(m.to_address)
       JOIN pairings p ON p.refugee_id = r.id JOIN guides g ON g.id = p.guide_id
       WHERE g.first_name <> '' AND m.body_text LIKE '%' || g.first_name || '%'""",
    # A caseworker's receipt, about the refugee they referred.
    """INSERT INTO outbox_mentions (message_id, refugee_id)
       SELECT DISTINCT m.id, r.id FROM outbox_messages m
       JOIN refugees r ON r.branch_id = m.branch_id
        AND lower(r.referred_by_email) = lower(m.to_address)
       WHERE m.template = 'referral_caseworker' AND r.first_name <> ''
        AND m.body_text LIKE '%' || r.first_name || '%'""",
]


def upgrade():
    op.create_table(
        'outbox_mentions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('guide_id', sa.Integer(), nullable=True),
        sa.Column('refugee_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('(guide_id IS NULL) <> (refugee_id IS NULL)',
                           name=op.f('ck_outbox_mentions_one_person')),
        sa.ForeignKeyConstraint(['guide_id'], ['guides.id'],
                                name=op.f('fk_outbox_mentions_guide_id_guides'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'],
                                name=op.f('fk_outbox_mentions_message_id_outbox_messages'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['refugee_id'], ['refugees.id'],
                                name=op.f('fk_outbox_mentions_refugee_id_refugees'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mentions')),
    )
    with op.batch_alter_table('outbox_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_mentions_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mentions_message_id'), ['message_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mentions_refugee_id'), ['refugee_id'],
                              unique=False)
    for statement in BACKFILL:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('outbox_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mentions_refugee_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_mentions_message_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_mentions_guide_id'))
    op.drop_table('outbox_mentions')
