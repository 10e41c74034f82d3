"""Agreement texts per language: a coordinator's own text is kept for one language

Revision ID: d47e69b4f191
Revises: 3c1a9e5b7d20
Create Date: 2026-12-02 06:00:00

Until now a branch had one agreement text: the programme's English default
(shown translated) or a coordinator's own text, which every reader got, in
whatever language it was written. Now the default is filled from the branch's
rules in each reader's language, and an own text belongs to one language.

Upgrade: an own text becomes the branch's Norwegian (nb) text: the coordinators'
interface is Norwegian by default, and the texts seen in use were Norwegian.
The other languages get the default. Every branch's agreement version goes up
by one, because the words change for someone in every branch (the default now
states the branch's own numbers; an own text no longer reaches other languages).

Downgrade: a branch's Norwegian text, or else the old default, becomes its one
text again. Versions are not lowered: a number once used keeps naming its words.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd47e69b4f191'
down_revision = '3c1a9e5b7d20'
branch_labels = None
depends_on = None

# The text every branch had by default before this revision (models/branch.py of the day).
OLD_DEFAULT = """\
As guide and refugee in the refugee guide programme we agree to:
- meet for at least two hours a week, at times we plan together;
- take part in the monthly group meeting for all guides and refugees when we can;
- answer a short evaluation after three months;
- keep the pairing for at least nine and at most twelve months, and tell the
  coordinator if it must end earlier;
- treat what we learn about each other in confidence.
"""

branches = sa.table('branches', sa.column('id', sa.Integer), sa.column('agreement_text', sa.Text),
                    sa.column('agreement_version', sa.Integer))
agreement_texts = sa.table('agreement_texts', sa.column('branch_id', sa.Integer),
                           sa.column('locale', sa.String), sa.column('text', sa.Text))


def _same_words(a, b):
    return (a or '').split() == (b or '').split()


def upgrade():
    op.create_table('agreement_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("locale IN ('nb', 'en', 'ar', 'uk')",
                       name=op.f('ck_agreement_texts_known_locale')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'],
                            name=op.f('fk_agreement_texts_branch_id_branches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_texts')),
    sa.UniqueConstraint('branch_id', 'locale', name=op.f('uq_agreement_texts_branch_id_locale'))
    )
    conn = op.get_bind()
    own = [{'branch_id': branch_id, 'locale': 'nb', 'text': text}
           for branch_id, text in conn.execute(sa.select(branches.c.id, branches.c.agreement_text))
           if not _same_words(text, OLD_DEFAULT)]
    if own:
        op.bulk_insert(agreement_texts, own)
    op.execute(branches.update().values(agreement_version=branches.c.agreement_version + 1))
    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.drop_column('agreement_text')


def downgrade():
    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_text', sa.Text(), nullable=False,
                                      server_default=''))
    conn = op.get_bind()
    own = dict(conn.execute(sa.select(agreement_texts.c.branch_id, agreement_texts.c.text)
                            .where(agreement_texts.c.locale == 'nb')).all())
    for (branch_id,) in conn.execute(sa.select(branches.c.id)).all():
        conn.execute(branches.update().where(branches.c.id == branch_id)
                     .values(agreement_text=own.get(branch_id, OLD_DEFAULT)))
    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.alter_column('agreement_text', existing_type=sa.Text(), server_default=None,
                              existing_nullable=False)
    op.drop_table('agreement_texts')
