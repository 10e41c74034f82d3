"""Group meetings can be changed and cancelled after the invitations; invitees answer by link

Revision ID: c4d8e2a61f93
Revises: a7c3e91f0b52
Create Date: 2026-12-02 14:00:00

`group_meetings.sequence` is the iCalendar SEQUENCE of the meeting's invitation
(0 for the first, one up with each update or the cancellation), so calendar
programs replace the entry they hold. `cancelled_at` marks a meeting called
off after its invitations went out (the row and its attendance stay).
`attendances.coming` / `answered_at` hold a person's "I will come" / "I cannot
come" from the invitation's links. Existing rows: sequence 0, not cancelled,
no answers, which is what they were.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2a61f93'
down_revision = 'a7c3e91f0b52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('group_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coming', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('coming')
    with op.batch_alter_table('group_meetings', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('sequence')
